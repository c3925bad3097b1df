#!/usr/bin/env python
"""Django's command-line utility for Sipakatau.

``--env-file FILE`` (``manage.py serve --env-file /etc/sipakatau/env``, and the same
with any other command) is read here, before Django reads its settings from the
environment (sipakatau.lib.envfile), and taken off the command line.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    from sipakatau.lib.envfile import EnvFileError, load_env_file, split_env_file_argument

    env_file, argv = split_env_file_argument(sys.argv)
    if env_file is not None:
        try:
            load_env_file(env_file)
        except EnvFileError as exc:
            sys.exit(f"--env-file: {exc}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
