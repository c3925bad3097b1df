"""Cases and victims: by channel, form of violence, place, age band, sex, disability and
relationship to the perpetrator, by month and by unit.

Only victims whose consent for statistics is recorded and not withdrawn are counted
(GBVIMS: inclusion in statistics is a consent of its own); a case counts when at least
one of its victims is counted. Each table says how many were left out. Every figure is
one aggregate in the database: the number of queries does not grow with the data.
"""

from datetime import datetime, tzinfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import (
    Channel,
    ConsentPurpose,
    PartyRole,
    PlaceType,
    Relationship,
    ViolenceForm,
)
from sipakatau.cases.models import Case, CaseParty, Consent, PerpetratorLink
from sipakatau.people.models import Sex

from .base import Grid, Row, Table

# SIMFONI-PPA victim age bands (domain notes); "unknown" when no age was recorded.
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("0-5", 0, 5),
    ("6-12", 6, 12),
    ("13-17", 13, 17),
    ("18-24", 18, 24),
    ("25-44", 25, 44),
    ("45-59", 45, 59),
    ("60+", 60, None),
]
UNKNOWN = "UNKNOWN"
NONE_RECORDED = "NONE_RECORDED"


def statistics_consent() -> Exists:
    """For a CaseParty row: its consent for statistics is recorded and in force."""
    return Exists(
        Consent.objects.filter(
            subject=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS, withdrawn_at__isnull=True
        )
    )


def counted_victims() -> QuerySet[CaseParty]:
    return CaseParty.objects.filter(role=PartyRole.VICTIM).filter(statistics_consent())


def case_is_counted() -> Exists:
    """For a Case row (or anything with ``case`` resolved through OuterRef)."""
    return Exists(counted_victims().filter(case=OuterRef("pk")))


def cases_reported(units: QuerySet[Organisation], start: datetime, end: datetime) -> QuerySet[Case]:
    # An intake never completed (a draft, no register number) is not a case yet.
    return Case.objects.filter(
        organisation__in=units,
        reported_at__gte=start,
        reported_at__lt=end,
        intake_completed_at__isnull=False,
    )


def _has_form(prefix: str, code: str) -> Q:
    # The forms are a JSON list; its text holds each code in quotes, so a code can never
    # match inside another ("PSIKIS" within a longer code).
    return Q(**{f"{prefix}incident__violence_forms__icontains": f'"{code}"'})


def case_tables(cases: QuerySet[Case]) -> dict[str, Table]:
    """Two queries: all cases, then the counted ones by channel, form of violence and place.

    The consent test is a WHERE, not a FILTER of each count: SQLite flattens a subquery's
    EXISTS into every FILTER that names it, and ran it twenty times a row."""
    aggregates: dict[str, Count] = {"in": Count("pk")}
    for code in Channel.values:
        aggregates[f"channel_{code}"] = Count("pk", filter=Q(channel=code))
    for code in ViolenceForm.values:
        aggregates[f"form_{code}"] = Count("pk", filter=_has_form("", code))
    for code in PlaceType.values:
        aggregates[f"place_{code}"] = Count("pk", filter=Q(incident__place_type=code))
    row = cases.filter(case_is_counted()).aggregate(**aggregates)
    row["all"] = cases.count()
    total, left_out = row["in"], row["all"] - row["in"]
    place_known = sum(row[f"place_{code}"] for code in PlaceType.values)
    return {
        "cases_by_channel": Table(
            "cases_by_channel",
            _("Cases by how they were reported"),
            "cases",
            [Row(code, label, row[f"channel_{code}"]) for code, label in Channel.choices],
            total,
            left_out,
        ),
        "cases_by_form": Table(
            "cases_by_form",
            _("Cases by form of violence"),
            "cases",
            [Row(code, label, row[f"form_{code}"]) for code, label in ViolenceForm.choices],
            total,
            left_out,
            several_per_item=True,
        ),
        "cases_by_place": Table(
            "cases_by_place",
            _("Cases by place of the incident"),
            "cases",
            [Row(code, label, row[f"place_{code}"]) for code, label in PlaceType.choices]
            + [Row(UNKNOWN, _("Not recorded"), total - place_known)],
            total,
            left_out,
        ),
    }


def _age_q(low: int, high: int | None) -> Q:
    q = Q(age_at_incident__gte=low)
    return q & Q(age_at_incident__lte=high) if high is not None else q


