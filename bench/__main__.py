"""Run every benchmark in this folder: ``make bench`` (or ``python -m bench``).

Each ``*_bench.py`` is a standalone script working on its own scratch database; this
runner only starts them one after another and prints their figures. Record the figures
in docs/benchmarks.md with the machine and the date.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(HERE.parent / "src"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    env.setdefault("SIPAKATAU_VAR_DIR", tempfile.mkdtemp(prefix="sipakatau-bench-"))
    failures = 0
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"\n=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], env=env, check=False)  # noqa: S603
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
