"""manage.py init_production: the secrets in private files, an environment file that
starts the production settings cleanly, and never an overwrite."""

import io
import os
import pwd
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sipakatau.lib.crypto import parse_key_ring

from .production_env import manage, read_env_file

KEY_FILES = ["secret_key", "audit_key", "backup_key", "field_keys", "index_key"]


def init(directory: Path, *args: str) -> str:
    """The command's output, in English (Indonesian is the default)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("init_production", str(directory), *args, stdout=out)
    return out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_writes_every_key_readable_only_by_its_owner(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init(site, "--host", "layanan.example.go.id")

    assert mode(site) == 0o700
    assert mode(site / "keys") == 0o700
    assert mode(site / "var") == 0o700
    assert sorted(p.name for p in (site / "keys").iterdir()) == sorted(KEY_FILES)
    for name in KEY_FILES:
        assert mode(site / "keys" / name) == 0o600, name
    assert mode(site / "sipakatau.env") == 0o600
    # Each key is a fresh one of the right kind.
    parse_key_ring((site / "keys" / "field_keys").read_text(), setting="field")
    parse_key_ring((site / "keys" / "index_key").read_text(), setting="index", max_bytes=None)
    assert len({(site / "keys" / name).read_text() for name in KEY_FILES}) == len(KEY_FILES)


def test_the_environment_file_points_at_the_keys_and_holds_none(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init(site, "--host", "layanan.example.go.id", "--database-url", "postgres://db/sipakatau")
    env = read_env_file(site / "sipakatau.env")

    assert env["SIPAKATAU_ENV"] == "production"
    assert env["SIPAKATAU_ALLOWED_HOSTS"] == "layanan.example.go.id"
    assert env["SIPAKATAU_CSRF_TRUSTED_ORIGINS"] == "https://layanan.example.go.id"
    assert env["DATABASE_URL"] == "postgres://db/sipakatau"
    assert env["SIPAKATAU_VAR_DIR"] == str(site.resolve() / "var")
    assert env["SIPAKATAU_TRUSTED_PROXIES"] == "127.0.0.1,::1"
    for setting, name in [
        ("SIPAKATAU_SECRET_KEY", "secret_key"),
        ("SIPAKATAU_AUDIT_KEY", "audit_key"),
        ("SIPAKATAU_BACKUP_KEY", "backup_key"),
        ("SIPAKATAU_FIELD_KEYS", "field_keys"),
        ("SIPAKATAU_INDEX_KEY", "index_key"),
    ]:
        assert env[f"{setting}_FILE"] == str(site.resolve() / "keys" / name)
        assert setting not in env
    text = (site / "sipakatau.env").read_text()
    for name in KEY_FILES:
        assert (site / "keys" / name).read_text().strip() not in text


def test_without_a_database_url_it_is_sqlite_in_the_directory(tmp_path: Path) -> None:
    init(tmp_path / "site")
    env = read_env_file(tmp_path / "site" / "sipakatau.env")
    assert "DATABASE_URL" not in env
    assert env["SIPAKATAU_ALLOWED_HOSTS"] == "sipakatau.example.go.id"


def test_it_says_what_to_back_up_and_where_never_to_keep_it(tmp_path: Path) -> None:
    out = init(tmp_path / "site", "--host", "layanan.example.go.id")
    keys = str((tmp_path / "site" / "keys").resolve())
    said = " ".join(out.split())  # long paths wrap the lines
    assert f"Back up these files now, once, by hand: {keys}/ (all five keys)" in said
    assert "Never keep them beside the backups" in said
    assert str((tmp_path / "site" / "var" / "backups").resolve()) in said
    assert "manage.py serve --env-file" in out
    # The secrets themselves are never printed.
    for name in KEY_FILES:
        assert (tmp_path / "site" / "keys" / name).read_text().strip() not in out


@pytest.mark.parametrize("present", ["sipakatau.env", "keys", "keys/audit_key"])
def test_it_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, present: str) -> None:
    site = tmp_path / "site"
    (site / "keys").mkdir(parents=True)
    if present != "keys":
        (site / present).write_text("kept\n")
    before = sorted(str(p) for p in site.rglob("*"))

    with pytest.raises(CommandError, match="Refusing to overwrite: .*" + present.split("/")[0]):
        init(site, "--host", "layanan.example.go.id")

    assert sorted(str(p) for p in site.rglob("*")) == before
    if present != "keys":
        assert (site / present).read_text() == "kept\n"


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init(site)
    keys = {name: (site / "keys" / name).read_text() for name in KEY_FILES}
    with pytest.raises(CommandError, match="Refusing to overwrite"):
        init(site)
    assert {name: (site / "keys" / name).read_text() for name in KEY_FILES} == keys


@pytest.mark.skipif(os.geteuid() != 0, reason="giving files to another account needs root")
def test_run_as_root_it_gives_everything_to_the_sites_account(tmp_path: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    site = tmp_path / "site"
    init(site, "--owner", "nobody")
    written = [site, site / "keys", site / "var", site / "sipakatau.env"]
    written += [site / "keys" / name for name in KEY_FILES]
    assert {(p.stat().st_uid, p.stat().st_gid) for p in written} == {(nobody.pw_uid, nobody.pw_gid)}


def test_an_unknown_owner_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no account no-such-account-here"):
        init(tmp_path / "site", "--owner", "no-such-account-here")
    assert not (tmp_path / "site").exists()


def test_a_host_that_is_not_a_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="site's name only"):
        init(tmp_path / "site", "--host", "https://layanan.example.go.id/")
    assert not (tmp_path / "site").exists()


def test_production_settings_start_with_it_and_check_deploy_is_clean(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init(site, "--host", "layanan.example.go.id")

    checked = manage(site / "sipakatau.env", "check", "--deploy", "--fail-level", "WARNING")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout
    shown = manage(
        site / "sipakatau.env",
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.PRODUCTION, s.DEBUG, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS, s.VAR_DIR)",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == (
        f"True False True ['layanan.example.go.id'] {site.resolve() / 'var'}"
    )
    # Nothing was made in development fashion beside the given keys.
    assert sorted(p.name for p in (site / "keys").iterdir()) == sorted(KEY_FILES)


def test_without_its_keys_production_refuses_to_start(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init(site, "--host", "layanan.example.go.id")
    (site / "keys" / "backup_key").unlink()

    checked = manage(site / "sipakatau.env", "check", "--deploy")

    assert checked.returncode != 0
    assert "SIPAKATAU_BACKUP_KEY_FILE=" in checked.stderr
    assert "cannot be read" in checked.stderr