def victim_tables(cases: QuerySet[Case]) -> dict[str, Table]:
    """Three queries: all victims; the counted ones by form, age band, sex and
    disability; and the counted ones by relationship (a victim may have several
    suspected perpetrators, so it is counted once per relationship)."""
    aggregates: dict[str, Count] = {"in": Count("pk")}
    for code in ViolenceForm.values:
        aggregates[f"form_{code}"] = Count("pk", filter=_has_form("case__", code))
    for code, low, high in AGE_BANDS:
        aggregates[f"age_{code}"] = Count("pk", filter=_age_q(low, high))
    for code in Sex.values:
        aggregates[f"sex_{code}"] = Count("pk", filter=Q(person__sex=code))
    aggregates["disability"] = Count("pk", filter=Q(person__has_disability=True))
    counted = counted_victims().filter(case__in=cases)
    row = counted.aggregate(**aggregates)
    row["all"] = CaseParty.objects.filter(role=PartyRole.VICTIM, case__in=cases).count()
    links = PerpetratorLink.objects.filter(victim__in=counted)
    by_relationship = dict(
        links.values("relationship")
        .annotate(n=Count("victim", distinct=True))
        .order_by()
        .values_list("relationship", "n")
    )
    with_link = links.values("victim").distinct().count()
    for code in Relationship.values:
        row[f"rel_{code}"] = by_relationship.get(code, 0)
    row["rel_none"] = row["in"] - with_link
    total, left_out = row["in"], row["all"] - row["in"]
    aged = sum(row[f"age_{code}"] for code, _low, _high in AGE_BANDS)
    return {
        "victims_by_form": Table(
            "victims_by_form",
            _("Victims by form of violence"),
            "victims",
            [Row(code, label, row[f"form_{code}"]) for code, label in ViolenceForm.choices],
            total,
            left_out,
            several_per_item=True,
        ),
        "victims_by_age": Table(
            "victims_by_age",
            _("Victims by age at the time"),
            "victims",
            [Row(code, code, row[f"age_{code}"]) for code, _low, _high in AGE_BANDS]
            + [Row(UNKNOWN, _("Age not recorded"), total - aged)],
            total,
            left_out,
        ),
        "victims_by_sex": Table(
            "victims_by_sex",
            _("Victims by sex"),
            "victims",
            [Row(code, label, row[f"sex_{code}"]) for code, label in Sex.choices],
            total,
            left_out,
        ),
        "victims_by_disability": Table(
            "victims_by_disability",
            _("Victims with a disability"),
            "victims",
            [
                Row("YES", _("With a disability"), row["disability"]),
                Row("NO", _("No disability recorded"), total - row["disability"]),
            ],
            total,
            left_out,
        ),
        "victims_by_relationship": Table(
            "victims_by_relationship",
            _("Victims by relationship to the suspected perpetrator"),
            "victims",
            [Row(code, label, row[f"rel_{code}"]) for code, label in Relationship.choices]
            + [Row(NONE_RECORDED, _("No perpetrator recorded"), row["rel_none"])],
            total,
            left_out,
            several_per_item=True,
        ),
    }


def cases_by_month(cases: QuerySet[Case], months: list, zone: tzinfo) -> Table:
    """The trend over the period, one row per month (in the area's time zone)."""
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in cases.filter(case_is_counted())
        .annotate(month=TruncMonth("reported_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return month_table(months, counts)


def month_table(months: list, counts: dict) -> Table:
    """The table of ``cases_by_month`` from its counts: {first day of the month: n}."""
    rows = [Row(f"{m:%Y-%m}", date_format(m, "M Y"), counts.get(m, 0)) for m in months]
    return Table(
        "cases_by_month",
        _("Cases by month reported"),
        "cases",
        rows,
        sum(row.value or 0 for row in rows),
    )


def unit_figures(cases: QuerySet[Case], units: QuerySet[Organisation]) -> tuple[Table, Grid]:
    """Drill-down to the units, never further: cases per unit, and victims per unit by sex
    (a grid, so that its hidden cells are protected against its totals)."""
    names = list(units.order_by("name").values_list("pk", "name", "short_name"))
    case_counts = dict(
        cases.filter(case_is_counted())
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organisation", "n")
    )
    victims: dict[tuple[int, str], int] = {}
    for organisation, sex, n in (
        counted_victims()
        .filter(case__in=cases)
        .values("case__organisation", "person__sex")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("case__organisation", "person__sex", "n")
    ):
        victims[(organisation, sex)] = n
    return unit_tables(names, case_counts, victims)


def unit_tables(
    names: list[tuple[int, str, str]],
    case_counts: dict[int, int],
    victims: dict[tuple[int, str], int],
) -> tuple[Table, Grid]:
    """``unit_figures`` from its counts: the units as (pk, name, short name), cases per
    unit, and victims per (unit, sex)."""
    table = Table(
        "cases_by_unit",
        _("Cases by unit"),
        "cases",
        [Row(str(pk), short or name, case_counts.get(pk, 0)) for pk, name, short in names],
        sum(case_counts.values()),
    )
    cells: list[list[int | None]] = [
        [victims.get((pk, sex), 0) for sex in Sex.values] for pk, _n, _s in names
    ]
    grid = Grid(
        "victims_by_unit_and_sex",
        _("Victims by unit and sex"),
        "victims",
        [str(pk) for pk, _n, _s in names],
        [short or name for _pk, name, short in names],
        list(Sex.values),
        [str(label) for label in Sex.labels],
        cells,
        [sum(c or 0 for c in row) for row in cells],
        [sum(victims.get((pk, sex), 0) for pk, _n, _s in names) for sex in Sex.values],
        sum(victims.values()),
    )
    return table, grid
