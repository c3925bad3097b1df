"""Intake in three short screens, each saved when sent, and adding people later.

1. ``intake_start``: danger now, needs now, how it came in  → ``case_open``
2. ``intake_victim``: who the victim is, how to reach her safely → a person and a party
3. ``intake_incident``: what happened, the suspected perpetrator, consent
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.lib.access import staff_view
from sipakatau.lib.dates import local_datetime
from sipakatau.lib.forms import apply_service_errors

from .. import queries
from ..codes import ConsentPurpose, PartyRole
from ..forms.consent import ConsentForm
from ..forms.disability import DisabilityForm, disability_initial
from ..forms.edits import GbvimsDetailsForm, details_initial
from ..forms.intake import (
    IncidentForm,
    IntakeStartForm,
    PartyForm,
    PerpetratorForm,
    VictimForm,
)
from ..models import Case
from ..services import intake
from ..services.consents import ConsentGiven, NewGuardian, ProofFile
from ..services.disability import party_set_disability
from ..services.gbvims_details import IncidentDetails
from ..services.incident_intake import PartRefused, incident_intake_record
from ..services.intake import NewPerson, NewProfile, Particulars
from .common import to_case


@staff_view(*WORK_ON_CASES)
@require_http_methods(["GET", "POST"])
def intake_start(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = IntakeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = intake.case_open(
                actor=membership,
                channel=data["channel"],
                reported_at=data["reported_at"],
                danger_now=data["danger_now"],
                immediate_needs=data["immediate_needs"],
                intake_key=data["intake_key"],
                draft=True,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _draft_saved(request, case)
            return redirect("cases:intake_victim", pk=case.pk)
    return render(request, "cases/intake_start.html", {"form": form, "step": 1})


def _draft_saved(request: HttpRequest, case: Case, done: str = "") -> None:
    """Tell the volunteer the step is on the server: if the connection drops now,
    nothing she typed is lost."""
    if case.is_draft:
        saved = _("Draft saved %(when)s.") % {"when": local_datetime(timezone.now())}
        messages.success(request, f"{done} {saved}".strip())
    elif done:
        messages.success(request, done)


@staff_view()
@require_http_methods(["GET", "POST"])
def intake_victim(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk, record_read=True, sections=["parties"])
    form = VictimForm(request.POST or None, organisation=case.organisation)
    duplicates: list[queries.PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm_duplicate") != "1":
            kelurahan = data.get("kelurahan")
            duplicates = queries.possible_duplicates(
                membership,
                nik=data["nik"] or None,
                name=data["name"],
                birth_year=form.birth_year,
                kelurahan_code=kelurahan.code if kelurahan else None,
                exclude_case=case,
            )
        if not duplicates:
            try:
                saved = intake.party_create(
                    actor=membership,
                    case=case,
                    role=PartyRole.VICTIM,
                    person=NewPerson(
                        **form.person_values(unnamed=queries.unnamed_victim_label(case)),
                        address=data["address"],
                    ),
                    profile=NewProfile(**form.profile_values()),
                    particulars=Particulars(**form.particular_values()),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                for warning in saved.warnings:
                    messages.warning(request, warning.message)
                _draft_saved(request, case, _("The victim is saved."))
                if request.POST.get("next") == "another":
                    return redirect("cases:intake_victim", pk=case.pk)
                return redirect("cases:intake_incident", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "step": 2,
        "duplicates": duplicates,
        "victims": queries.parties_of(case).filter(role=PartyRole.VICTIM),
    }
    return render(request, "cases/intake_victim.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def intake_incident(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(
        membership, pk, record_read=True, sections=["parties", "incident"]
    )
    victims = queries.parties_of(case).filter(role=PartyRole.VICTIM)
    others = list(queries.parties_of(case).exclude(role=PartyRole.VICTIM))
    incident = queries.incident_of(case)
    initial = {}
    if incident is not None:
        initial = {
            "narrative": incident.narrative,
            "occurred_on": incident.occurred_on,
            "occurred_on_is_estimate": incident.occurred_on_is_estimate,
            "place_type": incident.place_type,
            "area": incident.area,
            "outside_city": incident.outside_city,
            "violence_forms": incident.violence_forms,
        }
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    incident_form = IncidentForm(data, organisation=case.organisation, initial=initial)
    perpetrator_form = PerpetratorForm(data, prefix="perp", victims=victims)
    details_form = GbvimsDetailsForm(data, prefix="gbvims", initial=details_initial(incident))
    without_consent = [
        v for v in victims if not queries.has_active_consent(v, ConsentPurpose.SERVICES)
    ]
    consent_form = ConsentForm(
        data, files, prefix="consent", others=others, victims=without_consent, optional=True
    )
    forms = [incident_form, details_form, perpetrator_form, consent_form]
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        values = incident_form.cleaned_data
        perpetrator = perpetrator_form.cleaned_data
        try:
            incident_intake_record(
                actor=membership,
                case=case,
                occurred_on=values["occurred_on"],
                occurred_on_is_estimate=values["occurred_on_is_estimate"],
                place_type=values["place_type"],
                area=values["area"],
                outside_city=values["outside_city"],
                narrative=values["narrative"],
                violence_forms=values["violence_forms"],
                details=IncidentDetails(**details_form.detail_values()),
                perpetrator=_new_person(perpetrator_form) if perpetrator_form.has_data() else None,
                perpetrator_occupation=perpetrator.get("occupation") or "",
                perpetrator_victim=perpetrator.get("victim"),
                relationship=perpetrator.get("relationship") or "",
                relation_detail=perpetrator.get("relation_detail") or "",
                consent=consent_given(consent_form) if consent_form.wanted else None,
            )
        except PartRefused as error:
            part = {"perpetrator": perpetrator_form, "consent": consent_form}
            form = part.get(error.part, incident_form)
            if form is incident_form and _concerns(error, details_form):
                form = details_form
            apply_service_errors(form, error)
        else:
            return redirect("cases:intake_done", pk=case.pk)
    context = {
        "case": case,
        "step": 3,
        "incident_form": incident_form,
        "details_form": details_form,
        "perpetrator_form": perpetrator_form,
        "consent_form": consent_form,
        "victims": victims,
        "ask_consent": bool(without_consent) or not victims,
        "show_guardian": "guardian" in consent_form.fields,
    }
    return render(request, "cases/intake_incident.html", context)


def _concerns(error: ValidationError, form: Form) -> bool:
    """Whether a refusal names fields of ``form`` (the GBVIMS fields are the incident's
    part of the service, but their own form on the page)."""
    return hasattr(error, "error_dict") and any(name in form.fields for name in error.error_dict)


def intake_resume(case: Case) -> HttpResponse:
    """Where a draft is taken up again: the victim's screen until someone is recorded as
    victim, then the incident's (the screen that completes the intake)."""
    if queries.parties_of(case).filter(role=PartyRole.VICTIM).exists():
        return redirect("cases:intake_incident", pk=case.pk)
    return redirect("cases:intake_victim", pk=case.pk)


