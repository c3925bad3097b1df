"""Drafting: starting a kelurahan's mechanism from the template, new versions, and every
change to a version's content while it is a draft or in discussion."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.directory.queries import providers_for_search

from .. import queries, template
from ..codes import DeadlineUnit, Responsible, RiskLevel, Status, TrackedAction, Trigger
from ..models import Duty, Mechanism, MechanismVersion, PathwayEntry, Step, StepDeadline
from .common import (
    audit,
    clean_paragraphs,
    clean_text,
    require_drafter,
    require_editable,
)

VERSION_FIELDS = (
    "title",
    "considerations",
    "legal_bases",
    "reporting_schedule",
    "funding",
    "monitoring",
    "copies_to",
)
WORKING = (Status.DRAFT, Status.IN_DISCUSSION, Status.APPROVED)


@dataclass(frozen=True)
class DeadlineInput:
    risk_level: str
    amount: int
    unit: str


def _fill(text: str, area: Area) -> str:
    kecamatan = area.parent.name if area.parent else ""
    return text.replace("{kelurahan}", area.name).replace("{kecamatan}", kecamatan)


def _from_template(version: MechanismVersion, area: Area) -> None:
    for position, data in enumerate(template.STEPS, start=1):
        step = Step.objects.create(
            version=version,
            position=position,
            title=data["title"],
            description=data["description"],
            responsible=data["responsible"],
            action=data.get("action", ""),
            trigger=data.get("trigger", ""),
            escalate_to=data.get("escalate_to", ""),
            is_social_protection=data.get("is_social_protection", False),
        )
        for risk_level, amount, unit in data.get("deadlines", []):
            StepDeadline.objects.create(step=step, risk_level=risk_level, amount=amount, unit=unit)
    for position, (party, duties) in enumerate(template.DUTIES, start=1):
        Duty.objects.create(version=version, position=position, party=party, duties=duties)
    # The pathway starts from the directory: the first active provider that serves the
    # kelurahan for each service; the kelurahan then corrects it with the providers.
    for service_type in template.PATHWAY_SERVICES:
        provider = providers_for_search(service_type=service_type, area=area).first()
        if provider is not None:
            PathwayEntry.objects.create(
                version=version, service_type=service_type, provider=provider
            )


def mechanism_start(
    *, actor: Membership, area: Area, number_format: str = "", place: str = ""
) -> MechanismVersion:
    """The kelurahan's first draft, from the ready template."""
    if not queries.may_start_mechanism(actor, area):
        raise PermissionDenied
    if Mechanism.objects.filter(area=area).exists():
        raise ValidationError(
            _("This kelurahan already has a mechanism: open it and make a new version.")
        )
    try:
        with transaction.atomic():
            mechanism = Mechanism.objects.create(
                area=area,
                number_format=clean_text(number_format, "number_format", required=False)
                or Mechanism._meta.get_field("number_format").get_default(),
                place=clean_text(place, "place", required=False)
                or (area.parent.parent.name if area.parent and area.parent.parent else area.name),
            )
            version = MechanismVersion.objects.create(
                mechanism=mechanism,
                number=1,
                title=_fill(template.TITLE, area),
                considerations=[_fill(t, area) for t in template.CONSIDERATIONS],
                legal_bases=list(template.LEGAL_BASES),
                reporting_schedule=template.REPORTING_SCHEDULE,
                funding=_fill(template.FUNDING, area),
                monitoring=template.MONITORING,
                copies_to=[_fill(t, area) for t in template.COPIES_TO],
                created_by=actor.user,
            )
            _from_template(version, area)
            audit(actor, "mechanism.created", mechanism, ["area", "number_format", "place"])
            audit(actor, "mechanism_version.created", version, VERSION_FIELDS)
    except IntegrityError:
        # Two officers pressed "start" at the same moment: the first one's draft stands.
        raise ValidationError(
            _("This kelurahan already has a mechanism: open it and make a new version.")
        ) from None
    return version


def mechanism_settings_update(
    *, actor: Membership, mechanism: Mechanism, number_format: str, place: str
) -> Mechanism:
    require_drafter(actor, mechanism)
    number_format = clean_text(number_format, "number_format", limit=100)
    if "{seq" not in number_format:
        raise ValidationError(
            {"number_format": _("The format must contain {seq}, the decree's sequence number.")}
        )
    try:
        number_format.format(seq=1, year=2025)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(
            {
                "number_format": _(
                    "Use only {seq} and {year} in the format, e.g. 400/{seq:02d}/Kel-WS/{year}."
                )
            }
        ) from None
    with transaction.atomic():
        mechanism.number_format = number_format
        mechanism.place = clean_text(place, "place", limit=100)
        mechanism.save(update_fields=["number_format", "place"])
        audit(actor, "mechanism.updated", mechanism, ["number_format", "place"])
    return mechanism


