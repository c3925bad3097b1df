"""What every write of the mechanisms shares: the checks and the cleaning of text."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership

from .. import queries
from ..codes import EDITABLE
from ..models import Mechanism, MechanismVersion


def require_drafter(actor: Membership, mechanism: Mechanism) -> None:
    if not queries.may_draft(actor, mechanism):
        raise PermissionDenied


def require_signatory(actor: Membership, mechanism: Mechanism) -> None:
    if not queries.may_sign(actor, mechanism):
        raise PermissionDenied


def require_stakeholder(actor: Membership, version: MechanismVersion) -> None:
    if not queries.versions_visible_to(actor).filter(pk=version.pk).exists():
        raise PermissionDenied


def require_editable(version: MechanismVersion) -> None:
    """Approved and issued versions never change: what was signed is what is enforced."""
    fresh = MechanismVersion.objects.select_for_update().get(pk=version.pk)
    if fresh.status not in EDITABLE:
        raise ValidationError(
            _(
                "This version is %(status)s and can no longer be changed. Make a new "
                "version to propose changes."
            )
            % {"status": fresh.get_status_display().lower()}
        )


def clean_text(value: str, field: str, *, required: bool = True, limit: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This cannot be empty.")})
    if limit and len(value) > limit:
        raise ValidationError(
            {field: _("Please keep this under %(limit)s characters.") % {"limit": limit}}
        )
    return value


def clean_paragraphs(values: list[str], field: str) -> list[str]:
    paragraphs = [" ".join(str(v).split()) for v in values if str(v).strip()]
    if any(len(p) > 2000 for p in paragraphs):
        raise ValidationError({field: _("Each paragraph must be under 2,000 characters.")})
    return paragraphs
