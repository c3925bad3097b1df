"""The GBVIMS intake fields of an incident (Incident Recorder columns beyond the type and
the context): checked once here, for intake (screen 3, the API) and for the edit after
intake (``services.edits``). Each is optional; blank means "not asked"."""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _

from ..codes import (
    ABDUCTED,
    REPORTED_YES,
    AbductionType,
    HarmfulPractice,
    LegalAction,
    PerpetratorCount,
    ReferredFrom,
    ReportedElsewhere,
    ReportedTo,
    TimeOfDay,
    YesNoUnknown,
)
from ..models import Incident
from .classification import incident_context_refresh


@dataclass(frozen=True)
class IncidentDetails:
    time_of_day: str = ""
    harmful_practice: str = ""
    abduction_type: str = ""
    reported_elsewhere: str = ""
    reported_to: list[str] = field(default_factory=list)
    previous_incidents: str = ""
    legal_action: str = ""
    perpetrator_count: str = ""
    referred_from: str = ""


DETAIL_CODES: dict[str, type[TextChoices]] = {
    "time_of_day": TimeOfDay,
    "harmful_practice": HarmfulPractice,
    "abduction_type": AbductionType,
    "reported_elsewhere": ReportedElsewhere,
    "previous_incidents": YesNoUnknown,
    "legal_action": LegalAction,
    "perpetrator_count": PerpetratorCount,
    "referred_from": ReferredFrom,
}
DETAIL_FIELDS = tuple(IncidentDetails.__dataclass_fields__)


def checked_details(details: IncidentDetails) -> dict[str, object]:
    """The values to store, or a refusal naming each field that is not from its list."""
    values: dict[str, object] = asdict(details)
    errors = {
        name: _("Choose from the list.")
        for name, codes in DETAIL_CODES.items()
        if values[name] and values[name] not in codes.values
    }
    reported_to = list(dict.fromkeys(details.reported_to))
    if any(code not in ReportedTo.values for code in reported_to):
        errors["reported_to"] = _("Choose from the list.")
    elif reported_to and details.reported_elsewhere not in REPORTED_YES:
        errors["reported_to"] = _("Say where only when it was reported elsewhere.")
    if errors:
        raise ValidationError(errors)
    values["reported_to"] = reported_to
    return values


def details_apply(incident: Incident, values: dict[str, object]) -> list[str]:
    """Write checked values on the incident (not saved); the names of the fields that
    changed. A type of abduction also answers the yes/no question the case context is
    derived from, so the context is derived again."""
    changed = [name for name, value in values.items() if getattr(incident, name) != value]
    for name in changed:
        setattr(incident, name, values[name])
    if "abduction_type" in changed and incident.abduction_type:
        abducted = incident.abduction_type in ABDUCTED
        if abducted != incident.abduction:
            incident.abduction = abducted
            changed.append("abduction")
    if incident_context_refresh(incident):
        changed.append("gbvims_context")
    return changed
