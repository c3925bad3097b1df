"""Organisations: created under and edited by an administrator who manages them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.areas.models import Area
from sipakatau.audit.services import audit_record
from sipakatau.lib.services import model_update

from ..models import Membership, Organisation, OrganisationType, Role
from . import actor_of
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
    own_area = actor.organisation.area
    if actor.role != Role.ADMIN or not area.code.startswith(own_area.code + "."):
        # An administrator creates organisations inside their own area only.
        raise PermissionDenied
    if type not in OrganisationType.values:
        raise ValidationError({"type": _("Choose a type from the list.")})
    if parent is not None:
        require_admin_of(actor, parent)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name.strip(), short_name=short_name.strip(), type=type, area=area, parent=parent
        )
        audit_record(
            action="organisation.created",
            actor=actor_of(actor),
            object_type="accounts.organisation",
            object_id=organisation.pk,
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
) -> Organisation:
    """``posko_address`` and ``service_hours`` (shown on the public home page) are left
    as they are when None."""
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
    with transaction.atomic():
        organisation, changed = model_update(instance=organisation, fields=values, data=values)
        if changed:
            audit_record(
                action="organisation.updated",
                actor=actor_of(actor),
                object_type="accounts.organisation",
                object_id=organisation.pk,
                fields=changed,
            )
    return organisation
