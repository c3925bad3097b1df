"""What the needs-mapping report's job (PDF, XLSX) costs with a large questionnaire (issue
20): the builders the job runs, in-process, without a network. (The analysis page itself
shows what its own job kept: bench/mapping_analysis_page_bench.py times it.)

    SIPAKATAU_VAR_DIR=/tmp/bench-mapping PYTHONPATH=src:. \\
      .venv/bin/python bench/mapping_page_bench.py --generate 5000
    ... bench/mapping_page_bench.py --requests 5        # again, on the same data

``--generate`` migrates the database, loads the demo (its users and units) and the
template questionnaire of LBK-KK Bahagia, and adds that many generated responses (random
but seeded, as bench/mapping_analysis_bench.py makes them) in one bulk insert. Never in
production: the demo loader refuses. Figures go to standard output; record them in
docs/benchmarks.md.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from sipakatau.accounts.models import Membership  # noqa: E402
from sipakatau.mapping import services  # noqa: E402
from sipakatau.mapping.models import (  # noqa: E402
    Questionnaire,
)

COORDINATOR = "bahagia.koordinator"


def coordinator() -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(
        user__username=COORDINATOR, is_active=True
    )


def generate(responses: int) -> None:
    """The demo, then the template questionnaire of LBK-KK Bahagia with ``responses``
    generated responses (as bench/mapping_analysis_page_bench.py makes them)."""
    from bench.mapping_analysis_page_bench import questionnaire_with
    from sipakatau.demo.services import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    questionnaire_with(responses, coordinator())


def timed(call: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    settings.ALLOWED_HOSTS = ["testserver"]
    analyst = coordinator()
    questionnaire = Questionnaire.objects.filter(kelurahan__code="73.72.03.1003").latest("pk")

    def pdf() -> None:
        with translation.override("id"):
            services.analysis_report_pdf(actor=analyst, questionnaire=questionnaire)

    def xlsx() -> None:
        with translation.override("id"):
            services.analysis_export(actor=analyst, questionnaire=questionnaire)

    xlsx()  # warm: templates, translations, the first connection
    print(f"database: {connection.vendor}")
    print(f"responses: {questionnaire.submissions.count()}")
    for name, call, repeat in (
        ("report PDF (the job's build)", pdf, max(1, args.requests // 2)),
        ("report XLSX (the job's build)", xlsx, max(1, args.requests // 2)),
    ):
        seconds = timed(call, repeat)
        print(
            f"{name}: median {statistics.median(seconds):.2f} s, "
            f"min {min(seconds):.2f} s, max {max(seconds):.2f} s ({repeat} runs)"
        )


if __name__ == "__main__":
    main()
