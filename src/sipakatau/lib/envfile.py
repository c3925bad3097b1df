"""Environment files: ``KEY=VALUE`` lines, as ``manage.py init_production`` writes them and
systemd's ``EnvironmentFile=`` reads them.

Blank lines and lines starting with ``#`` are skipped; ``export KEY=VALUE`` is accepted;
a value in single or double quotes loses them (no escapes, no ``$`` expansion). A variable
already in the environment wins over the file, so one can be changed for one run. Read
before Django's settings (``manage.py --env-file FILE``): the settings are made from the
environment. Imports nothing of Django.
"""

import os
import re
from collections.abc import MutableMapping, Sequence
from pathlib import Path

OPTION = "--env-file"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EnvFileError(ValueError):
    pass


def read_env_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EnvFileError(f"{path}: {exc.strerror}") from exc
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not _NAME.fullmatch(name):
            # The line is not shown: it may hold a secret.
            raise EnvFileError(f"{path}, line {number}: not a KEY=VALUE line")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name] = value
    return values


def load_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Put the file's variables into the environment, except those already there. Returns
    the names it set."""
    environ = os.environ if environ is None else environ
    added = []
    for name, value in read_env_file(path).items():
        if name not in environ:
            environ[name] = value
            added.append(name)
    return added


def split_env_file_argument(argv: Sequence[str]) -> tuple[Path | None, list[str]]:
    """The FILE of ``--env-file FILE`` or ``--env-file=FILE`` on a command line, and the
    command line without it (so that every command accepts it, not only ``serve``)."""
    rest = list(argv)
    for index, argument in enumerate(rest):
        if argument == OPTION and index + 1 < len(rest):
            return Path(rest[index + 1]), rest[:index] + rest[index + 2 :]
        if argument.startswith(OPTION + "="):
            return Path(argument[len(OPTION) + 1 :]), rest[:index] + rest[index + 1 :]
    return None, rest
