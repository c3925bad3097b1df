"""Organisations: created under and edited by an administrator who manages them."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from .. import queries
from ..models import Membership, Organisation, OrganisationType
from .common import require_admin_of


def organisation_create(
    *,
    actor: Membership,
    name: str,
    short_name: str,
    type: str,
    area: Area,
    parent: Organisation | None = None,
) -> Organisation:
    if not queries.may_create_organisation(actor, area):
        raise PermissionDenied
    if type not in OrganisationType.values:
        raise ValidationError({"type": _("Choose a type from the list.")})
    if parent is not None:
        require_admin_of(actor, parent)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name.strip(), short_name=short_name.strip(), type=type, area=area, parent=parent
        )
        audit.log(
            actor,
            "organisation.created",
            organisation,
            fields=["name", "short_name", "type", "area", "parent"],
        )
    return organisation


def organisation_update(
    *,
    actor: Membership,
    organisation: Organisation,
    name: str,
    short_name: str,
    is_active: bool,
    posko_address: str | None = None,
    service_hours: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Organisation:
    """``posko_address`` and ``service_hours`` (shown on the public home page), ``phone``
    and ``email`` (printed on the unit's referral letters) are left as they are when None."""
    require_admin_of(actor, organisation)
    if organisation.pk == actor.organisation_id and not is_active:
        raise ValidationError(_("You cannot deactivate your own organisation."))
    values: dict[str, object] = {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "is_active": is_active,
    }
    if posko_address is not None:
        values["posko_address"] = posko_address.strip()
    if service_hours is not None:
        values["service_hours"] = service_hours.strip()
    values.update(_clean_contact(phone=phone, email=email))
    with transaction.atomic():
        organisation, changed = model_update(instance=organisation, fields=values, data=values)
        if changed:
            audit.log(actor, "organisation.updated", organisation, fields=changed)
    return organisation


def _clean_contact(*, phone: str | None, email: str | None) -> dict[str, str]:
    """The unit's telephone and email, checked as the kelurahan office's are for the
    decree's letterhead: a telephone number is digits and the signs people write in one."""
    contact: dict[str, str] = {}
    if phone is not None:
        phone = phone.strip()
        if len(phone) > 40 or (phone and not re.fullmatch(r"[0-9 ()+\-./]+", phone)):
            raise ValidationError(
                {"phone": _("A telephone number has digits, spaces and ( ) + - only.")}
            )
        contact["phone"] = phone
    if email is not None:
        email = email.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    {"email": _("Enter an email address such as posko@example.org.")}
                ) from None
        contact["email"] = email
    return contact
