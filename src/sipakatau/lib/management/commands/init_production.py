"""Make a production set-up: every secret in a file only its owner reads, and the
environment file that points at them (docs/operator.md, "Production in two commands").

    manage.py init_production /srv/sipakatau --host layanan.parepare.go.id
    manage.py serve --env-file /srv/sipakatau/sipakatau.env

Run it as the account that will run the site (the files belong to whoever makes them), or
as root with ``--owner sipakatau``. It never overwrites anything: a second run would
replace the keys, and every encrypted name, the audit chain and every backup would become
unreadable.
"""

import base64
import os
import pwd
import secrets
import textwrap
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipakatau.lib.crypto import new_key_entry

ENV_FILE = "sipakatau.env"
KEYS_DIR = "keys"
PLACEHOLDER_HOST = "sipakatau.example.go.id"


def _django_secret() -> str:
    return secrets.token_urlsafe(50)


def _base64_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


# (setting, file name, maker, what it is for): the settings read each through <setting>_FILE.
SECRETS = (
    (
        "SIPAKATAU_SECRET_KEY",
        "secret_key",
        _django_secret,
        gettext_lazy("signs sessions and links"),
    ),
    ("SIPAKATAU_AUDIT_KEY", "audit_key", _django_secret, gettext_lazy("seals the audit trail")),
    ("SIPAKATAU_BACKUP_KEY", "backup_key", _base64_key, gettext_lazy("opens the backups")),
    (
        "SIPAKATAU_FIELD_KEYS",
        "field_keys",
        lambda: new_key_entry("k1"),
        gettext_lazy("opens names, NIKs and addresses"),
    ),
    (
        "SIPAKATAU_INDEX_KEY",
        "index_key",
        lambda: new_key_entry("i1"),
        gettext_lazy("finds people by name"),
    ),
)


