"""How the work went: time to first contact and to assessment, deadlines met per step of
the mechanism, referrals and their answers, closures, and reports from the public.

Counted over the same cases as ``casework`` (victims with consent for statistics); the
public's reports name nobody and are all counted.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import ClosureReason, ConsentPurpose
from sipakatau.cases.models import Assessment, Case, CaseDeadline, Closure, Consent, Status
from sipakatau.mechanisms.codes import TrackedAction
from sipakatau.public.models import PublicReport, ReportStatus
from sipakatau.referrals.codes import ReferralStatus
from sipakatau.referrals.models import Referral

from .base import Duration, Grid, Label, Row, Table
from .casework import case_is_counted, counted_victims

HOUR = timedelta(hours=1)

DEADLINE_OUTCOMES: list[tuple[str, Label]] = [
    ("on_time", _("On time")),
    ("late", _("Late")),
    ("overdue", _("Past due, still open")),
    ("pending", _("Not yet due")),
    ("closed_unmet", _("Case closed without it")),
]

DURATION_TITLES: dict[str, Label] = {
    "first_contact": _("Time from report to first contact"),
    "assessment": _("Time from report to assessment"),
    "referral_answer": _("Time for a referral to be answered"),
}


def _duration(
    rows: QuerySet[Any], took: ExpressionWrapper, key: str, title: Label, left_out: int
) -> Duration:
    """Median and mean of ``took`` over ``rows``: two queries (the count and mean, then
    the middle one or two values, read with OFFSET in the database)."""
    rows = rows.annotate(took=took)
    summary = rows.aggregate(n=Count("pk"), mean=Avg("took"))
    count = summary["n"]
    # Asked even when there is nothing, so that the number of queries never varies.
    middle = list(rows.order_by("took", "pk").values_list("took", flat=True)[_middle(count)])
    return _summary(key, title, count, middle, summary["mean"], left_out)


def _middle(count: int) -> slice:
    """The middle value (odd count) or two (even) of ``count`` sorted values."""
    return slice(max(count - 1, 0) // 2, count // 2 + 1)


def _summary(
    key: str, title: Label, count: int, middle: list[Any], mean: Any, left_out: int
) -> Duration:
    if not count or not middle:
        return Duration(key, title, 0, None, None, left_out)
    middle = [m if isinstance(m, timedelta) else timedelta(microseconds=float(m)) for m in middle]
    median = sum(middle, timedelta()) / len(middle)
    if not isinstance(mean, timedelta):  # SQLite answers microseconds
        mean = timedelta(microseconds=float(mean))
    return Duration(key, title, count, round(median / HOUR, 1), round(mean / HOUR, 1), left_out)


def _between(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def _first_time(rows: QuerySet[Any], done: str, cases: QuerySet[Case]) -> QuerySet[Any]:
    """Per counted case, the time from its report to the first ``done`` among ``rows``
    (its deadlines or assessments): grouped in the database, one row per case."""
    return (
        rows.filter(case__in=cases.filter(case_is_counted()))
        .values("case")
        .annotate(took=Min(_between(done, "case__reported_at")))
        .order_by()
    )


def _grouped_duration(rows: QuerySet[Any], key: str, title: Label, left_out: int) -> Duration:
    """``_duration`` over one row per case, already carrying ``took``."""
    summary = rows.aggregate(n=Count("case"), mean=Avg("took"))
    count = summary["n"]
    middle = list(rows.order_by("took", "case").values_list("took", flat=True)[_middle(count)])
    return _summary(key, title, count, middle, summary["mean"], left_out)


def first_contact_times(cases: QuerySet[Case]) -> QuerySet[Any]:
    deadlines = CaseDeadline.objects.filter(code=TrackedAction.FIRST_CONTACT, met_at__isnull=False)
    return _first_time(deadlines, "met_at", cases)


def assessment_times(cases: QuerySet[Case]) -> QuerySet[Any]:
    return _first_time(Assessment.objects.all(), "assessed_at", cases)


def time_to_first_contact(cases: QuerySet[Case], left_out: int) -> Duration:
    return _grouped_duration(
        first_contact_times(cases),
        "first_contact",
        DURATION_TITLES["first_contact"],
        left_out,
    )


def time_to_assessment(cases: QuerySet[Case], left_out: int) -> Duration:
    return _grouped_duration(
        assessment_times(cases), "assessment", DURATION_TITLES["assessment"], left_out
    )


def duration_from_samples(key: str, samples: list[int], left_out: int) -> Duration:
    """A ``Duration`` from the times themselves (microseconds, sorted), as ``rollup``
    keeps them: the same median and mean the database gives."""
    count = len(samples)
    middle = [timedelta(microseconds=m) for m in samples[_middle(count)]]
    mean = timedelta(microseconds=sum(samples) / count) if count else None
    return _summary(key, DURATION_TITLES[key], count, middle, mean, left_out)


def deadlines_by_step(cases: QuerySet[Case], now: datetime, left_out: int) -> Grid:
    """Per timed step of the mechanism: deadlines met on time, late, past due, not yet due,
    and left unmet when the case closed."""
    open_ = Q(met_at__isnull=True)
    closed = Q(case__status=Status.CLOSED)
    counts: dict[str, dict[str, Any]] = {
        row["code"]: dict(row)
        for row in CaseDeadline.objects.filter(case__in=cases.filter(case_is_counted()))
        .values("code")
        .annotate(
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
            overdue=Count("pk", filter=open_ & Q(due_at__lt=now) & ~closed),
            pending=Count("pk", filter=open_ & Q(due_at__gte=now) & ~closed),
            closed_unmet=Count("pk", filter=open_ & closed),
        )
        .order_by()
    }
    return deadline_grid(counts, left_out)


def deadline_grid(counts: dict[str, dict[str, Any]], left_out: int) -> Grid:
    """The grid of ``deadlines_by_step`` from its counts: {step code: {outcome: n}}."""
    labels = dict(TrackedAction.choices)
    codes = [code for code in TrackedAction.values if code in counts]
    codes += sorted(set(counts) - set(codes))
    cells: list[list[int | None]] = [
        [counts[code][outcome] for outcome, _label in DEADLINE_OUTCOMES] for code in codes
    ]
    return Grid(
        "deadlines_by_step",
        _("Deadlines per step of the mechanism"),
        "deadlines",
        codes,
        [str(labels.get(code, code)) for code in codes],
        [outcome for outcome, _label in DEADLINE_OUTCOMES],
        [str(label) for _outcome, label in DEADLINE_OUTCOMES],
        cells,
        [sum(c or 0 for c in row) for row in cells],
        [sum(row[j] or 0 for row in cells) for j in range(len(DEADLINE_OUTCOMES))],
        sum(sum(c or 0 for c in row) for row in cells),
        left_out,
    )


def _sent(units: QuerySet[Organisation], start: datetime, end: datetime) -> QuerySet[Any]:
    subject_counted = Exists(
        Consent.objects.filter(
            subject=OuterRef("subject"),
            purpose=ConsentPurpose.STATISTICS,
            withdrawn_at__isnull=True,
        )
    )
    return Referral.objects.filter(
        sender__in=units, created_at__gte=start, created_at__lt=end
    ).annotate(counted=subject_counted)


def referral_figures(units: QuerySet[Organisation], start: datetime, end: datetime) -> Table:
    """Referrals the units sent in the period, by where they stand now."""
    referrals = _sent(units, start, end)
    aggregates = {"all": Count("pk"), "in": Count("pk", filter=Q(counted=True))}
    for code in ReferralStatus.values:
        aggregates[code] = Count("pk", filter=Q(counted=True, status=code))
    row = referrals.aggregate(**aggregates)
    left_out = row["all"] - row["in"]
    table = Table(
        "referrals_by_status",
        _("Referrals sent, by where they stand"),
        "referrals",
        [Row(code, label, row[code]) for code, label in ReferralStatus.choices],
        row["in"],
        left_out,
    )
    return table


def referral_answer_time(
    units: QuerySet[Organisation], start: datetime, end: datetime, *, left_out: int
) -> Duration:
    """The time the recipients took to answer (accept or decline) the referrals the
    units sent in the period."""
    return _duration(
        _sent(units, start, end).filter(counted=True, answered_at__isnull=False),
        _between("answered_at", "created_at"),
        "referral_answer",
        DURATION_TITLES["referral_answer"],
        left_out,
    )


def referral_answer_times(
    units: QuerySet[Organisation], start: datetime, end: datetime
) -> QuerySet[Any]:
    """The time each counted referral sent in the period took to be answered."""
    return (
        _sent(units, start, end)
        .filter(counted=True, answered_at__isnull=False)
        .annotate(took=_between("answered_at", "created_at"))
    )


def closure_table(units: QuerySet[Organisation], start: datetime, end: datetime) -> Table:
    """Closures approved in the period, by reason."""
    closures = Closure.objects.filter(
        case__organisation__in=units,
        decision=Closure.Decision.APPROVED,
        decided_at__gte=start,
        decided_at__lt=end,
    ).annotate(counted=Exists(counted_victims().filter(case=OuterRef("case"))))
    aggregates = {"all": Count("pk"), "in": Count("pk", filter=Q(counted=True))}
    for code in ClosureReason.values:
        aggregates[code] = Count("pk", filter=Q(counted=True, reason=code))
    row = closures.aggregate(**aggregates)
    return Table(
        "closures_by_reason",
        _("Cases closed, by reason"),
        "cases",
        [Row(code, label, row[code]) for code, label in ClosureReason.choices],
        row["in"],
        row["all"] - row["in"],
    )


def public_report_tables(
    units: QuerySet[Organisation], start: datetime, end: datetime
) -> tuple[Table, Table]:
    # A flood (reports a script sent, marked by the unit's staff) is no one's report: it is
    # kept, never counted.
    reports = PublicReport.objects.filter(
        organisation__in=units, created_at__gte=start, created_at__lt=end
    ).exclude(status=ReportStatus.FLOOD)
    statuses = [(code, label) for code, label in ReportStatus.choices if code != ReportStatus.FLOOD]
    aggregates = {"all": Count("pk"), "promoted": Count("pk", filter=Q(case__isnull=False))}
    for code, _label in statuses:
        aggregates[code] = Count("pk", filter=Q(status=code))
    row = reports.aggregate(**aggregates)
    by_status = Table(
        "public_reports_by_status",
        _("Reports from the public, by status"),
        "reports",
        [Row(code, label, row[code]) for code, label in statuses],
        row["all"],
    )
    promoted = Table(
        "public_reports_promoted",
        _("Reports from the public that became a case"),
        "reports",
        [
            Row("PROMOTED", _("Became a case"), row["promoted"]),
            Row("NOT_PROMOTED", _("Not (yet) a case"), row["all"] - row["promoted"]),
        ],
        row["all"],
    )
    return by_status, promoted
