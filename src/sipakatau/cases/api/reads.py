"""Reading cases: the list (no names), one case, duplicate warnings, file downloads."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.lib.api_pagination import KeysetPages, PageOf
from sipakatau.mechanisms.codes import Status as MechanismStatus
from sipakatau.mechanisms.queries import version_for

from .. import queries
from ..models import Case
from ..monitoring import StepCompliance, mechanism_compliance
from ..services.care import attachment_bytes
from ..services.classification import GBVIMS_QUESTIONS
from ..services.workflow import closure_reasons_for
from .common import party_in_case, router
from .schemas import (
    CaseDetailOut,
    CaseFilterIn,
    CaseListItemOut,
    CaseOut,
    CaseSearchIn,
    DuplicateIn,
    DuplicateOut,
    IdentityIn,
    IdentityOut,
    QuestionOut,
)

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class CaseListPageOut(Schema):
    """A page of the case list: ``count`` only on a numbered page, ``next`` the cursor to
    the rows after it (``null`` on the last)."""

    items: list[CaseListItemOut]
    count: int | None
    next: str | None


@router.get(
    "",
    response=CaseListPageOut,
    summary="Cases the user may see, with filters; no names in the list",
    description=(
        "Newest report first (then by id). Two ways through the list:\n\n"
        "- **cursor** (for long lists): send `cursor=` (empty) for the first page, then "
        "the `next` of each answer as `cursor`, until `next` is `null`. Each page costs "
        "the same however many cases the unit holds; `count` is `null`. A cursor names a "
        "position in the list (a report time and an id, signed), not a row number: cases "
        "added or removed meanwhile never make the walk repeat or skip a case. A cursor "
        "not given by this list answers 422.\n"
        "- **page** (kept for existing clients): `page=N` gives the N-th page with "
        "`count`, the number of cases matching, and `next`, a cursor to continue from.\n\n"
        "The filters are sent again with every page (`cursor` wins over `page`); "
        "`page_size` is at most 100."
    ),
)
@paginate(KeysetPages, page_size=50)
def case_list(request: HttpRequest, filters: Query[CaseFilterIn]) -> QuerySet[Case]:
    if "search" in request.GET:
        # A name, NIK or phone in the address would be written to access logs.
        raise ValidationError(
            {"search": _("Search in the body of POST /api/v1/cases/search, not in the address.")}
        )
    membership = acting(request)
    return queries.cases_listed(membership, queries.CaseFilter(**filters.dict()))


class CaseSearchPageOut(CaseListPageOut):
    """A page of the cases found: the case list's page, and whether the search was cut
    short by a common name."""

    too_many: bool = Field(
        description=(
            "`true` when a word of the name searched for is shared by more people of the "
            "unit than a search reads (1,000 a word, the most recent people first): people "
            "sharing only such words may be missing from `items`. "
            "Ask for more of the name, or search by NIK, as the case list page does "
            '("Too many people match"). `false` when every match was read, and when '
            "`search` is empty; the same on every page of one search."
        )
    )


@router.post(
    "/search",
    response=CaseSearchPageOut,
    summary="Cases the user may see, found by register number, name, NIK or phone",
    description="Paged as the case list is: with `cursor` (empty for the first page) the "
    "rows after that position and no `count`; with `page` the numbered page and `count`. "
    "`too_many` says whether a common name cut the search short.",
)
@paginate(KeysetPages, page_size=50)
def case_search(request: HttpRequest, payload: CaseSearchIn) -> PageOf:
    membership = acting(request)
    found = queries.case_search(membership, payload.search) if payload.search else None
    filters = queries.CaseFilter(
        **payload.dict(exclude={"search"}), case_ids=found.case_ids if found else None
    )
    cases = queries.cases_listed(membership, filters)
    return PageOf(cases, {"too_many": bool(found and found.too_many)})


@router.get(
    "/classification/questions",
    response=list[QuestionOut],
    summary="The GBVIMS classification questions, in the order they are asked",
)
def classification_questions(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {"key": question.key, "text": str(question.text), "answer": str(question.answer)}
        for question in GBVIMS_QUESTIONS
    ]


@router.post(
    "/duplicates",
    response=list[DuplicateOut],
    summary="Cases in the user's own scope with a likely same victim",
)
def duplicates_check(request: HttpRequest, payload: DuplicateIn) -> list[dict[str, object]]:
    # POST, not GET: a NIK or a name does not belong in a URL (server logs, history).
    membership = acting(request)
    exclude = None
    if payload.exclude_case_id is not None:
        exclude = queries.cases_visible_to(membership).filter(pk=payload.exclude_case_id).first()
    found = queries.possible_duplicates(
        membership,
        nik=payload.nik,
        name=payload.name,
        birth_year=payload.birth_year,
        kelurahan_code=payload.kelurahan_code,
        exclude_case=exclude,
    )
    return [
        {"case_id": hit.case.pk, "register_number": hit.case.register_number, "reason": hit.reason}
        for hit in found
    ]


@router.get("/{case_id}", response=CaseDetailOut, summary="One case, everything the user may see")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, object]:
    membership = acting(request)
    # Records what this answer holds: every section, or for a volunteer who only has a
    # follow-up on the case, the register number and her follow-ups.
    case = queries.case_for(membership, case_id, record_read=True)
    deadline = queries.next_deadline(case)
    data: dict[str, object] = {
        **{field: getattr(case, field) for field in CaseOut.model_fields},
        "browsable": queries.case_can_be_browsed(membership, case),
        "next_due_at": deadline.due_at if deadline else None,
        "minutes_late": queries.lateness(deadline),
        "follow_ups": list(queries.follow_ups_visible_to(membership, case)),
        **{section: [] for section in queries.CASE_SECTIONS if section != "follow_ups"},
        "incident": None,
        "closure_reasons": [],
    }
    if not data["browsable"]:
        # A volunteer with a follow-up on someone else's intake: only her follow-ups.
        return data
    data.update(
        parties=list(queries.parties_of(case).select_related("person__area")),
        relationships=list(case.perpetrator_links.all()),
        incident=getattr(case, "incident", None),
        assessments=list(case.assessments.all()),
        consents=list(case.consents.all()),
        plan_items=list(case.plan_items.all()),
        notes=list(case.notes.all()),
        # The file itself stays in the database until someone downloads it.
        attachments=list(case.attachments.defer("content")),
        deadlines=list(case.deadlines.all()),
        closures=list(case.closures.all()),
        closure_reasons=[code for code, _label in closure_reasons_for(case)],
    )
    return data


@router.post(
    "/{case_id}/identity",
    response=IdentityOut,
    summary="Show a person's telephone, NIK and KK number (each showing is audited)",
    description="The case read leaves these out. Asking for them writes a "
    "`person.identity_viewed` audit event naming the fields shown (never the values). "
    "POST, so that the person's id and the answer stay out of URLs and caches.",
)
def identity_reveal(
    request: HttpRequest, case_id: int, payload: IdentityIn, response: HttpResponse
) -> dict[str, object]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    party = party_in_case(case, payload.party_id, "party_id")
    identity = queries.identity_for(membership, party)
    response["Cache-Control"] = "no-store"
    return {
        "party_id": party.pk,
        "person_id": party.person_id,
        **dict.fromkeys(queries.IDENTITY_FIELDS),
        **identity,
    }


@router.get(
    "/attachments/{attachment_id}",
    response={200: bytes},
    summary="Download a file of a case (PDF, JPEG or PNG)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "application/pdf": {},
                    "image/jpeg": {},
                    "image/png": {},
                },
            }
        }
    },
)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    membership = acting(request)
    # The same event as a download from the case page.
    attachment = queries.attachment_for(membership, attachment_id, record_read=True)
    response = HttpResponse(attachment_bytes(attachment), content_type=attachment.content_type)
    extension = _EXTENSIONS.get(attachment.content_type, "bin")
    # Never the title as file name: it may hold a name, and it would end up in the
    # downloads folder of a shared phone.
    response["Content-Disposition"] = f'attachment; filename="lampiran-{attachment.pk}.{extension}"'
    return response


class StepComplianceOut(Schema):
    position: int
    title: str
    action: str
    # True: a step only some kinds of violence have (police forwarding) with fewer than 3
    # cases; its counts are null, as on the page (DESIGN §5: small cells suppressed).
    suppressed: bool
    total: int | None
    on_time: int | None
    late: int | None
    overdue: int | None
    pending: int | None
    closed_unmet: int | None
    on_time_percent: int | None


COUNTS = ("total", "on_time", "late", "overdue", "pending", "closed_unmet", "on_time_percent")


def _step_out(step: StepCompliance) -> dict[str, object]:
    out: dict[str, object] = {**step.__dict__, "on_time_percent": step.on_time_percent}
    if step.suppressed:
        out.update(dict.fromkeys(COUNTS))
    return out


class MechanismMonitoringOut(Schema):
    version_id: int
    cases: int
    steps: list[StepComplianceOut]


@router.get(
    "/mechanism-monitoring/{version_id}",
    response=MechanismMonitoringOut,
    summary="How often each timed step of an issued mechanism met its deadline",
    description="Counts over the cases the version governs (opened while it was in force); "
    "no case is named. Anyone who takes part in the kelurahan's mechanism may read it; "
    "a draft or a mechanism out of scope answers 404. A step only some kinds of violence "
    "have (police forwarding) with fewer than 3 cases is `suppressed` and its counts null.",
)
def mechanism_monitoring(request: HttpRequest, version_id: int) -> dict[str, object]:
    membership = acting(request)
    version = version_for(membership, version_id)
    if version.status not in (MechanismStatus.ISSUED, MechanismStatus.SUPERSEDED):
        raise Http404
    cases, steps = mechanism_compliance(version)
    return {
        "version_id": version.pk,
        "cases": cases,
        "steps": [_step_out(step) for step in steps],
    }
