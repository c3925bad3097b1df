"""Every read of needs-mapping data that depends on who is asking, and the ``may_<verb>``
predicates the services refuse with and the pages show buttons by.

- enumerators (kader, caseworker, coordinator of a unit in the kelurahan) see the
  kelurahan's active questionnaires and enter responses to them;
- analysts (the unit's coordinator, the kelurahan's officers) see every questionnaire of
  the kelurahan, import forms and submissions, and read the analysis;
- everyone else: nothing. Out of scope answers 404, never 403.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import (
    ANALYSE_MAPPING,
    ENTER_MAPPING_RESPONSES,
    TAKE_PART_IN_MECHANISMS,
)
from sipakatau.areas.models import Area, Level

from .models import (
    ANALYSIS_PENDING,
    AnalysisSnapshot,
    AnalysisStatus,
    DraftStatus,
    ImportRun,
    Questionnaire,
    QuestionnaireStatus,
    ResponseDraft,
    Submission,
)

if TYPE_CHECKING:
    from .analysis import Analysis

# Everyone who takes part in a kelurahan's mapping, as enumerator or analyst.
WORK_ON_MAPPING = ENTER_MAPPING_RESPONSES | ANALYSE_MAPPING


def kelurahan_code_of(membership: Membership | None) -> str | None:
    """The kelurahan an LBK-KK or kelurahan office (or an RW posko below it) works in."""
    if membership is None or not membership.is_active:
        return None
    area = membership.organisation.area
    if area.level not in {Level.KELURAHAN, Level.RW, Level.RT}:
        return None
    return ".".join(area.code.split(".")[:4])


def kelurahan_of(membership: Membership) -> Area | None:
    code = kelurahan_code_of(membership)
    return None if code is None else Area.objects.filter(code=code).first()


def _in_kelurahan(
    membership: Membership | None, kelurahan_code: str, roles: frozenset[str]
) -> bool:
    return (
        membership is not None
        and membership.role in roles
        and kelurahan_code_of(membership) == kelurahan_code
    )


# --- Questionnaires ------------------------------------------------------------------------


def questionnaires_visible_to(membership: Membership | None) -> QuerySet[Questionnaire]:
    code = kelurahan_code_of(membership)
    if membership is None or code is None or membership.role not in WORK_ON_MAPPING:
        return Questionnaire.objects.none()
    found = Questionnaire.objects.filter(kelurahan__code=code).select_related("kelurahan")
    if membership.role not in ANALYSE_MAPPING:
        found = found.filter(status=QuestionnaireStatus.ACTIVE)
    return found


def questionnaire_for(membership: Membership | None, pk: int) -> Questionnaire:
    try:
        return questionnaires_visible_to(membership).get(pk=pk)
    except Questionnaire.DoesNotExist:
        raise Http404 from None


def may_manage_questionnaires(membership: Membership | None, kelurahan: Area | None) -> bool:
    """Import a form, load the template, open or close a questionnaire."""
    return kelurahan is not None and _in_kelurahan(membership, kelurahan.code, ANALYSE_MAPPING)


def may_analyse(membership: Membership | None, questionnaire: Questionnaire) -> bool:
    """Read the analysis, export the form and the report, import submissions."""
    return _in_kelurahan(membership, questionnaire.kelurahan.code, ANALYSE_MAPPING)


def may_read_analysis(membership: Membership | None, questionnaire: Questionnaire) -> bool:
    """The analysts, and everyone who takes part in the discussion of the mechanism: a
    member of an office whose area holds the kelurahan (its LBK-KK and kelurahan office,
    the city's DP3A, UPTD PPA, Dinsos, health centres, police, legal aid). The analysis is
    counts only, suppressed under the threshold, of a questionnaire that was opened."""
    if may_analyse(membership, questionnaire):
        return True
    if membership is None or not membership.is_active:
        return False
    if membership.role not in TAKE_PART_IN_MECHANISMS:
        return False
    if questionnaire.status == QuestionnaireStatus.DRAFT:
        return False
    area = membership.organisation.area.code
    return questionnaire.kelurahan.code == area or questionnaire.kelurahan.code.startswith(
        area + "."
    )


def analysed_questionnaire_for(membership: Membership | None, pk: int) -> Questionnaire:
    """A questionnaire whose analysis the member may read; any other answers 404."""
    questionnaire = Questionnaire.objects.select_related("kelurahan").filter(pk=pk).first()
    if questionnaire is None or not may_read_analysis(membership, questionnaire):
        raise Http404
    return questionnaire


def may_import_submissions(membership: Membership | None, questionnaire: Questionnaire) -> bool:
    return (
        may_analyse(membership, questionnaire) and questionnaire.status != QuestionnaireStatus.DRAFT
    )


def may_enter_response(membership: Membership | None, questionnaire: Questionnaire) -> bool:
    return questionnaire.status == QuestionnaireStatus.ACTIVE and _in_kelurahan(
        membership, questionnaire.kelurahan.code, ENTER_MAPPING_RESPONSES
    )


# --- Submissions and imports ---------------------------------------------------------------


def submissions_for_analysis(
    membership: Membership | None, questionnaire: Questionnaire
) -> QuerySet[Submission]:
    """The submissions the analysis counts; coded answers only (``private`` is not read)."""
    if not may_read_analysis(membership, questionnaire):
        return Submission.objects.none()
    return questionnaire.submissions.defer("private")


def import_runs_visible_to(
    membership: Membership | None, questionnaire: Questionnaire
) -> QuerySet[ImportRun]:
    if not may_analyse(membership, questionnaire):
        return ImportRun.objects.none()
    return questionnaire.import_runs.all()


def import_run_for(membership: Membership | None, pk: int) -> ImportRun:
    run = ImportRun.objects.select_related("questionnaire__kelurahan").filter(pk=pk).first()
    if run is None or not may_analyse(membership, run.questionnaire):
        raise Http404
    return run


def analysis_for(membership: Membership | None, questionnaire: Questionnaire) -> "Analysis":
    """The analysis of the questionnaire's coded answers (free text is never read)."""
    from .analysis import Analysis
    from .services.common import lists_of, specs_of

    records = submissions_for_analysis(membership, questionnaire).values_list("rw", "answers")
    return Analysis(specs_of(questionnaire), lists_of(questionnaire), records.iterator(2000))


def submissions_fingerprint(questionnaire: Questionnaire) -> tuple[int, int]:
    """How many responses the questionnaire has and the highest pk: an analysis made from
    other figures is out of date (responses are added or, one day, removed; never edited)."""
    found = questionnaire.submissions.aggregate(n=Count("pk"), last=Max("pk"))
    return found["n"], found["last"] or 0


@dataclass
class AnalysisState:
    """What the analysis page shows of a questionnaire's analysis jobs."""

    # The newest finished analysis made under today's suppression threshold (its
    # ``crosstabs`` deferred: loaded when a reader asks for a cross-tab).
    shown: AnalysisSnapshot | None
    # The job queued or running, if any.
    pending: AnalysisSnapshot | None
    # The newest job that finished stopped.
    failed: bool
    # The responses now: count and highest pk.
    responses: int
    last_response: int

    @property
    def current(self) -> bool:
        return self.shown is not None and (
            self.shown.submission_count,
            self.shown.last_submission_id,
        ) == (self.responses, self.last_response)

    @property
    def new_responses(self) -> int:
        """Responses added since the shown analysis (0 when none is shown)."""
        if self.shown is None:
            return 0
        return max(self.responses - self.shown.submission_count, 0)


def analysis_state_for(
    membership: Membership | None, questionnaire: Questionnaire
) -> AnalysisState:
    """The analysis of a questionnaire the member may read (else 404) as its jobs left it,
    in a fixed number of queries whatever the number of responses."""
    from .analysis import threshold

    if not may_read_analysis(membership, questionnaire):
        raise Http404
    snapshots = AnalysisSnapshot.objects.filter(questionnaire=questionnaire)
    pending = snapshots.filter(status__in=ANALYSIS_PENDING).defer("result", "crosstabs").first()
    shown = (
        snapshots.filter(status=AnalysisStatus.DONE, threshold=threshold())
        .defer("crosstabs")
        .order_by("-finished_at", "-pk")
        .first()
    )
    last_finished = (
        snapshots.filter(status__in=[AnalysisStatus.DONE, AnalysisStatus.FAILED])
        .order_by("-finished_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    responses, last_response = submissions_fingerprint(questionnaire)
    return AnalysisState(
        shown=shown,
        pending=pending,
        failed=last_finished == AnalysisStatus.FAILED,
        responses=responses,
        last_response=last_response,
    )


# --- Data entry in the app: an enumerator's own drafts -------------------------------------


def questionnaires_to_enter(membership: Membership | None) -> QuerySet[Questionnaire]:
    """The active questionnaires the enumerator may start a response to."""
    code = kelurahan_code_of(membership)
    if membership is None or code is None or membership.role not in ENTER_MAPPING_RESPONSES:
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(
        kelurahan__code=code, status=QuestionnaireStatus.ACTIVE
    ).select_related("kelurahan")


def drafts_visible_to(membership: Membership | None) -> QuerySet[ResponseDraft]:
    """The enumerator's own drafts, for questionnaires of the kelurahan they work in: a
    draft is one person's unfinished visit, nobody else resumes it (not even the
    coordinator, who sees the response once it is sent)."""
    code = kelurahan_code_of(membership)
    if membership is None or code is None or membership.role not in ENTER_MAPPING_RESPONSES:
        return ResponseDraft.objects.none()
    return ResponseDraft.objects.filter(
        enumerator_id=membership.user_id, questionnaire__kelurahan__code=code
    ).select_related("questionnaire__kelurahan")


def open_drafts_visible_to(membership: Membership | None) -> QuerySet[ResponseDraft]:
    return drafts_visible_to(membership).filter(status=DraftStatus.OPEN)


def draft_for(membership: Membership | None, pk: int) -> ResponseDraft:
    try:
        return drafts_visible_to(membership).get(pk=pk)
    except ResponseDraft.DoesNotExist:
        raise Http404 from None


def may_edit_draft(membership: Membership | None, draft: ResponseDraft) -> bool:
    """Save a screen of, send or throw away a draft: its own enumerator, while the
    questionnaire is active (whether the draft is still open is the service's guard)."""
    return (
        membership is not None
        and draft.enumerator_id == membership.user_id
        and may_enter_response(membership, draft.questionnaire)
    )


# --- Analysis pages and the mechanism discussion -------------------------------------------


def questionnaires_with_counts(membership: Membership | None) -> QuerySet[Questionnaire]:
    """The list page's rows with their number of submissions, in one query."""
    from django.db.models import Count

    return questionnaires_visible_to(membership).annotate(submission_count=Count("submissions"))


def analyses_for_kelurahan(
    membership: Membership | None, kelurahan: Area
) -> list[tuple[Questionnaire, int]]:
    """The questionnaires of ``kelurahan`` whose analysis the member may read (its analysts
    and those who take part in the discussion, ``may_read_analysis``), opened or closed and
    with at least one submission, newest first, each with its number of submissions. For
    the draft mechanism's discussion page."""
    from django.db.models import Count

    if kelurahan is None:
        return []
    found = (
        Questionnaire.objects.filter(kelurahan=kelurahan)
        .exclude(status=QuestionnaireStatus.DRAFT)
        .select_related("kelurahan")
        .annotate(submission_count=Count("submissions"))
        .filter(submission_count__gt=0)
        .order_by("-created_at", "-pk")
    )
    return [(q, q.submission_count) for q in found if may_read_analysis(membership, q)]
