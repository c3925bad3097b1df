"""Environment files as init_production writes them and systemd reads them."""

from pathlib import Path

import pytest

from sipakatau.lib.envfile import (
    EnvFileError,
    load_env_file,
    read_env_file,
    split_env_file_argument,
)


def test_lines_comments_quotes_and_export(tmp_path: Path) -> None:
    path = tmp_path / "env"
    path.write_text(
        "# made by init_production\n\nSIPAKATAU_ENV=production\n"
        "export SIPAKATAU_SECRET_KEY_FILE=/etc/sipakatau/secret_key\n"
        "SIPAKATAU_ALLOWED_HOSTS = 'a.example,b.example'\nEMPTY=\nURL=\"x=y#z\"\n",
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "SIPAKATAU_ENV": "production",
        "SIPAKATAU_SECRET_KEY_FILE": "/etc/sipakatau/secret_key",
        "SIPAKATAU_ALLOWED_HOSTS": "a.example,b.example",
        "EMPTY": "",
        "URL": "x=y#z",
    }


def test_a_variable_already_set_wins(tmp_path: Path) -> None:
    path = tmp_path / "env"
    path.write_text("A=file\nB=file\n", encoding="utf-8")
    environ = {"A": "shell"}
    assert load_env_file(path, environ) == ["B"]
    assert environ == {"A": "shell", "B": "file"}


@pytest.mark.parametrize("line", ["no equals sign", "1BAD=x", "A B=c"])
def test_a_bad_line_is_refused_without_quoting_it(tmp_path: Path, line: str) -> None:
    path = tmp_path / "env"
    path.write_text(f"OK=1\n{line}\n", encoding="utf-8")
    with pytest.raises(EnvFileError) as caught:
        read_env_file(path)
    assert "line 2" in str(caught.value)
    assert line not in str(caught.value)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EnvFileError):
        read_env_file(tmp_path / "absent")


def test_the_option_on_a_command_line_is_taken_off_it() -> None:
    line = ["manage.py", "serve", "--env-file", "/e", "--bind", "x"]
    assert split_env_file_argument(line) == (Path("/e"), ["manage.py", "serve", "--bind", "x"])
    assert split_env_file_argument(["manage.py", "migrate", "--env-file=/e"]) == (
        Path("/e"),
        ["manage.py", "migrate"],
    )
    assert split_env_file_argument(["manage.py", "serve"]) == (None, ["manage.py", "serve"])
