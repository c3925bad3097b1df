"""Intake: three short screens on a phone, each saved as soon as it is sent.

1. ``case_open`` — is someone in danger now, what is needed now, how it was reported;
2. ``party_add`` — who the victim is and how to reach them safely (and other people);
3. ``incident_record`` — what happened, when, where.

Anything else can be completed later; nothing typed on an earlier screen is lost if the
volunteer stops, because each screen is its own saved step.
"""

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib.nik import NikWarning
from sipakatau.mechanisms.queries import active_version_for_area
from sipakatau.people.models import Person, Sex
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create

from ..codes import (
    RELATION_DETAIL_CATEGORIES,
    Channel,
    Citizenship,
    Education,
    ImmediateNeed,
    MaritalStatus,
    Occupation,
    PartyRole,
    PlaceType,
    RelationDetail,
    Relationship,
    RiskLevel,
    ViolenceForm,
)
from ..models import Case, CaseCounter, CaseParty, Incident, PerpetratorLink
from .classification import incident_context_refresh
from .common import require_case_access, require_open, require_role, unit_today, unit_zone
from .deadlines import deadlines_meet, deadlines_on_trigger
from .gbvims_details import IncidentDetails, checked_details, details_apply
from .search_scope import search_scopes_keep

# A unit's prefix in register numbers, from its short name ("LBK-KK Bahagia" → "BHG"),
# followed by the unit's id: letters alone repeat across units ("Bunga" and "Bangun" are
# both "BNG"; two units named after one kelurahan share every letter), and register
# numbers are unique across the whole database, so a clash would stop one unit from
# opening any case at all.
REGISTER_FORMAT = "{prefix}-{unit}/{year}/{number:04d}"


def _prefix(organisation_name: str) -> str:
    words = [
        w
        for w in organisation_name.replace("-", " ").split()
        if w.isalpha() and w.upper() not in {"LBK", "KK"}
    ]
    word = words[-1] if words else "UNIT"
    consonants = [c for c in word[1:].upper() if c not in "AEIOU"]
    return (word[0].upper() + "".join(consonants))[:3].ljust(3, "X")


def _next_register_number(organisation: Organisation) -> str:
    """The unit's next number of the year, gapless: the counter row is locked until the
    transaction that uses the number commits, so two completions never share one."""
    # The unit's calendar year, not UTC's: a report taken at 07:00 WITA on 1 January
    # belongs to the new year.
    year = unit_today(organisation).year
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return REGISTER_FORMAT.format(
        prefix=_prefix(organisation.short_name or organisation.name),
        unit=organisation.pk,
        year=year,
        number=counter.last,
    )


def _rule_set_now(actor: Membership) -> str:
    """The rules a new case follows for its whole life: the kelurahan's mechanism in force
    today (its issued SK Lurah), else the defaults. An open case keeps its rules when a
    later decree is issued: it was started under the old one."""
    version = active_version_for_area(actor.organisation.area)
    return version.rule_set if version is not None else "default"


