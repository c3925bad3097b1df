"""Showing codes and lateness in plain words."""

from collections.abc import Iterable

from django import template
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sipakatau.people.models import ContactChannel, DisabilityKind

from .. import codes

register = template.Library()

CHOICES: dict[str, type[TextChoices]] = {
    "violence": codes.ViolenceForm,
    "place": codes.PlaceType,
    "need": codes.NeedDomain,
    "risk_criterion": codes.RiskCriterion,
    "gbvims_type": codes.GbvimsType,
    "gbvims_context": codes.GbvimsContext,
    "tpks": codes.TpksOffence,
    "reported_to": codes.ReportedTo,
    "immediate_need": codes.ImmediateNeed,
    "contact_channel": ContactChannel,
    "disability_kind": DisabilityKind,
}


@register.filter
def label(code: str, kind: str) -> str:
    return str(dict(CHOICES[kind].choices).get(code, code))


@register.filter
def labels(values: Iterable[str] | None, kind: str) -> str:
    return ", ".join(label(code, kind) for code in values or [])


@register.filter
def late_by(minutes: int | None) -> str:
    """'3 days late', '2 hours late', '25 minutes late'; empty when on time."""
    if not minutes:
        return ""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        amount = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    elif hours:
        amount = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    else:
        amount = ngettext("%(count)d minute", "%(count)d minutes", mins) % {"count": mins}
    return _("%(amount)s late") % {"amount": amount}


@register.filter
def translated(value: str) -> str:
    """A label stored in English (deadline rules are data) in the active language."""
    from django.utils.translation import gettext

    return gettext(value) if value else value
