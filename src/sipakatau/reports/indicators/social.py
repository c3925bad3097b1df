"""Social protection and needs mapping, over the kelurahan(s) of the units in scope
(households, proposals and surveys belong to a kelurahan, not to a unit):

- needs raised in the period (the social worklist: by a screening rule, or by a service
  unit from a case's assessment), by where they stand now;
- proposal (usulan) lines of the period's monthly batches, by Dinsos's outcome;
- needs-mapping coverage: the RTs with at least one survey response by the end of the
  period, out of the RTs of the kelurahan(s).

A need or proposal that comes from a case counts only when a victim of that case agreed
to be counted in statistics, like every case figure (``left_out`` says how many did not).
Fixed number of queries, whatever the data.
"""

from datetime import date, datetime

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area, Level
from sipakatau.mapping.models import Submission
from sipakatau.social.codes import ItemOutcome, WorklistStatus
from sipakatau.social.models import ProposalItem, WorklistEntry

from .base import Row, Table
from .casework import counted_victims


def _kelurahans(units: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return units.values("area_id")  # type: ignore[return-value]


def social_needs(units: QuerySet[Organisation], start: datetime, end: datetime) -> Table:
    entries = WorklistEntry.objects.filter(
        household__kelurahan__in=_kelurahans(units), created_at__gte=start, created_at__lt=end
    ).annotate(
        counted=ExpressionWrapper(
            Q(case__isnull=True) | Exists(counted_victims().filter(case=OuterRef("case"))),
            output_field=BooleanField(),
        )
    )
    aggregates = {"all": Count("pk"), "in": Count("pk", filter=Q(counted=True))}
    for code in WorklistStatus.values:
        aggregates[code] = Count("pk", filter=Q(counted=True, status=code))
    row = entries.aggregate(**aggregates)
    return Table(
        "social_needs_by_status",
        _("Households with a social-protection need found, by where they stand"),
        "needs",
        [Row(code, label, row[code]) for code, label in WorklistStatus.choices],
        row["in"],
        row["all"] - row["in"],
    )


def proposal_outcomes(units: QuerySet[Organisation], first: date, after: date) -> Table:
    items = ProposalItem.objects.filter(
        batch__kelurahan__in=_kelurahans(units), batch__month__gte=first, batch__month__lt=after
    ).annotate(
        counted=ExpressionWrapper(
            Q(worklist_entry__case__isnull=True)
            | Exists(counted_victims().filter(case=OuterRef("worklist_entry__case"))),
            output_field=BooleanField(),
        )
    )
    aggregates = {"all": Count("pk"), "in": Count("pk", filter=Q(counted=True))}
    for code in ItemOutcome.values:
        aggregates[code] = Count("pk", filter=Q(counted=True, outcome=code))
    row = items.aggregate(**aggregates)
    return Table(
        "proposals_by_outcome",
        _("Proposals for social protection (usulan), by Dinsos's decision"),
        "proposals",
        [Row(code, label, row[code]) for code, label in ItemOutcome.choices],
        row["in"],
        row["all"] - row["in"],
    )


def _number(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def mapping_coverage(units: QuerySet[Organisation], end: datetime) -> Table:
    """Two queries: the RTs of the kelurahans, and the distinct places answered."""
    rts = set()
    for code in Area.objects.filter(
        level=Level.RT, parent__parent__in=_kelurahans(units)
    ).values_list("code", flat=True):
        kelurahan_code, rw, rt = code.rsplit(".", 2)
        rts.add((kelurahan_code, int(rw), int(rt)))
    answered = set()
    for kelurahan_code, rw, rt in (
        Submission.objects.filter(
            questionnaire__kelurahan__in=_kelurahans(units), submitted_at__lt=end
        )
        .values_list("questionnaire__kelurahan__code", "rw", "rt")
        .distinct()
    ):
        place = (kelurahan_code, _number(rw), _number(rt))
        if place in rts:
            answered.add(place)
    return Table(
        "mapping_coverage",
        _("Needs mapping: RTs with survey answers"),
        "rts",
        [
            Row("MAPPED", _("Mapped"), len(answered)),
            Row("NOT_MAPPED", _("Not mapped yet"), len(rts) - len(answered)),
        ],
        len(rts),
    )
