"""SK Lurah figures: how long issuing a decree takes (rendering the PDF with its Lampiran,
flow diagram and QR code, hashing and storing it), the DOCX export, and the sizes.

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings .venv/bin/python bench/decree_bench.py

Runs against a temporary SQLite database with the Parepare demo (the Watang Soreang
draft from the template: 11 steps, 10 parties, the pathway from the demo directory).
Options: ``--rounds N`` (default 10).
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _setup(directory: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SIPAKATAU_VAR_DIR"] = str(directory / "var")
    os.environ["SIPAKATAU_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    import django

    django.setup()


def _timed(function: object, rounds: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times, result


def _line(what: str, times: list[float], size: int) -> str:
    return (
        f"{what:<28} median {statistics.median(times) * 1000:7.0f} ms  "
        f"max {max(times) * 1000:7.0f} ms  size {size / 1024:6.1f} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from django.core.management import call_command

        from sipakatau.accounts.models import Membership
        from sipakatau.demo.services import demo_load
        from sipakatau.mechanisms import documents, services
        from sipakatau.mechanisms.codes import CommentStatus, Status
        from sipakatau.mechanisms.models import MechanismVersion
        from sipakatau.mechanisms.queries import version_in_full

        call_command("migrate", verbosity=0)
        demo_load()
        lurah = Membership.objects.get(user__username="ws.lurah")
        version = MechanismVersion.objects.get(mechanism__area=lurah.organisation.area)
        print(f"Python {platform.python_version()}, {platform.machine()}")
        print(
            f"version: {version.steps.count()} steps, {version.duties.count()} parties, "
            f"{version.pathway.count()} pathway entries"
        )
        full = version_in_full(version)
        times, pdf = _timed(
            lambda: documents.decree_pdf(version=full, decree=None, verify_url=""), args.rounds
        )
        print(_line("draft preview PDF", times, len(pdf)))  # type: ignore[arg-type]

        for comment in version.comments.filter(reply_to__isnull=True).exclude(
            status=CommentStatus.RESOLVED
        ):
            services.comment_resolve(actor=lurah, comment=comment)
        services.version_transition(actor=lurah, version=version, to=Status.APPROVED)
        started = time.perf_counter()
        decree = services.decree_issue(
            actor=lurah,
            version=version,
            issued_on=date(2026, 11, 27),
            signer_name="Andi Lurah",
            signer_nip="198001012005011001",
            base_url="https://sipakatau.example.go.id",
        )
        issued = time.perf_counter() - started
        print(
            f"{'issue (number, PDF, hash)':<28} {issued * 1000:7.0f} ms once, "
            f"PDF {len(bytes(decree.pdf)) / 1024:.1f} KB"
        )
        full = version_in_full(version)
        times, docx = _timed(
            lambda: documents.decree_docx(version=full, decree=decree), args.rounds
        )
        print(_line("DOCX export", times, len(docx)))  # type: ignore[arg-type]
        times, svg = _timed(lambda: documents.flow_diagram_svg(full), args.rounds)
        print(_line("flow diagram SVG", times, len(svg.encode())))  # type: ignore[union-attr]


if __name__ == "__main__":
    sys.exit(main())
