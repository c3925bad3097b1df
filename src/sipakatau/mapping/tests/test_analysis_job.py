"""The analysis as a job (issue 20): a visit to the analysis page computes nothing; a POST
queues one job (and only one, however many ask at once), which makes every table and
every cross-tab, suppressed, keeps them and tells the one who asked; the page then shows
exactly what ``build_report`` gives, in a number of queries that does not grow with the
responses, and says when responses came since. Out of scope 404, a role that may not read
the analysis 403."""

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.models import OrmQ

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.mapping import services
from sipakatau.mapping.models import AnalysisSnapshot, AnalysisStatus, Questionnaire
from sipakatau.mapping.presentation import build_report, crosstab_block
from sipakatau.mapping.queries import analysis_for
from sipakatau.mapping.services import snapshots as snapshots_service
from sipakatau.mapping.snapshot import askable, report_result, table_json
from sipakatau.mapping.tasks import requeue_stuck_analyses
from sipakatau.notifications.models import Notification
from tests.factories import english, signed_in_client

from .answered import answered_template, person
from .conftest import member
from .support import analysed

REFRESH = '<meta http-equiv="refresh"'
API = "/api/v1/mapping"


def client_of(membership: Membership) -> Client:
    return english(signed_in_client(membership.user))


def page_url(questionnaire: Questionnaire) -> str:
    return reverse("mapping:analysis", args=[questionnaire.pk])


def refresh_url(questionnaire: Questionnaire) -> str:
    return reverse("mapping:analysis_refresh", args=[questionnaire.pk])


@pytest.fixture
def answered(analyst: Membership, enumerator: Membership) -> Questionnaire:
    """The template questionnaire with 14 responses (answered.py has the hand counts)."""
    return answered_template(analyst, enumerator)


def _reads_answers(queries: CaptureQueriesContext) -> bool:
    """Whether a query read the responses' answers (the analysis loading them)."""
    return any(
        "mapping_submission" in q["sql"] and '"answers"' in q["sql"]
        for q in queries.captured_queries
    )


def test_a_first_visit_computes_nothing_and_offers_to_prepare_the_analysis(
    analyst: Membership, answered: Questionnaire
) -> None:
    client = client_of(analyst)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(page_url(answered)).content.decode()

    assert not _reads_answers(queries)
    assert not AnalysisSnapshot.objects.exists() and not OrmQ.objects.exists()
    assert "Prepare the analysis" in page and f'action="{refresh_url(answered)}"' in page
    assert 'data-figure="respondents"' not in page and REFRESH not in page


