"""Case records, split by concept. Import models from here."""

from .case import Case, CaseCounter, Status
from .deadlines import CaseDeadline, DeadlineRule, DeadlineTally
from .incident import Incident
from .parties import CaseParty, PerpetratorLink
from .records import Assessment, Attachment, Closure, Consent, FollowUp, Note, ServicePlanItem

__all__ = [
    "Assessment",
    "Attachment",
    "Case",
    "CaseCounter",
    "CaseDeadline",
    "CaseParty",
    "Closure",
    "Consent",
    "DeadlineRule",
    "DeadlineTally",
    "FollowUp",
    "Incident",
    "Note",
    "PerpetratorLink",
    "ServicePlanItem",
    "Status",
]
