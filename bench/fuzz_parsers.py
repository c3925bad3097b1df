"""The long parser fuzzing run (issue 18): the properties of ``tests/test_parser_fuzz.py``
with many more examples, random (not derandomised) each time.

Run from the repository root (``make fuzz-parsers``):

    PYTHONPATH=src .venv/bin/python bench/fuzz_parsers.py --examples 5000

``--examples`` is the number of examples per cheap parser (NIK, KK, telephone, upload
check); each importer (XLSForm, submissions, spreadsheets, directory import) gets a tenth
of it. Every failure is printed with the smallest input hypothesis could shrink it to:
turn it into a regression test at the end of the test file, then fix the parser.
Exit status is pytest's (0: no crash found).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 5000)))
    parser.add_argument("-k", default="", help="only the tests whose name matches (pytest -k)")
    args = parser.parse_args()
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
            "SIPAKATAU_ENV": "test",
            "FUZZ_EXAMPLES": str(max(args.examples, 1)),
        }
    )
    command = [sys.executable, "-m", "pytest", "tests/test_parser_fuzz.py", "-q"]
    command += ["-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    if args.k:
        command += ["-k", args.k]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603
    print(
        f"parser fuzzing: {args.examples} examples per parser "
        f"({max(args.examples // 10, 30)} per importer), "
        f"{time.monotonic() - started:.0f} s, " + ("no crash" if done.returncode == 0 else "FAILED")
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
