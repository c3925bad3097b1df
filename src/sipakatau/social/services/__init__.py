"""Every write of social protection (issue 13): one service per use case, each in its own
transaction, checking a ``may_<verb>`` predicate of ``queries.py`` and writing its audit
event with field names only."""

from .deadlines import batches_escalate
from .documents import document_help_record, document_record
from .households import (
    dtsen_record,
    enrolment_record,
    household_create,
    household_member_add,
    household_member_end,
    household_member_move,
)
from .members import household_join_from_case, household_member_register
from .proposals import (
    batch_add_item,
    batch_advance,
    batch_create_for_month,
    batch_sign,
    musyawarah_record,
    outcome_record,
    verification_record,
)
from .screening import (
    rule_save,
    rule_test_run,
    screening_run,
    worklist_add_from_case_need,
    worklist_dismiss,
)

__all__ = [
    "batch_add_item",
    "batch_advance",
    "batch_create_for_month",
    "batch_sign",
    "batches_escalate",
    "document_help_record",
    "document_record",
    "dtsen_record",
    "enrolment_record",
    "household_create",
    "household_join_from_case",
    "household_member_add",
    "household_member_end",
    "household_member_move",
    "household_member_register",
    "musyawarah_record",
    "outcome_record",
    "rule_save",
    "rule_test_run",
    "screening_run",
    "verification_record",
    "worklist_add_from_case_need",
    "worklist_dismiss",
]
