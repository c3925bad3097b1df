"""Intake in three short screens, each saved when sent, and adding people later.

1. ``intake_start``: danger now, needs now, how it came in  → ``case_open``
2. ``intake_victim``: who the victim is, how to reach her safely → a person and a party
3. ``intake_incident``: what happened, the suspected perpetrator, consent
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create

from .. import queries
from ..codes import ConsentPurpose, PartyRole
from ..forms.intake import (
    ConsentForm,
    IncidentForm,
    IntakeStartForm,
    PartyForm,
    PerpetratorForm,
    VictimForm,
)
from ..models import Case, CaseParty
from ..services import care, intake
from .common import FRONTLINE, actor, audit_read, membership_of, to_case


@staff_view(*FRONTLINE)
@require_http_methods(["GET", "POST"])
def intake_start(request: HttpRequest) -> HttpResponse:
    membership = actor(request)
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
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("cases:intake_victim", pk=case.pk)
    return render(request, "cases/intake_start.html", {"form": form, "step": 1})


@staff_view()
@require_http_methods(["GET", "POST"])
def intake_victim(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.case_browsable_for_user(membership_of(request), pk)
    membership = actor(request)
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
                with transaction.atomic():
                    saved = person_create(
                        actor=membership, address=data["address"], **form.person_values()
                    )
                    person_set_profile(
                        actor=membership, person=saved.person, **form.profile_values()
                    )
                    intake.party_add(
                        actor=membership, case=case, person=saved.person, role=PartyRole.VICTIM
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                for warning in saved.warnings:
                    messages.warning(request, warning.message)
                messages.success(request, _("The victim is saved."))
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
    audit_read(request, "case.viewed", "cases.case", case.pk, ["parties"])
    return render(request, "cases/intake_victim.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def intake_incident(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.case_browsable_for_user(membership_of(request), pk)
    membership = actor(request)
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
    without_consent = [
        v for v in victims if not queries.has_active_consent(v, ConsentPurpose.SERVICES)
    ]
    consent_form = ConsentForm(
        data, files, prefix="consent", others=others, victims=without_consent, optional=True
    )
    forms = [incident_form, perpetrator_form, consent_form]
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        stage: object = incident_form
        try:
            with transaction.atomic():
                values = incident_form.cleaned_data
                intake.incident_record(
                    actor=membership,
                    case=case,
                    occurred_on=values["occurred_on"],
                    occurred_on_is_estimate=values["occurred_on_is_estimate"],
                    place_type=values["place_type"],
                    area=values["area"],
                    outside_city=values["outside_city"],
                    narrative=values["narrative"],
                    violence_forms=values["violence_forms"],
                )
                stage = perpetrator_form
                if perpetrator_form.has_data():
                    _add_perpetrator(membership, case, perpetrator_form)
                stage = consent_form
                if consent_form.wanted:
                    # Ages "at the time of the incident" have just been recomputed.
                    subjects = [
                        v
                        for v in queries.parties_of(case).filter(role=PartyRole.VICTIM)
                        if not queries.has_active_consent(v, ConsentPurpose.SERVICES)
                    ]
                    record_consents(
                        membership, case, consent_form, subjects, ConsentPurpose.SERVICES
                    )
        except ValidationError as error:
            apply_service_errors(stage, error)  # type: ignore[arg-type]
        else:
            return redirect("cases:intake_done", pk=case.pk)
    context = {
        "case": case,
        "step": 3,
        "incident_form": incident_form,
        "perpetrator_form": perpetrator_form,
        "consent_form": consent_form,
        "victims": victims,
        "ask_consent": bool(without_consent) or not victims,
        "show_guardian": "guardian" in consent_form.fields,
    }
    audit_read(request, "case.viewed", "cases.case", case.pk, ["parties", "incident"])
    return render(request, "cases/intake_incident.html", context)


def _add_perpetrator(membership: Membership, case: Case, form: PerpetratorForm) -> CaseParty:
    saved = person_create(actor=membership, **form.person_values(unnamed=_("Name not known")))
    party = intake.party_add(
        actor=membership, case=case, person=saved.person, role=PartyRole.PERPETRATOR
    )
    relationship = form.cleaned_data.get("relationship")
    victim = form.cleaned_data.get("victim")
    if relationship and victim is not None:
        intake.perpetrator_link_set(
            actor=membership, case=case, victim=victim, perpetrator=party, relationship=relationship
        )
    return party


def record_consents(
    membership: Membership,
    case: Case,
    form: ConsentForm,
    subjects: list[CaseParty],
    purpose: str,
    recipient_type: str = "",
) -> None:
    """The same consent for each victim given: with its proof, and for a child from a
    parent or guardian (the service refuses one who is a suspected perpetrator)."""
    data = form.cleaned_data
    if not subjects:
        raise ValidationError({"method": _("Add the victim first, then record the consent.")})
    proof = None
    upload = data.get("proof")
    if upload:
        try:
            proof = care.attachment_add(
                actor=membership,
                case=case,
                title=_("Consent form"),
                filename=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            raise ValidationError({"proof": error.messages}) from error
    guardian = _guardian(membership, case, form) if any(s.is_child for s in subjects) else None
    for subject in subjects:
        care.consent_record(
            actor=membership,
            case=case,
            subject=subject,
            purpose=purpose,
            recipient_type=recipient_type,
            method=data["method"],
            guardian=guardian if subject.is_child else None,
            witness_name=data.get("witness_name", ""),
            proof=proof,
        )


def _guardian(membership: Membership, case: Case, form: ConsentForm) -> CaseParty | None:
    choice = form.cleaned_data.get("guardian")
    if not choice:
        return None
    if choice == "new":
        saved = person_create(
            actor=membership,
            name=form.cleaned_data["guardian_name"],
            sex=form.cleaned_data.get("guardian_sex") or "U",
        )
        return intake.party_add(
            actor=membership, case=case, person=saved.person, role=PartyRole.GUARDIAN
        )
    chosen = queries.parties_of(case).filter(pk=int(choice)).first()
    if chosen is None:
        raise ValidationError({"guardian": _("Choose someone from the list.")})
    if chosen.role == PartyRole.GUARDIAN:
        return chosen
    # Someone already in the case (a reporter, or a suspected perpetrator) acting as
    # guardian: recorded in that role too, so the service can check the conflict.
    return intake.party_add(
        actor=membership, case=case, person=chosen.person, role=PartyRole.GUARDIAN
    )


@staff_view()
@require_GET
def intake_done(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.case_browsable_for_user(membership_of(request), pk)
    actor(request)
    deadline = queries.next_deadline(case)
    return render(
        request,
        "cases/intake_done.html",
        {"case": case, "deadline": deadline, "late": queries.lateness(deadline)},
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.case_browsable_for_user(membership_of(request), pk)
    membership = actor(request)
    victims = queries.parties_of(case).filter(role=PartyRole.VICTIM)
    form = PartyForm(
        request.POST or None,
        victims=victims,
        initial={"role": request.GET.get("role", PartyRole.PERPETRATOR)},
    )
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        try:
            with transaction.atomic():
                if role == PartyRole.PERPETRATOR:
                    _add_perpetrator(membership, case, form)
                else:
                    saved = person_create(actor=membership, **form.person_values())
                    intake.party_add(actor=membership, case=case, person=saved.person, role=role)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person is added to the case."))
            return to_case(case, "people")
    audit_read(request, "case.viewed", "cases.case", case.pk, ["parties"])
    return render(request, "cases/party_form.html", {"case": case, "form": form})
