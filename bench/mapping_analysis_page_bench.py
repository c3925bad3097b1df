"""The needs-mapping analysis page before and after issue 20: what a visit cost when the
page recomputed the analysis (load every response's coded answers, ``build_report``, and
the reader's cross-tab), against a visit that shows the kept analysis
(``AnalysisSnapshot``), with the job's own time and the size of what it keeps.

On a scratch, migrated database (never production: the demo loader refuses there):

    createdb -h 127.0.0.1 -U postgres sipakatau_bench_mapping
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipakatau_bench_mapping SIPAKATAU_DEMO=1 \\
      PYTHONPATH=src:. .venv/bin/python manage.py migrate
    DATABASE_URL=... SIPAKATAU_DEMO=1 PYTHONPATH=src:. .venv/bin/python \\
      bench/mapping_analysis_page_bench.py --responses 5000 [--requests 10]

It loads the Parepare demo, makes the template questionnaire of Watang Soreang and fills it
with generated responses (bench/mapping_analysis_bench.py's generator), then times each
way, median of ``--requests`` runs. Figures go to standard output; record them in
docs/benchmarks.md.
"""

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.mapping_analysis_bench import generate  # noqa: E402
from sipakatau.accounts.models import Membership  # noqa: E402
from sipakatau.mapping import services  # noqa: E402
from sipakatau.mapping.forms.needs_template import FORM_ID  # noqa: E402
from sipakatau.mapping.models import (  # noqa: E402
    AnalysisSnapshot,
    Questionnaire,
    QuestionnaireStatus,
    Submission,
    SubmissionSource,
)
from sipakatau.mapping.presentation import build_report, crosstab_block  # noqa: E402
from sipakatau.mapping.queries import analysis_for  # noqa: E402
from tests.factories import signed_in_client  # noqa: E402

COORDINATOR = "bahagia.koordinator"


def questionnaire_with(responses: int, coordinator: Membership) -> Questionnaire:
    found = Questionnaire.objects.filter(kelurahan=coordinator.organisation.area, form_id=FORM_ID)
    questionnaire = found.first()
    if questionnaire is None:
        questionnaire = services.questionnaire_load_template(actor=coordinator)
        questionnaire = services.questionnaire_set_status(
            actor=coordinator, questionnaire=questionnaire, status=QuestionnaireStatus.ACTIVE
        )
    missing = responses - questionnaire.submissions.count()
    if missing > 0:
        now = timezone.now()
        Submission.objects.bulk_create(
            Submission(
                questionnaire=questionnaire,
                rw=rw,
                rt="001",
                submitted_at=now,
                source=SubmissionSource.KOBO,
                source_key=f"bench-{questionnaire.submissions.count() + i}",
                answers=json.loads(answers),
            )
            for i, (rw, answers) in enumerate(generate(missing, seed=20))
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return questionnaire


def median_ms(call: Callable[[], object], runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    translation.activate("id")
    from sipakatau.demo.services import demo_load

    demo_load()
    coordinator = Membership.objects.select_related("organisation__area", "user").get(
        user__username=COORDINATOR, is_active=True
    )
    questionnaire = questionnaire_with(args.responses, coordinator)
    count = questionnaire.submissions.count()

    def recompute() -> None:
        """What every visit did before: the analysis, the report, the reader's cross-tab."""
        analysis = analysis_for(coordinator, questionnaire)
        report = build_report(analysis, questionnaire.kelurahan)
        crosstab_block(analysis, "responden/jk", "rw", report.limit)

    before = median_ms(recompute, args.requests)

    AnalysisSnapshot.objects.filter(questionnaire=questionnaire).delete()
    started = time.perf_counter()
    snapshot = services.analysis_snapshot_request(actor=coordinator, questionnaire=questionnaire)
    services.analysis_snapshot_run(snapshot.pk)
    job = time.perf_counter() - started
    snapshot.refresh_from_db()

    client = signed_in_client(coordinator.user)
    url = f"/pemetaan/{questionnaire.pk}/analisis/"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200 and b'data-figure="respondents"' in response.content

    def chosen() -> None:
        assert client.get(url, {"q": "responden/jk", "by": "rw"}).status_code == 200

    after = median_ms(page, args.requests)
    after_chosen = median_ms(chosen, args.requests)
    result_kb = len(json.dumps(snapshot.result)) / 1024
    crosstabs_kb = len(json.dumps(snapshot.crosstabs)) / 1024
    tables = sum(len(by) for by in snapshot.crosstabs.values())
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}, responses {count}")
    print(f"before: a visit recomputed the analysis       median {before:8.1f} ms")
    print(f"after:  the page from the kept analysis        median {after:8.1f} ms")
    print(f"after:  ... with a cross-tab of one's choosing median {after_chosen:8.1f} ms")
    print(f"the job (once, in the background)              {job * 1000:8.1f} ms")
    print(f"kept: result {result_kb:.1f} KiB, {tables} cross-tabs {crosstabs_kb:.1f} KiB")


if __name__ == "__main__":
    main()
