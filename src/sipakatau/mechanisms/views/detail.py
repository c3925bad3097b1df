"""The page of one version: everything it says, its discussion, and what this member may
do next. Built in a fixed number of queries however many steps and comments it has."""

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership
from sipakatau.mapping.queries import analyses_for_kelurahan

from .. import queries
from ..codes import EDITABLE, CommentStatus, Section, Status
from ..diff import deadline_lines
from ..documents import flow_diagram_svg, labels
from ..forms import CommentForm
from ..models import Comment, MechanismVersion, Step

logger = logging.getLogger(__name__)

# What happens next, by status: one sentence each, for people new to the process.
NEXT = {
    Status.DRAFT: _(
        "The kelurahan is writing this draft. When it is ready, open the discussion so the "
        "other parties can comment."
    ),
    Status.IN_DISCUSSION: _(
        "The parties comment on this draft. The kelurahan answers, resolves every comment "
        "and records the meetings; then the Lurah approves it."
    ),
    Status.APPROVED: _(
        "The Lurah approved this version. It becomes binding when the Lurah issues it as a "
        "decree (SK Lurah)."
    ),
    Status.ISSUED: _(
        "This version was issued as a decree and is the kelurahan's active mechanism: new "
        "cases follow its steps and deadlines."
    ),
    Status.SUPERSEDED: _(
        "A newer decree replaced this version. Cases opened under it keep its rules."
    ),
}


# The same for a desa, led by a Kepala Desa (documents/labels.py ``is_desa``).
NEXT_DESA = {
    Status.DRAFT: _(
        "The desa is writing this draft. When it is ready, open the discussion so the "
        "other parties can comment."
    ),
    Status.IN_DISCUSSION: _(
        "The parties comment on this draft. The desa answers, resolves every comment "
        "and records the meetings; then the Kepala Desa approves it."
    ),
    Status.APPROVED: _(
        "The Kepala Desa approved this version. It becomes binding when the Kepala Desa "
        "issues it as a decree (SK Kepala Desa)."
    ),
    Status.ISSUED: _(
        "This version was issued as a decree and is the desa's active mechanism: new "
        "cases follow its steps and deadlines."
    ),
}


def _flow_svg(version: MechanismVersion) -> str:
    """The flow diagram, drawn by our own code from escaped data (documents package). The
    page stays usable without it, but the failure is logged (by number: no content)."""
    try:
        return flow_diagram_svg(version)
    except Exception:
        logger.exception("Flow diagram failed for mechanism version %s", version.pk)
        return ""


@dataclass
class StepRow:
    step: Step
    deadlines: list[tuple[str, str]]
    comments: list[Comment] = field(default_factory=list)


def _threads(comments: list[Comment]) -> tuple[dict[str, list[Comment]], dict[int, list[Comment]]]:
    by_section: dict[str, list[Comment]] = {s: [] for s in Section.values}
    by_step: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.section == Section.STEP and comment.step_id:
            by_step.setdefault(comment.step_id, []).append(comment)
        elif comment.section == Section.STEP:
            by_section[Section.GENERAL].append(comment)  # its step was deleted since
        else:
            by_section.setdefault(comment.section, []).append(comment)
    return by_section, by_step


def version_page(
    request: HttpRequest,
    membership: Membership,
    version: MechanismVersion,
    *,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    full = queries.version_in_full(version)
    mechanism = full.mechanism
    comments = list(queries.comments_of(full))
    by_section, by_step = _threads(comments)
    steps = list(full.steps.all())
    rows = [StepRow(s, deadline_lines(s), by_step.get(s.pk, [])) for s in steps]
    can_draft = queries.may_draft(membership, mechanism)
    can_sign = queries.may_sign(membership, mechanism)
    editable = full.status in EDITABLE
    issued = full.status in (Status.ISSUED, Status.SUPERSEDED)
    decree = queries.decree_of(full) if issued else None
    open_count = sum(1 for c in comments if c.status != CommentStatus.RESOLVED)
    context: dict[str, Any] = {
        "version": full,
        "mechanism": mechanism,
        "next": (NEXT_DESA if labels.is_desa(mechanism.area) else {}).get(
            Status(full.status), NEXT.get(Status(full.status), "")
        ),
        "steps": rows,
        "threads": by_section,
        "flow_svg": _flow_svg(full),
        "meetings": list(queries.meetings_of(full)),
        "decree": decree,
        "open_count": open_count,
        "editable": editable,
        "can_edit": editable and can_draft,
        "can_draft": can_draft,
        "can_comment": editable,
        "can_resolve": can_draft,
        "can_open": can_draft and full.status == Status.DRAFT,
        "can_back_to_draft": can_draft and full.status == Status.IN_DISCUSSION,
        "can_approve": can_sign and full.status == Status.IN_DISCUSSION,
        "can_send_back": can_sign and full.status == Status.APPROVED,
        "can_issue": can_sign and full.status == Status.APPROVED,
        "can_record_meeting": can_draft and full.status != Status.SUPERSEDED,
        "can_new_version": can_draft
        and full.status == Status.ISSUED
        and not queries.has_working_version(mechanism),
        "can_compare": full.number > 1,
        "comment_form": comment_form or CommentForm(steps=full.steps.all()),
        # One key per rendered page, suffixed per form on it (see views/common.py).
        "page_key": uuid.uuid4().hex,
        "sections": [(value, label) for value, label in Section.choices if value != Section.STEP],
        # The needs mapping the discussion stands on (only for those who may read it).
        "mapping_analyses": analyses_for_kelurahan(membership, mechanism.area),
    }
    return render(request, "mechanisms/version_detail.html", context)