def version_new(*, actor: Membership, based_on: MechanismVersion) -> MechanismVersion:
    """A new draft that copies ``based_on`` (usually the issued version) in full. One
    version is worked on at a time, so the discussion is never split."""
    mechanism = based_on.mechanism
    require_drafter(actor, mechanism)
    with transaction.atomic():
        Mechanism.objects.select_for_update().get(pk=mechanism.pk)
        if mechanism.versions.filter(status__in=WORKING).exists():
            raise ValidationError(
                _("A version is already being worked on: finish or issue it first.")
            )
        number = (mechanism.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = MechanismVersion.objects.create(
            mechanism=mechanism,
            number=number,
            based_on=based_on,
            created_by=actor.user,
            **{field: getattr(based_on, field) for field in VERSION_FIELDS},
        )
        for step in based_on.steps.prefetch_related("deadlines"):
            deadlines = list(step.deadlines.all())
            step.pk = None
            step.version = version
            step.save()
            StepDeadline.objects.bulk_create(
                StepDeadline(step=step, risk_level=d.risk_level, amount=d.amount, unit=d.unit)
                for d in deadlines
            )
        PathwayEntry.objects.bulk_create(
            PathwayEntry(
                version=version,
                service_type=e.service_type,
                provider_id=e.provider_id,
                contact=e.contact,
            )
            for e in based_on.pathway.all()
        )
        Duty.objects.bulk_create(
            Duty(version=version, position=d.position, party=d.party, duties=d.duties)
            for d in based_on.duties.all()
        )
        audit(actor, "mechanism_version.created", version, VERSION_FIELDS)
    return version


def version_update(
    *,
    actor: Membership,
    version: MechanismVersion,
    title: str,
    considerations: Sequence[str],
    legal_bases: Sequence[str],
    reporting_schedule: str,
    funding: str,
    monitoring: str,
    copies_to: Sequence[str],
) -> MechanismVersion:
    require_drafter(actor, version.mechanism)
    values = {
        "title": clean_text(title, "title", limit=300),
        "considerations": clean_paragraphs(list(considerations), "considerations"),
        "legal_bases": clean_paragraphs(list(legal_bases), "legal_bases"),
        "reporting_schedule": clean_text(reporting_schedule, "reporting_schedule", required=False),
        "funding": clean_text(funding, "funding", required=False),
        "monitoring": clean_text(monitoring, "monitoring", required=False),
        "copies_to": clean_paragraphs(list(copies_to), "copies_to"),
    }
    if not values["considerations"]:
        raise ValidationError({"considerations": _("A decree needs at least one consideration.")})
    if not values["legal_bases"]:
        raise ValidationError({"legal_bases": _("A decree needs at least one legal basis.")})
    with transaction.atomic():
        require_editable(version)
        changed = [f for f, v in values.items() if getattr(version, f) != v]
        for field, value in values.items():
            setattr(version, field, value)
        version.save(update_fields=[*values, "updated_at"])
        audit(actor, "mechanism_version.updated", version, changed)
    return version


# --- Steps ------------------------------------------------------------------------------


def _clean_deadlines(
    deadlines: Sequence[DeadlineInput], action: str, trigger: str
) -> list[DeadlineInput]:
    cleaned: dict[str, DeadlineInput] = {}
    for d in deadlines:
        if d.risk_level not in RiskLevel.values:
            raise ValidationError({"deadlines": _("Unknown risk level.")})
        if d.unit not in DeadlineUnit.values:
            raise ValidationError({"deadlines": _("Unknown unit of time.")})
        if not 1 <= int(d.amount) <= 1000:
            raise ValidationError({"deadlines": _("A deadline is between 1 and 1,000.")})
        if d.risk_level in cleaned:
            raise ValidationError({"deadlines": _("Give one deadline per risk level.")})
        cleaned[d.risk_level] = d
    if cleaned and not trigger:
        raise ValidationError({"trigger": _("Say from which event the deadline counts.")})
    if action and not cleaned:
        raise ValidationError({"deadlines": _("A step recorded in the case needs a deadline.")})
    return list(cleaned.values())


def step_save(
    *,
    actor: Membership,
    version: MechanismVersion,
    step: Step | None = None,
    title: str,
    description: str,
    responsible: str,
    action: str = "",
    trigger: str = "",
    escalate_to: str = "",
    is_social_protection: bool = False,
    deadlines: Sequence[DeadlineInput] = (),
    position: int | None = None,
) -> Step:
    """Add a step (at the end, or at ``position``) or change one."""
    require_drafter(actor, version.mechanism)
    if step is not None and step.version_id != version.pk:
        raise PermissionDenied
    if responsible not in Responsible.values:
        raise ValidationError({"responsible": _("Choose who is responsible.")})
    if escalate_to and escalate_to not in Responsible.values:
        raise ValidationError({"escalate_to": _("Choose whom to tell when it is late.")})
    if action and action not in TrackedAction.values:
        raise ValidationError({"action": _("Unknown case action.")})
    if trigger and trigger not in Trigger.values:
        raise ValidationError({"trigger": _("Unknown starting event.")})
    cleaned = _clean_deadlines(deadlines, action, trigger)
    same_action = version.steps.filter(action=action)
    if step is not None:
        same_action = same_action.exclude(pk=step.pk)
    if action and same_action.exists():
        raise ValidationError(
            {"action": _("Another step is already recorded in the case as this action.")}
        )
    values = {
        "title": clean_text(title, "title", limit=200),
        "description": clean_text(description, "description", required=False),
        "responsible": responsible,
        "action": action,
        "trigger": trigger,
        "escalate_to": escalate_to,
        "is_social_protection": is_social_protection,
    }
    with transaction.atomic():
        require_editable(version)
        if step is None:
            last = version.steps.aggregate(n=Max("position"))["n"] or 0
            step = Step.objects.create(version=version, position=last + 1, **values)
            action_name = "mechanism_step.created"
        else:
            for field, value in values.items():
                setattr(step, field, value)
            step.save()
            action_name = "mechanism_step.updated"
        step.deadlines.all().delete()
        StepDeadline.objects.bulk_create(
            StepDeadline(step=step, risk_level=d.risk_level, amount=d.amount, unit=d.unit)
            for d in cleaned
        )
        if position is not None:
            _move(version, step, position)
        audit(actor, action_name, step, [*values, "deadlines"])
        version.save(update_fields=["updated_at"])
    return step


def _move(version: MechanismVersion, step: Step, position: int) -> None:
    steps = [s for s in version.steps.order_by("position") if s.pk != step.pk]
    position = max(1, min(position, len(steps) + 1))
    steps.insert(position - 1, step)
    # Two passes: positions are unique, so first park every step out of the way.
    offset = 1000
    for index, s in enumerate(steps, start=1):
        Step.objects.filter(pk=s.pk).update(position=offset + index)
    for index, s in enumerate(steps, start=1):
        Step.objects.filter(pk=s.pk).update(position=index)
    step.position = position


def step_move(*, actor: Membership, step: Step, position: int) -> Step:
    version = step.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        _move(version, step, position)
        audit(actor, "mechanism_step.moved", step, ["position"])
    return step


def step_delete(*, actor: Membership, step: Step) -> None:
    version = step.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit(actor, "mechanism_step.deleted", step, ["title"])
        step.delete()
        remaining = list(version.steps.order_by("position"))
        for index, s in enumerate(remaining, start=1):
            Step.objects.filter(pk=s.pk).update(position=1000 + index)
        for index, s in enumerate(remaining, start=1):
            Step.objects.filter(pk=s.pk).update(position=index)


# --- Pathway and duties -----------------------------------------------------------------


def pathway_entry_add(
    *,
    actor: Membership,
    version: MechanismVersion,
    service_type: str,
    provider: Provider,
    contact: str = "",
) -> PathwayEntry:
    require_drafter(actor, version.mechanism)
    if service_type not in ServiceType.values:
        raise ValidationError({"service_type": _("Choose a service.")})
    if not provider.is_active:
        raise ValidationError({"provider": _("This provider is no longer active.")})
    with transaction.atomic():
        require_editable(version)
        if version.pathway.filter(service_type=service_type, provider=provider).exists():
            raise ValidationError(
                {"provider": _("This provider is already on the pathway for this service.")}
            )
        entry = PathwayEntry.objects.create(
            version=version,
            service_type=service_type,
            provider=provider,
            contact=clean_text(contact, "contact", required=False, limit=200),
        )
        audit(actor, "mechanism_pathway.created", entry, ["service_type", "provider", "contact"])
    return entry


def pathway_entry_remove(*, actor: Membership, entry: PathwayEntry) -> None:
    version = entry.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit(actor, "mechanism_pathway.deleted", entry, ["service_type", "provider"])
        entry.delete()


def duty_save(
    *,
    actor: Membership,
    version: MechanismVersion,
    party: str,
    duties: str,
    duty: Duty | None = None,
) -> Duty:
    require_drafter(actor, version.mechanism)
    if duty is not None and duty.version_id != version.pk:
        raise PermissionDenied
    if party not in Responsible.values:
        raise ValidationError({"party": _("Choose a party.")})
    text = clean_text(duties, "duties", limit=4000)
    with transaction.atomic():
        require_editable(version)
        if duty is None:
            last = version.duties.aggregate(n=Max("position"))["n"] or 0
            duty = Duty.objects.create(version=version, position=last + 1, party=party, duties=text)
            action = "mechanism_duty.created"
        else:
            duty.party, duty.duties = party, text
            duty.save(update_fields=["party", "duties"])
            action = "mechanism_duty.updated"
        audit(actor, action, duty, ["party", "duties"])
    return duty


def duty_delete(*, actor: Membership, duty: Duty) -> None:
    version = duty.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit(actor, "mechanism_duty.deleted", duty, ["party"])
        duty.delete()
