"""The content of a version while it is a draft or in discussion: its steps (with their
deadlines), its referral pathway and the duties of each party."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider

from ..codes import DeadlineUnit, Responsible, RiskLevel, TrackedAction, Trigger
from ..models import Duty, MechanismVersion, PathwayEntry, Step, StepDeadline
from .common import clean_text, require_drafter, require_editable


@dataclass(frozen=True)
class DeadlineInput:
    risk_level: str
    amount: int
    unit: str


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
        audit.log(actor, action_name, step, fields=[*values, "deadlines"])
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
        audit.log(actor, "mechanism_step.moved", step, fields=["position"])
    return step


def step_delete(*, actor: Membership, step: Step) -> None:
    version = step.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit.log(actor, "mechanism_step.deleted", step, fields=["title"])
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
        audit.log(
            actor,
            "mechanism_pathway.created",
            entry,
            fields=["service_type", "provider", "contact"],
        )
    return entry


def pathway_entry_remove(*, actor: Membership, entry: PathwayEntry) -> None:
    version = entry.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit.log(actor, "mechanism_pathway.deleted", entry, fields=["service_type", "provider"])
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
        audit.log(actor, action, duty, fields=["party", "duties"])
    return duty


def duty_delete(*, actor: Membership, duty: Duty) -> None:
    version = duty.version
    require_drafter(actor, version.mechanism)
    with transaction.atomic():
        require_editable(version)
        audit.log(actor, "mechanism_duty.deleted", duty, fields=["party"])
        duty.delete()
