"""Household pages: the list (by RW and RT, or found by KK number), registering one, and
one household with its members, DTSEN, documents and help, enrolments and proposals.
Each form on the household page posts to its own address; a refusal shows the page
again with the form's errors, and nothing is changed."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, services
from ..codes import DocumentKind, DocumentStatus
from ..forms import (
    DocumentForm,
    DtsenForm,
    EnrolmentForm,
    HelpForm,
    HouseholdFilterForm,
    HouseholdForm,
    KkSearchForm,
    MemberEndForm,
    MemberForm,
    MemberMoveForm,
    ProposeForm,
)
from ..models import Household
from .common import SOCIAL_ROLES, TABS


def _to_household(household: Household, part: str = "") -> HttpResponse:
    url = reverse("social:household_detail", args=[household.pk])
    return redirect(url + (f"#{part}" if part else ""))


def _row(household: Household) -> tuple[Household, Any, Any]:
    """(household, its head's row, its newest DTSEN knowledge), from what
    queries.households_listed prefetched."""
    current: list[Any] = getattr(household, "current_members", [])
    known: list[Any] = getattr(household, "dtsen_known", [])
    head = next((m for m in current if m.relationship == "KEPALA"), None)
    return household, head, known[0] if known else None


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET", "POST"])
def household_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET filters by RW and RT; a KK number is POSTed, so it never lands in a URL."""
    filters = HouseholdFilterForm(request.GET)
    filters.is_valid()
    households = queries.households_listed(membership)
    rw = (filters.cleaned_data.get("rw") or "").strip()
    rt = (filters.cleaned_data.get("rt") or "").strip()
    if rw.isdigit():
        households = households.filter(rw=f"{int(rw):03d}")
    if rt.isdigit():
        households = households.filter(rt=f"{int(rt):03d}")
    search = KkSearchForm(request.POST if request.method == "POST" else None)
    searched = False
    if request.method == "POST" and search.is_valid():
        searched = True
        found = queries.household_by_kk(membership, search.cleaned_data["kk_number"])
        households = households.filter(pk=found.pk if found else 0)
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("rw", rw), ("rt", rt)) if v)
    context = {
        "tabs": TABS,
        "current": "social:household_list",
        "filters": filters,
        "search": search,
        "searched": searched,
        "page": page,
        "query": query,
        "rows": [_row(household) for household in page],
        "can_create": queries.kelurahan_of(membership) is not None
        and queries.may_create_household(membership, queries.kelurahan_of(membership)),  # type: ignore[arg-type]
    }
    return render(request, "social/household_list.html", context)


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    kelurahan = queries.kelurahan_of(membership)
    if kelurahan is None or not queries.may_create_household(membership, kelurahan):
        raise PermissionDenied
    form = HouseholdForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            household = services.household_create(
                actor=membership, kelurahan=kelurahan, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The household is registered. Now add its members."))
            return _to_household(household, "members")
    context = {"form": form, "kelurahan": kelurahan, "tabs": TABS}
    return render(request, "social/household_form.html", context)


def _page(
    request: HttpRequest,
    membership: Membership,
    household: Household,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The household page, with one form bound when its POST was refused."""
    rows = list(queries.members_of(household, current_only=False))
    members = [row for row in rows if row.end_date is None]
    today = timezone.localdate()
    programmes = list(queries.proposable_programmes())
    batches = queries.open_batches_for(membership)
    documents: dict[int, list[Any]] = {}
    for document in queries.documents_of(household):
        documents.setdefault(document.person_id, []).append(document)
    helps: dict[int, list[Any]] = {}
    for help_row in queries.document_help_of(household):
        helps.setdefault(help_row.person_id, []).append(help_row)
    manage = queries.may_manage_household(membership, household)
    record_documents = bool(members) and queries.may_record_household_documents(
        membership, household
    )
    unbound: dict[str, forms.Form] = {
        "member_form": MemberForm(),
        "dtsen_form": DtsenForm(initial={"known_on": today}),
        "document_form": DocumentForm(members=members),
        "help_form": HelpForm(members=members, initial={"helped_on": today}),
        "enrolment_form": EnrolmentForm(
            members=members, programmes=programmes, initial={"known_on": today}
        ),
        "propose_form": ProposeForm(batches=batches, members=members, programmes=programmes),
    }
    unbound.update(bound or {})
    context = {
        "household": household,
        "tabs": TABS,
        "members": [
            (
                m,
                documents.get(m.person_id, []),
                helps.get(m.person_id, []),
                MemberEndForm(prefix=f"end{m.pk}"),
                (bound or {}).get(f"move{m.pk}") or MemberMoveForm(prefix=f"move{m.pk}"),
            )
            for m in members
        ],
        "past_members": [row for row in rows if row.end_date is not None],
        "dtsen": list(household.dtsen.select_related("recorded_by")),
        "enrolments": list(queries.enrolments_of(household).select_related("person")),
        "proposals": list(queries.proposals_of(household)),
        "worklist": list(queries.worklist_visible_to(membership).filter(household=household)),
        "can_manage": manage,
        "can_record_documents": record_documents,
        "can_propose": bool(batches) and bool(members),
        "bpjs": DocumentKind.BPJS_KESEHATAN,
        "missing": {DocumentStatus.MISSING, DocumentStatus.INACTIVE, DocumentStatus.NONE},
        **unbound,
    }
    return render(request, "social/household_detail.html", context)


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET"])
def household_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    household = queries.household_for(membership, pk, record_read=True)
    return _page(request, membership, household)


def _household_post(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    name: str,
    make_form: Any,
    act: Any,
    *,
    allowed: Any,
    done: str,
    part: str,
) -> HttpResponse:
    """Parse the form, call the one service; on a refusal show the page again."""
    household = queries.household_for(membership, pk)
    if not allowed(membership, household):
        raise PermissionDenied
    form = make_form(household)
    if form.is_valid():
        try:
            act(household, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return _to_household(household, part)
    return _page(request, membership, household, {name: form})


def _current(household: Household) -> list[Any]:
    return list(queries.members_of(household))


def _member_person(household: Household, person_id: int | None) -> Any:
    if person_id is None:
        return None
    member = queries.members_of(household).filter(person_id=person_id).first()
    if member is None:
        raise ValidationError({"person": _("Choose a member of this household.")})
    return member.person


@staff_view(*SOCIAL_ROLES)
@require_POST
def member_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _household_post(
        request,
        membership,
        pk,
        "member_form",
        lambda h: MemberForm(request.POST),
        lambda h, v: services.household_member_register(
            actor=membership,
            household=h,
            relationship=v["relationship"],
            name=v["name"],
            sex=v["sex"],
            nik=v["nik"],
            birth_date=v["birth_date"],
            age_estimate=v["age_estimate"],
        ),
        allowed=queries.may_manage_household,
        done=_("The member was added."),
        part="members",
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def member_end(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    member = queries.member_for(membership, pk)
    form = MemberEndForm(request.POST, prefix=f"end{member.pk}")
    if form.is_valid():
        try:
            services.household_member_end(
                actor=membership, member=member, end_date=form.cleaned_data["end_date"]
            )
            messages.success(request, _("The member left the household. The history is kept."))
        except ValidationError as error:
            show_refusal(request, error)
    return _to_household(member.household, "members")


@staff_view(*SOCIAL_ROLES)
@require_POST
def member_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    member = queries.member_for(membership, pk)
    if not queries.may_manage_household(membership, member.household):
        raise PermissionDenied
    form = MemberMoveForm(request.POST, prefix=f"move{member.pk}")
    if form.is_valid():
        target = queries.household_by_kk(membership, form.cleaned_data["to_kk"])
        if target is None:
            form.add_error("to_kk", _("No household with this KK number was found here."))
        else:
            try:
                services.household_member_move(
                    actor=membership,
                    member=member,
                    to_household=target,
                    relationship=form.cleaned_data["relationship"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The member moved. The history is kept."))
                return _to_household(target, "members")
    return _page(request, membership, member.household, {f"move{member.pk}": form})


@staff_view(*SOCIAL_ROLES)
@require_POST
def dtsen_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _household_post(
        request,
        membership,
        pk,
        "dtsen_form",
        lambda h: DtsenForm(request.POST),
        lambda h, v: services.dtsen_record(actor=membership, household=h, **v),
        allowed=queries.may_manage_household,
        done=_("Saved what is known of DTSEN."),
        part="dtsen",
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def document_set(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _household_post(
        request,
        membership,
        pk,
        "document_form",
        lambda h: DocumentForm(request.POST, members=_current(h)),
        lambda h, v: services.document_record(
            actor=membership,
            person=_member_person(h, v["person"]),
            kind=v["kind"],
            status=v["status"],
            is_pbi=v["is_pbi"],
        ),
        allowed=queries.may_record_household_documents,
        done=_("The document was saved."),
        part="documents",
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def document_help_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _household_post(
        request,
        membership,
        pk,
        "help_form",
        lambda h: HelpForm(request.POST, members=_current(h)),
        lambda h, v: services.document_help_record(
            actor=membership,
            person=_member_person(h, v["person"]),
            kind=v["kind"],
            help_given=v["help_given"],
            helped_on=v["helped_on"],
            outcome=v["outcome"],
        ),
        allowed=queries.may_record_household_documents,
        done=_("The help was recorded."),
        part="documents",
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def enrolment_set(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    def act(household: Household, values: dict[str, Any]) -> None:
        person = _member_person(household, values["person"])
        services.enrolment_record(
            actor=membership,
            programme=queries.proposable_programmes().get(code=values["programme"]),
            status=values["status"],
            source=values["source"],
            known_on=values["known_on"],
            household=None if person else household,
            person=person,
        )

    return _household_post(
        request,
        membership,
        pk,
        "enrolment_form",
        lambda h: EnrolmentForm(
            request.POST, members=_current(h), programmes=queries.proposable_programmes()
        ),
        act,
        allowed=queries.may_manage_household,
        done=_("Saved which programme the family receives."),
        part="programmes",
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def propose(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Put the household into a month's proposal (the open worklist entry goes with it)."""
    batches = {batch.pk: batch for batch in queries.open_batches_for(membership)}

    def act(household: Household, values: dict[str, Any]) -> None:
        programme = queries.proposable_programmes().get(code=values["programme"])
        open_entries = queries.worklist_visible_to(membership).filter(
            household=household, status="OPEN"
        )
        entry = (
            open_entries.filter(programme=programme).first()
            or open_entries.filter(programme__isnull=True).first()
        )
        services.batch_add_item(
            actor=membership,
            batch=batches[values["batch"]],
            household=household,
            programme=programme,
            person=_member_person(household, values["person"]),
            worklist_entry=entry,
        )

    return _household_post(
        request,
        membership,
        pk,
        "propose_form",
        lambda h: ProposeForm(
            request.POST,
            batches=list(batches.values()),
            members=_current(h),
            programmes=queries.proposable_programmes(),
        ),
        act,
        allowed=lambda m, h: bool(batches),
        done=_("The household is in the proposal."),
        part="proposals",
    )
