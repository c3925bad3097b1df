from .documents import CivilDocument, DocumentHelp
from .households import DtsenRecord, Household, HouseholdMember
from .programmes import Enrolment, Programme, ScreeningRule, WorklistEntry
from .proposals import Musyawarah, ProposalBatch, ProposalItem

__all__ = [
    "CivilDocument",
    "DocumentHelp",
    "DtsenRecord",
    "Enrolment",
    "Household",
    "HouseholdMember",
    "Musyawarah",
    "Programme",
    "ProposalBatch",
    "ProposalItem",
    "ScreeningRule",
    "WorklistEntry",
]