def test_the_post_queues_one_job_on_commit_and_the_page_shows_its_progress(
    analyst: Membership, answered: Questionnaire, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(analyst)

    # When the analyst asks for the analysis
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(refresh_url(answered))
    queued_before_commit = OrmQ.objects.count()
    for callback in callbacks:
        callback()
    page = client.get(page_url(answered)).content.decode()

    # Then one job waits in the queue, and the page shows a bar that reloads itself
    snapshot = AnalysisSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(answered)
    assert queued_before_commit == 0 and OrmQ.objects.count() == 1
    assert (snapshot.status, snapshot.requested_by, snapshot.language) == (
        AnalysisStatus.QUEUED,
        analyst,
        "en",
    )
    assert (snapshot.submission_count, snapshot.result) == (14, {})
    assert "<progress" in page and REFRESH in page and "being prepared" in page
    assert "Prepare the analysis" not in page
    assert AuditEvent.objects.filter(action="mapping.analysis_requested").count() == 1


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_job_keeps_exactly_what_build_report_gives_and_the_page_shows_it(
    analyst: Membership, answered: Questionnaire, jobs_at_once: Any
) -> None:
    client = client_of(analyst)

    # When the analysis is asked for and its job runs
    with jobs_at_once():
        client.post(refresh_url(answered))
    page = client.get(page_url(answered)).content.decode()
    chosen = client.get(page_url(answered), {"q": "responden/jk", "by": "rw"}).content.decode()

    # Then the kept tables are those build_report makes from the responses, every one
    snapshot = AnalysisSnapshot.objects.get()
    analysis = analysis_for(analyst, answered)
    report = build_report(analysis, answered.kelurahan)
    assert snapshot.status == AnalysisStatus.DONE and snapshot.done == snapshot.total > 14
    assert snapshot.result == report_result(analysis, report)
    for path, _label in askable(analysis):
        for dimension, _l in analysis.dimensions():
            expected = table_json(crosstab_block(analysis, path, dimension, 5).table)
            assert snapshot.crosstabs[path][dimension] == expected, (path, dimension)
    # ... and the page shows them, small cells still suppressed (hukum: 4 respondents)
    assert '<strong data-figure="respondents">14</strong>' in page
    assert "<svg" in page and "&lt;svg" not in page  # the charts as drawn, not as text
    ranking = page[page.index('id="ranking-h"') : page.index('id="gaps-h"')]
    assert '<td class="n">12</td>' in ranking and '<td class="n">&lt;5</td>' in ranking
    assert '<td class="n">4</td>' not in ranking
    assert "Analysis of 14 responses" in page and "is up to date" in page
    # ... and a cross-tab of the reader's choosing: men 4 in RW 002, women 10 in RW 001
    crosstab = chosen[chosen.index('id="crosstabs-h"') :]
    assert "by RW</caption>" in crosstab
    assert '<th scope="row">Laki-laki</th><td class="n">0</td><td class="n">&lt;5</td>' in (
        crosstab.replace("\n", "")
    )


def test_the_one_who_asked_is_told_with_no_figure_and_no_answer(
    analyst: Membership, officer: Membership, answered: Questionnaire
) -> None:
    analysed(actor=officer, questionnaire=answered)

    (notice,) = Notification.objects.all()
    assert notice.recipient_id == officer.user_id and notice.template == "analysis_ready"
    assert notice.context == {"unit_name": "Watang Soreang", "link": page_url(answered)}
    assert AuditEvent.objects.filter(action="mapping.analysis_done").count() == 1


def test_a_new_response_makes_the_page_say_it_is_out_of_date(
    analyst: Membership, enumerator: Membership, answered: Questionnaire
) -> None:
    # Given an analysis of the 14 responses
    analysed(actor=analyst, questionnaire=answered)
    client = client_of(analyst)

    # When one more response is sent
    services.submission_record(
        actor=enumerator,
        questionnaire=answered,
        rw="001",
        rt="1",
        answers=person("P", 30, ["perempuan"], ["dokumen"]),
    )
    stale = client.get(page_url(answered)).content.decode()
    # ... and the analysis is made again
    analysed(actor=analyst, questionnaire=answered)
    fresh = client.get(page_url(answered)).content.decode()

    # Then the page showed the older figures with how many came since and a button
    assert '<strong data-figure="respondents">14</strong>' in stale
    assert "1 new response since this analysis." in stale
    assert f'action="{refresh_url(answered)}"' in stale and "Update the analysis" in stale
    # ... and now the new ones, up to date; the older analysis is gone
    assert '<strong data-figure="respondents">15</strong>' in fresh
    assert "new response" not in fresh and "Update the analysis" not in fresh
    assert AnalysisSnapshot.objects.count() == 1


def test_asking_twice_queues_once_and_an_up_to_date_analysis_is_not_made_again(
    analyst: Membership, answered: Questionnaire, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(analyst)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(refresh_url(answered))
        client.post(refresh_url(answered))
    assert AnalysisSnapshot.objects.count() == 1 and OrmQ.objects.count() == 1
    services.analysis_snapshot_run(AnalysisSnapshot.objects.get().pk)
    again = client.post(refresh_url(answered), follow=True).content.decode()

    assert "already up to date" in again
    assert AnalysisSnapshot.objects.count() == 1 and OrmQ.objects.count() == 1
    assert AuditEvent.objects.filter(action="mapping.analysis_requested").count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_requests_at_the_same_moment_queue_one_job(
    analyst: Membership, officer: Membership, answered: Questionnaire, shared_database: None
) -> None:
    start = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    # When four readers ask at once, each on its own connection
    def run(who: Membership) -> None:
        try:
            start.wait()
            made = services.analysis_snapshot_request(actor=who, questionnaire=answered)
            results.append(made.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in (analyst, officer) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then one job is queued, and every request was answered with it
    assert errors == []
    assert len(results) == 4 and len(set(results)) == 1
    assert AnalysisSnapshot.objects.count() == 1 and OrmQ.objects.count() == 1
    assert AuditEvent.objects.filter(action="mapping.analysis_requested").count() == 1


def test_the_job_sent_twice_runs_once(analyst: Membership, answered: Questionnaire) -> None:
    snapshot = services.analysis_snapshot_request(actor=analyst, questionnaire=answered)

    first = services.analysis_snapshot_run(snapshot.pk)
    second = services.analysis_snapshot_run(snapshot.pk)

    assert first == second == AnalysisStatus.DONE
    assert AuditEvent.objects.filter(action="mapping.analysis_done").count() == 1
    assert Notification.objects.count() == 1


def test_the_page_with_an_analysis_does_not_grow_in_queries_with_the_responses(
    analyst: Membership,
    enumerator: Membership,
    answered: Questionnaire,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_of(analyst)
    analysed(actor=analyst, questionnaire=answered)
    client.get(page_url(answered))  # warm the session

    with django_assert_max_num_queries(30) as few:
        client.get(page_url(answered))
    for n in range(40):
        services.submission_record(
            actor=enumerator,
            questionnaire=answered,
            rw=f"{n % 7 + 1:03d}",
            rt="1",
            answers=person("L" if n % 2 else "P", 20 + n, ["lansia"], ["kesehatan"]),
        )
    analysed(actor=analyst, questionnaire=answered)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(page_url(answered)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url(answered), {"q": "responden/jk", "by": "rw"})

    assert '<strong data-figure="respondents">54</strong>' in page
    assert not _reads_answers(queries)


def test_a_snapshot_made_under_another_threshold_is_never_shown(
    analyst: Membership, answered: Questionnaire
) -> None:
    # Given an analysis made while cells under 5 were hidden
    with override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5):
        analysed(actor=analyst, questionnaire=answered)

    # When the operator raises the threshold to 10
    with override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=10):
        page = client_of(analyst).get(page_url(answered)).content.decode()

    # Then the older tables (where 8 could be read) are not shown; a new one is offered
    assert 'data-figure="respondents"' not in page and "Prepare the analysis" in page


def test_a_job_that_stops_is_told_and_can_be_asked_for_again(
    analyst: Membership, answered: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("Perempuan 34 tahun")  # a message with values: never logged

    snapshot = services.analysis_snapshot_request(actor=analyst, questionnaire=answered)
    with monkeypatch.context() as patch:
        patch.setattr(snapshots_service, "build_report", broken)
        status = services.analysis_snapshot_run(snapshot.pk)
    page = client_of(analyst).get(page_url(answered)).content.decode()

    assert status == AnalysisStatus.FAILED
    assert Notification.objects.get().template == "analysis_failed"
    assert "stopped before the end" in page and "Prepare the analysis" in page
    assert AuditEvent.objects.filter(action="mapping.analysis_failed").count() == 1


def test_a_job_whose_worker_died_is_queued_again(
    analyst: Membership, answered: Questionnaire, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sipakatau.jobs.services import stuck_after

    # Given a job claimed by a worker that died long ago, and one merely waiting
    snapshot = services.analysis_snapshot_request(actor=analyst, questionnaire=answered)
    long_ago = timezone.now() - stuck_after() - timedelta(minutes=1)
    AnalysisSnapshot.objects.filter(pk=snapshot.pk).update(
        status=AnalysisStatus.RUNNING, done=7, heartbeat_at=long_ago
    )

    # When the requeue passes twice
    with django_capture_on_commit_callbacks(execute=True):
        first = requeue_stuck_analyses()
        second = requeue_stuck_analyses()
    snapshot.refresh_from_db()

    # Then it is queued again once, from zero, and then completes
    assert (first, second) == (1, 0)
    assert (snapshot.status, snapshot.done) == (AnalysisStatus.QUEUED, 0)
    assert OrmQ.objects.count() == 1
    assert services.analysis_snapshot_run(snapshot.pk) == AnalysisStatus.DONE
    assert AuditEvent.objects.filter(action="mapping.analysis_requeued").count() == 1


def test_the_outsider_gets_404_and_a_role_that_may_not_read_403(
    outsider: Membership, bahagia: Organisation, answered: Questionnaire
) -> None:
    admin = member(bahagia, Role.ADMIN)

    for who, expected in ((outsider, 404), (admin, 403)):
        client = client_of(who)
        assert client.get(page_url(answered)).status_code == expected
        assert client.post(refresh_url(answered)).status_code == expected
        api = signed_in_client(who.user)
        url = f"{API}/questionnaires/{answered.pk}/analysis"
        assert api.get(url).status_code == 404
        assert api.post(url).status_code == 404
    assert not AnalysisSnapshot.objects.exists()


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_api_answers_from_the_analysis_and_queues_it_with_202(
    analyst: Membership, enumerator: Membership, answered: Questionnaire, jobs_at_once: Any
) -> None:
    api = signed_in_client(enumerator.user)  # a kader reads the analysis too
    url = f"{API}/questionnaires/{answered.pk}/analysis"

    before = api.get(url).json()
    with jobs_at_once():
        queued = api.post(url)
    after = api.get(url).json()
    chosen = api.get(url, {"q": "responden/jk", "by": "rw"}).json()

    assert before["analysis"] is None and before["respondents"] is None
    assert before["responses"] == 14 and before["ranking"] is None
    assert queued.status_code == 202 and queued.json()["status"] == "QUEUED"
    assert after["analysis"]["status"] == "DONE" and after["current"] is True
    assert after["respondents"] == "14" and after["job"] is None
    assert chosen["crosstab"]["rows"][1] == ["Perempuan", "10", "0"]