def case_open(
    *,
    actor: Membership,
    channel: str,
    reported_at: datetime | None = None,
    danger_now: bool = False,
    immediate_needs: list[str] | None = None,
    intake_key: uuid.UUID | None = None,
    draft: bool = False,
) -> Case:
    """Screen 1. Sending the same form twice (same ``intake_key``) opens one case.

    A ``draft`` (the web intake) gets its register number and its deadlines only when
    the intake is completed (``case_intake_complete``); the API and a promoted public
    report open a case that is complete, and numbered, at once."""
    require_role(actor, WORK_ON_CASES)
    if (
        actor.organisation.type != OrganisationType.LBK_KK
        and actor.organisation.type != OrganisationType.UPTD_PPA
    ):
        # Cases are handled by service units; an office that is not one has no register.
        raise ValidationError(_("Only a service unit (LBK-KK or UPTD PPA) keeps cases."))
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the report came in.")
    needs = list(dict.fromkeys(immediate_needs or []))
    if any(need not in ImmediateNeed.values for need in needs):
        errors["immediate_needs"] = _("Choose the needs from the list.")
    reported_at = reported_at or timezone.now()
    if reported_at > timezone.now() + timedelta(minutes=5):
        errors["reported_at"] = _("The report date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if intake_key is not None:
        existing = Case.objects.filter(
            intake_key=intake_key, organisation=actor.organisation
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            case = Case.objects.create(
                organisation=actor.organisation,
                channel=channel,
                reported_at=reported_at,
                danger_now=danger_now,
                immediate_needs=needs,
                # Danger now is high risk until someone assesses it; unknown counts as
                # medium for deadlines, never as low.
                risk_level=RiskLevel.HIGH if danger_now else RiskLevel.UNASSESSED,
                created_by=actor.user,
                assigned_to=None if actor.role == "volunteer" else actor.user,
                intake_key=intake_key,
                rule_set=_rule_set_now(actor),
            )
            audit.log(
                actor,
                "case.created",
                case,
                fields=["channel", "reported_at", "danger_now", "immediate_needs"],
            )
            if not draft:
                _complete(actor, case)
    except IntegrityError:
        # The same form arrived twice at the same moment: the first one won. Only a case
        # of the actor's own unit is ever handed back (never another unit's case).
        if intake_key is None:
            raise
        existing = Case.objects.filter(
            intake_key=intake_key, organisation=actor.organisation
        ).first()
        if existing is None:
            raise
        return existing
    return case


def _complete(actor: Membership, case: Case, *, was_draft: bool = False) -> None:
    case.register_number = _next_register_number(case.organisation)
    case.intake_completed_at = timezone.now()
    case.save(update_fields=["register_number", "intake_completed_at", "updated_at"])
    if was_draft:
        audit.log(actor, "case.intake_completed", case, fields=["register_number"])
    deadlines_on_trigger(case=case, trigger="case_opened")


@transaction.atomic
def case_intake_complete(*, actor: Membership, case: Case) -> Case:
    """The last intake screen was saved: the draft becomes a case of the register, with
    its number and its deadlines (counted from the report, as before). Completing twice
    (a resent form) changes nothing."""
    require_case_access(actor, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require_open(locked)
    if locked.is_draft:
        _complete(actor, locked, was_draft=True)
    case.register_number = locked.register_number
    case.intake_completed_at = locked.intake_completed_at
    return locked


def _age_at(person: Person, on: date | None, today: date) -> int | None:
    if person.birth_date is not None:
        moment = on or today
        born = person.birth_date
        return moment.year - born.year - ((moment.month, moment.day) < (born.month, born.day))
    return person.age_estimate


@dataclass(frozen=True)
class Particulars:
    """A victim's SIMFONI-PPA particulars; each blank when not known."""

    education: str = ""
    occupation: str = ""
    marital_status: str = ""
    citizenship: str = ""


PARTICULAR_CODES = {
    "education": Education,
    "occupation": Occupation,
    "marital_status": MaritalStatus,
    "citizenship": Citizenship,
}


def checked_particulars(role: str, particulars: Particulars | None) -> dict[str, str]:
    """A victim's particulars to store, or a refusal per field (another role has none)."""
    values = asdict(particulars) if particulars is not None else {}
    given = {name: value for name, value in values.items() if value}
    if given and role != PartyRole.VICTIM:
        message = _("This is recorded for a victim only.")
        raise ValidationError(dict.fromkeys(given, message))
    errors = {
        name: _("Choose from the list.")
        for name, value in given.items()
        if value not in PARTICULAR_CODES[name].values
    }
    if errors:
        raise ValidationError(errors)
    return values


def checked_perpetrator_occupation(role: str, occupation: str) -> str:
    """A suspected perpetrator's main occupation (GBVIMS), from the national list that the
    victims' particulars use; stored in the same column (``CaseParty.occupation``)."""
    if occupation and role != PartyRole.PERPETRATOR:
        raise ValidationError(
            {"occupation": _("This is recorded for a suspected perpetrator only.")}
        )
    if occupation and occupation not in Occupation.values:
        raise ValidationError({"occupation": _("Choose from the list.")})
    return occupation


def party_add(
    *,
    actor: Membership,
    case: Case,
    person: Person,
    role: str,
    particulars: Particulars | None = None,
    perpetrator_occupation: str = "",
) -> CaseParty:
    """Screen 2 (and later): put a person recorded through ``people`` into the case."""
    require_case_access(actor, case)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Choose the role from the list.")})
    values = checked_particulars(role, particulars)
    if checked_perpetrator_occupation(role, perpetrator_occupation):
        values["occupation"] = perpetrator_occupation
    with transaction.atomic():
        require_open(case)
        incident = Incident.objects.filter(case=case).first()
        party, created = CaseParty.objects.get_or_create(
            case=case,
            person=person,
            role=role,
            defaults={
                "age_at_incident": _age_at(
                    person,
                    incident.occurred_on if incident else None,
                    unit_today(case.organisation),
                ),
                **values,
            },
        )
        if created:
            search_scopes_keep(person)
            audit.log(
                actor,
                "case.party_added",
                party,
                fields=["person", "role", "age_at_incident", *values],
            )
    return party


@dataclass(frozen=True)
class NewPerson:
    """Who someone is: the arguments of ``people.services.person_create``."""

    name: str
    sex: str = Sex.UNKNOWN
    nik: str | None = None
    kk_number: str | None = None
    phone: str | None = None
    address: str | None = None
    birth_date: date | None = None
    age_estimate: int | None = None


@dataclass(frozen=True)
class NewProfile:
    """Where someone lives and how to reach them safely: the arguments of
    ``people.profile.person_set_profile``."""

    area: Area | None = None
    wg_answers: Mapping[str, str] = field(default_factory=dict)
    disability_kinds: list[str] = field(default_factory=list)
    communication_needs: str = ""
    do_not_contact: bool = False
    contact_channels: list[str] = field(default_factory=list)
    contact_times: str = ""
    contact_note: str = ""


@dataclass(frozen=True)
class PartyCreated:
    party: CaseParty
    # Things to look at again (an odd NIK); the person was saved anyway.
    warnings: tuple[NikWarning, ...]


@transaction.atomic
def party_create(
    *,
    actor: Membership,
    case: Case,
    role: str,
    person: NewPerson,
    profile: NewProfile | None = None,
    victim: CaseParty | None = None,
    relationship: str = "",
    relation_detail: str = "",
    particulars: Particulars | None = None,
    perpetrator_occupation: str = "",
) -> PartyCreated:
    """A new person recorded and put into the case in one step (screen 2, the case page,
    the API), with a profile, and for a suspected perpetrator how she or he relates to a
    victim. All or nothing: a refused profile leaves no half-recorded person behind."""
    require_case_access(actor, case)
    require_open(case)
    saved = person_create(actor=actor, **asdict(person))
    if profile is not None:
        person_set_profile(
            actor=actor,
            person=saved.person,
            area=profile.area,
            wg_answers=profile.wg_answers,
            disability_kinds=profile.disability_kinds,
            communication_needs=profile.communication_needs,
            do_not_contact=profile.do_not_contact,
            contact_channels=profile.contact_channels,
            contact_times=profile.contact_times,
            contact_note=profile.contact_note,
        )
    party = party_add(
        actor=actor,
        case=case,
        person=saved.person,
        role=role,
        particulars=particulars,
        perpetrator_occupation=perpetrator_occupation,
    )
    if relationship and victim is not None:
        perpetrator_link_set(
            actor=actor,
            case=case,
            victim=victim,
            perpetrator=party,
            relationship=relationship,
            relation_detail=relation_detail,
        )
    party.person = saved.person
    return PartyCreated(party=party, warnings=saved.warnings)


def perpetrator_link_set(
    *,
    actor: Membership,
    case: Case,
    victim: CaseParty,
    perpetrator: CaseParty,
    relationship: str,
    relation_detail: str = "",
) -> PerpetratorLink:
    """SIMFONI's category, and the finer relation if known (blank: not recorded)."""
    require_case_access(actor, case)
    if relationship not in Relationship.values:
        raise ValidationError({"relationship": _("Choose the relationship from the list.")})
    if relation_detail and relation_detail not in RelationDetail.values:
        raise ValidationError({"relation_detail": _("Choose the relation from the list.")})
    if relation_detail and relationship not in RELATION_DETAIL_CATEGORIES[relation_detail]:
        raise ValidationError(
            {"relation_detail": _("This relation does not fit the relationship chosen.")}
        )
    if victim.case_id != case.pk or perpetrator.case_id != case.pk:
        raise ValidationError(_("Both people must be in this case."))
    if victim.role != PartyRole.VICTIM or perpetrator.role != PartyRole.PERPETRATOR:
        raise ValidationError(_("Link a suspected perpetrator to a victim."))
    with transaction.atomic():
        require_open(case)
        link, _created = PerpetratorLink.objects.update_or_create(
            case=case,
            victim=victim,
            perpetrator=perpetrator,
            defaults={"relationship": relationship, "relation_detail": relation_detail},
        )
        audit.log(actor, "case.relationship_set", link, fields=["relationship", "relation_detail"])
        # The stored GBVIMS context is derived from the relations: derive it again, so a
        # partner recorded (or a friend corrected) after the classification counts.
        incident = Incident.objects.select_for_update().filter(case=case).first()
        if incident is not None and incident_context_refresh(incident):
            incident.save(update_fields=["gbvims_context", "updated_at"])
            audit.log(actor, "incident.context_derived", incident, fields=["gbvims_context"])
    return link


def incident_record(
    *,
    actor: Membership,
    case: Case,
    occurred_on: date | None,
    occurred_on_is_estimate: bool = False,
    place_type: str = "",
    area: Area | None = None,
    outside_city: bool = False,
    narrative: str = "",
    violence_forms: list[str] | None = None,
    details: IncidentDetails | None = None,
) -> Incident:
    """Screen 3: what happened. The incident date is separate from the report date.
    ``details``, the GBVIMS intake fields, if they were asked (None keeps them)."""
    require_case_access(actor, case)
    forms = list(dict.fromkeys(violence_forms or []))
    detail_values = checked_details(details) if details is not None else {}
    errors: dict[str, str] = {}
    today = unit_today(case.organisation)
    if occurred_on is not None and occurred_on > today:
        errors["occurred_on"] = _("The date of the incident cannot be in the future.")
    if (
        occurred_on is not None
        and occurred_on > timezone.localtime(case.reported_at, unit_zone(case.organisation)).date()
    ):
        errors["occurred_on"] = _("The incident cannot be after the day it was reported.")
    if place_type and place_type not in PlaceType.values:
        errors["place_type"] = _("Choose the place from the list.")
    if any(form not in ViolenceForm.values for form in forms):
        errors["violence_forms"] = _("Choose the forms of violence from the list.")
    if outside_city and area is not None:
        errors["area"] = _("Choose an area, or tick 'outside the city', not both.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_open(case)
        incident, _created = Incident.objects.get_or_create(case=case)
        incident.occurred_on = occurred_on
        incident.occurred_on_is_estimate = occurred_on_is_estimate
        incident.place_type = place_type
        incident.area = area
        incident.outside_city = outside_city
        incident.narrative = narrative.strip()
        incident.violence_forms = forms
        changed_details = details_apply(incident, detail_values) if detail_values else []
        incident.save()
        # Ages are "at the time of the incident": recompute when the date is known.
        for party in case.parties.select_related("person"):
            age = _age_at(party.person, occurred_on, today)
            if age != party.age_at_incident:
                party.age_at_incident = age
                party.save(update_fields=["age_at_incident"])
        audit.log(
            actor,
            "incident.recorded",
            incident,
            fields=[
                "occurred_on",
                "place_type",
                "area",
                "outside_city",
                "narrative",
                "violence_forms",
                *changed_details,
            ],
        )
        if incident.is_sexual_violence:
            deadlines_on_trigger(case=case, trigger="sexual_violence")
    return incident


def police_forwarding_record(*, actor: Membership, case: Case) -> None:
    """UU 12/2022 TPKS Pasal 41: a community service provider forwards a sexual-violence
    report to the police within 3x24 hours; recording it meets that deadline."""
    require_case_access(actor, case)
    with transaction.atomic():
        require_open(case)
        deadlines_meet(case=case, codes=["police_forwarding"])
        audit.log(actor, "case.forwarded_to_police", case, fields=["police_forwarding"])
