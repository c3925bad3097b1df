"""Every write of the mechanisms: drafting (drafting.py, content.py), the discussion (discussion.py)
and the way from approval to an issued, active decree (lifecycle.py)."""

from .content import (
    DeadlineInput,
    duty_delete,
    duty_save,
    pathway_entry_add,
    pathway_entry_remove,
    step_delete,
    step_move,
    step_save,
)
from .crest import regional_crest_set
from .discussion import AttendeeInput, comment_add, comment_resolve, meeting_record
from .drafting import mechanism_settings_update, mechanism_start, version_new, version_update
from .lifecycle import decree_issue, number_incomplete, version_transition

__all__ = [
    "AttendeeInput",
    "DeadlineInput",
    "comment_add",
    "comment_resolve",
    "decree_issue",
    "duty_delete",
    "duty_save",
    "mechanism_settings_update",
    "mechanism_start",
    "meeting_record",
    "number_incomplete",
    "pathway_entry_add",
    "pathway_entry_remove",
    "regional_crest_set",
    "step_delete",
    "step_move",
    "step_save",
    "version_new",
    "version_transition",
    "version_update",
]
