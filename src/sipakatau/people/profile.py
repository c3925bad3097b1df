"""The rest of a person's record: where they live, disability, and safe contact."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import RECORD_PEOPLE
from sipakatau.areas.models import Area, Level
from sipakatau.audit import services as audit

from .models import (
    WG_DISABILITY_ANSWERS,
    ContactChannel,
    DisabilityKind,
    Person,
    WgAnswer,
    WgDomain,
)


@dataclass(frozen=True)
class SafeContact:
    """How a person said they may be reached. "Do not contact" wins over everything, so
    with it set there are no channels and no times."""

    do_not_contact: bool
    channels: list[str]
    times: str


def safe_contact_of(person: Person) -> SafeContact:
    safe = person.safe_contact if isinstance(person.safe_contact, dict) else {}
    if safe.get("do_not_contact"):
        return SafeContact(do_not_contact=True, channels=[], times="")
    return SafeContact(
        do_not_contact=False,
        channels=[str(channel) for channel in safe.get("channels") or []],
        times=str(safe.get("times") or ""),
    )


def disability_from_wg(answers: Mapping[str, str]) -> bool:
    return any(answer in WG_DISABILITY_ANSWERS for answer in answers.values())


def person_set_profile(
    *,
    actor: Membership,
    person: Person,
    area: Area | None = None,
    wg_answers: Mapping[str, str] | None = None,
    disability_kinds: list[str] | None = None,
    communication_needs: str = "",
    do_not_contact: bool = False,
    contact_channels: list[str] | None = None,
    contact_times: str = "",
    contact_note: str = "",
) -> Person:
    if not actor.is_active or actor.role not in RECORD_PEOPLE:
        raise PermissionDenied
    answers = {key: value for key, value in (wg_answers or {}).items() if value}
    kinds = list(dict.fromkeys(disability_kinds or []))
    channels = list(dict.fromkeys(contact_channels or []))
    errors: dict[str, str] = {}
    if area is not None and area.level not in {Level.KELURAHAN, Level.RW, Level.RT}:
        errors["area"] = _("Choose a kelurahan, RW or RT.")
    if any(k not in WgDomain.values for k in answers) or any(
        v not in WgAnswer.values for v in answers.values()
    ):
        errors["wg_answers"] = _("Choose the answers from the list.")
    if any(kind not in DisabilityKind.values for kind in kinds):
        errors["disability_kinds"] = _("Choose the kinds of disability from the list.")
    if any(channel not in ContactChannel.values for channel in channels):
        errors["contact_channels"] = _("Choose the contact channels from the list.")
    if do_not_contact and channels:
        errors["contact_channels"] = _("'Do not contact' cannot go with contact channels.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person.area = area
        person.wg_answers = answers
        person.has_disability = disability_from_wg(answers) or bool(kinds)
        person.disability_kinds = kinds
        person.communication_needs = communication_needs.strip()
        person.safe_contact = {
            "do_not_contact": do_not_contact,
            "channels": channels,
            "times": contact_times.strip(),
            "note": contact_note.strip(),
        }
        person.save()
        audit.log(
            actor,
            "person.profile_updated",
            person,
            fields=[
                "area",
                "wg_answers",
                "has_disability",
                "disability_kinds",
                "communication_needs",
                "safe_contact",
            ],
        )
    return person