def _new_person(form: PerpetratorForm) -> NewPerson:
    return NewPerson(**form.person_values(unnamed=_("Name not known")))


def consent_given(form: ConsentForm) -> ConsentGiven:
    """How the consent form says consent was given (the same form on screen 3 and on
    the case page)."""
    data = form.cleaned_data
    upload = data.get("proof")
    choice = data.get("guardian") or ""
    return ConsentGiven(
        method=data["method"],
        witness_name=data.get("witness_name", ""),
        proof=ProofFile(filename=upload.name or "", data=upload.read()) if upload else None,
        guardian_party_id=int(choice) if choice.isdigit() else None,
        new_guardian=NewGuardian(name=data["guardian_name"], sex=data.get("guardian_sex") or "U")
        if choice == "new"
        else None,
    )


@staff_view()
@require_GET
def intake_done(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    deadline = queries.next_deadline(case)
    return render(
        request,
        "cases/intake_done.html",
        {"case": case, "deadline": deadline, "late": queries.lateness(deadline)},
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk, record_read=True, sections=["parties"])
    victims = queries.parties_of(case).filter(role=PartyRole.VICTIM)
    form = PartyForm(
        request.POST or None,
        victims=victims,
        initial={"role": request.GET.get("role", PartyRole.PERPETRATOR)},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            intake.party_create(
                actor=membership,
                case=case,
                role=values["role"],
                person=_new_person(form),
                victim=values.get("victim"),
                relationship=values.get("relationship") or "",
                relation_detail=values.get("relation_detail") or "",
                perpetrator_occupation=values.get("occupation") or "",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person is added to the case."))
            return to_case(case, "people")
    return render(request, "cases/party_form.html", {"case": case, "form": form})


@staff_view()
@require_http_methods(["GET", "POST"])
def party_disability(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The Washington Group questions and the kinds of disability of a person in the
    case (``pk`` is the person's place in it), for what was not known, or not safe to
    ask, at intake."""
    party = queries.party_for(membership, pk, record_read=True)
    case = party.case
    form = DisabilityForm(request.POST or None, initial=disability_initial(party.person))
    if request.method == "POST" and form.is_valid():
        try:
            party_set_disability(
                actor=membership, case=case, party=party, **form.disability_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return to_case(case, "people")
    context = {"case": case, "party": party, "form": form}
    return render(request, "cases/party_disability.html", context)