def _write_private(path: Path, text: str) -> None:
    # O_EXCL: never replace a file that appeared meanwhile; 0600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def _make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class Command(BaseCommand):
    help = (
        "Write the production secrets (each in a file only its owner reads) and an "
        "environment file pointing at them into DIR. Refuses to overwrite anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="where the keys, the environment file and data go")
        parser.add_argument(
            "--host",
            default="",
            help="the site's name (e.g. layanan.parepare.go.id); a placeholder if not given",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="PostgreSQL for a hub (postgres://user@host/name); SQLite in DIR/var otherwise",
        )
        parser.add_argument(
            "--owner",
            default="",
            help="run as root: give everything written to this account (e.g. sipakatau)",
        )
        parser.add_argument(
            "--trusted-proxies",
            default="127.0.0.1,::1",
            help="the reverse proxy's addresses (default: this machine, as in deploy/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]).expanduser().resolve()
        host = options["host"].strip() or PLACEHOLDER_HOST
        keys_dir = directory / KEYS_DIR
        env_file = directory / ENV_FILE
        var_dir = directory / "var"
        if any(character.isspace() or character in ",/:@" for character in host):
            raise CommandError(
                _("--host %(host)s: give the site's name only, e.g. layanan.example.go.id.")
                % {"host": host}
            )
        key_files = [keys_dir / secret[1] for secret in SECRETS]

        # Everything is checked before anything is written: a refusal leaves no trace.
        existing = [path for path in (env_file, keys_dir, *key_files) if path.exists()]
        if existing:
            raise CommandError(
                _(
                    "Refusing to overwrite: %(paths)s. New keys would make every encrypted "
                    "record, the audit trail and every backup unreadable. Choose another "
                    "directory, or move these away yourself."
                )
                % {"paths": ", ".join(str(path) for path in existing)}
            )
        if directory.exists() and not directory.is_dir():
            raise CommandError(_("%(path)s exists and is not a directory.") % {"path": directory})
        owner = None
        if options["owner"]:
            try:
                owner = pwd.getpwnam(options["owner"])
            except KeyError as exc:
                raise CommandError(
                    _("--owner: there is no account %(owner)s.") % {"owner": options["owner"]}
                ) from exc

        _make_private_dir(directory)
        _make_private_dir(keys_dir)
        _make_private_dir(var_dir)
        for (_setting, _name, make, _purpose), path in zip(SECRETS, key_files, strict=True):
            _write_private(path, make() + "\n")
        _write_private(env_file, self._environment(directory, host, options))
        if owner is not None:
            for path in (directory, keys_dir, var_dir, env_file, *key_files):
                os.chown(path, owner.pw_uid, owner.pw_gid)

        self._report(directory, env_file, keys_dir, host, options["host"].strip())

    def _environment(self, directory: Path, host: str, options: dict[str, Any]) -> str:
        keys_dir = directory / KEYS_DIR
        lines = [
            f"# Sipakatau production settings, made by manage.py init_production on "
            f"{timezone.now():%Y-%m-%d}.",
            "# KEY=VALUE lines for manage.py serve --env-file and systemd's EnvironmentFile=;",
            "# every setting is described in docs/operator.md.",
            "SIPAKATAU_ENV=production",
            f"SIPAKATAU_ALLOWED_HOSTS={host}",
            f"SIPAKATAU_CSRF_TRUSTED_ORIGINS=https://{host}",
            f"SIPAKATAU_BASE_URL=https://{host}",
            f"SIPAKATAU_VAR_DIR={directory / 'var'}",
            f"SIPAKATAU_BACKUP_DIR={directory / 'var' / 'backups'}",
            f"SIPAKATAU_STATIC_ROOT={directory / 'static'}",
            "# The reverse proxy in front (deploy/): only its X-Forwarded-For is believed.",
            f"SIPAKATAU_TRUSTED_PROXIES={options['trusted_proxies']}",
        ]
        if options["database_url"]:
            lines.append(f"DATABASE_URL={options['database_url']}")
        else:
            lines.append(
                f"# DATABASE_URL unset: SQLite in {directory / 'var' / 'sipakatau.sqlite3'}"
            )
        lines.append("# A hub's job broker: SIPAKATAU_REDIS_URL=redis://127.0.0.1:6379/0")
        lines.append("# The keys: each in its own file, readable only by the site's account.")
        for setting, file_name, _make, _purpose in SECRETS:
            lines.append(f"{setting}_FILE={keys_dir / file_name}")
        return "\n".join(lines) + "\n"

    def _report(
        self, directory: Path, env_file: Path, keys_dir: Path, host: str, given_host: str
    ) -> None:
        def out(text: str, style: Any = str) -> None:
            for line in textwrap.wrap(text, 88, subsequent_indent="  ") or [""]:
                self.stdout.write(style(line))

        out(_("Production set-up written to %(path)s") % {"path": directory}, self.style.SUCCESS)
        out("  " + _("environment file: %(path)s") % {"path": env_file})
        for _setting, file_name, _make, purpose in SECRETS:
            out(f"  {keys_dir / file_name}  ({purpose})")
        out("")
        out(_("Back up these files now, once, by hand:"), self.style.WARNING)
        out("  " + _("%(keys)s/ (all five keys) and %(env)s") % {"keys": keys_dir, "env": env_file})
        out(
            "  "
            + _("Without them no backup can be opened and no encrypted name can be read again.")
        )
        out(_("Never keep them beside the backups:"), self.style.WARNING)
        out(
            "  "
            + _(
                "not in %(backups)s, not on the backup disk or server, not in the same cloud "
                "folder or email: whoever holds a backup and its key holds every survivor's "
                "record. Keep them apart: a USB stick in the office safe, a password manager, "
                "a sealed envelope with the lurah."
            )
            % {"backups": directory / "var" / "backups"}
        )
        out("")
        if not given_host:
            out(
                _("Put the site's name in place of %(host)s in %(path)s.")
                % {"host": host, "path": env_file},
                self.style.WARNING,
            )
        out(_("Next:"))
        out(f"  manage.py serve --env-file {env_file}")
