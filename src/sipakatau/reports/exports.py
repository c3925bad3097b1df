"""Workbooks that leave the system: the coordinator's case list, the SIMFONI-PPA-ready
workbook and the GBVIMS Incident Recorder-style sheet.

None of them carries a name, NIK, address, telephone or narrative. The SIMFONI and
GBVIMS rows are per victim and only for victims whose consent for statistics is in force
(GBVIMS: a separate consent for inclusion in statistics); the incident is identified by
a sequence number in the file, never by its register number. Each read is a fixed number
of queries (prefetches), however many rows.
"""

import io
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sipakatau.cases.codes import (
    AbductionType,
    Citizenship,
    Education,
    GbvimsContext,
    GbvimsType,
    HarmfulPractice,
    LegalAction,
    MaritalStatus,
    Occupation,
    PartyRole,
    PerpetratorCount,
    PlaceType,
    ReferredFrom,
    RelationDetail,
    Relationship,
    ReportedElsewhere,
    ReportedTo,
    ServiceType,
    TimeOfDay,
    ViolenceForm,
    YesNoUnknown,
    is_household_violence,
    is_intimate_partner,
    perpetrator_band,
)
from sipakatau.cases.models import Case, CaseDeadline, CaseParty, PerpetratorLink, ServicePlanItem
from sipakatau.cases.queries import next_deadline
from sipakatau.people.models import Sex

from .indicators.casework import AGE_BANDS, counted_victims

# Sheet names are fixed (KASUS, SIMFONI, KODE, GBVIMS): programs read them, whatever the
# language of the person who downloaded the file.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return ""


def gbvims_age_group(age: int | None) -> str:
    """GBVIMS Incident Recorder: children 0-11 and 12-17, adults 18 and over."""
    if age is None:
        return "UNKNOWN"
    return "0-11" if age < 12 else "12-17" if age < 18 else "18+"


def reporting_delay(incident_on: date | None, reported: datetime, zone: tzinfo) -> str:
    """GBVIMS buckets: 0-3 days, 4-5, 6-14, 2 weeks-1 month, over 1 month."""
    if incident_on is None:
        return "UNKNOWN"
    days = (timezone.localdate(reported, zone) - incident_on).days
    if days <= 3:
        return "0-3"
    if days <= 5:
        return "4-5"
    if days <= 14:
        return "6-14"
    return "15-30" if days <= 30 else "31+"


def _safe(value: object) -> object:
    """A text cell that starts like a formula is quoted (CSV/XLSX injection, OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _workbook(sheets: Iterable[tuple[str, list[str], Iterable[list[object]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _code_list_sheet() -> tuple[str, list[str], list[list[object]]]:
    rows: list[list[object]] = []
    for name, choices in (
        ("BENTUK_KEKERASAN", ViolenceForm.choices),
        ("TEMPAT_KEJADIAN", PlaceType.choices),
        ("HUBUNGAN_PELAKU", Relationship.choices),
        ("LAYANAN", ServiceType.choices),
        ("JENIS_KELAMIN", [(c, label) for c, label in Sex.choices if c != Sex.UNKNOWN]),
        ("PENDIDIKAN", Education.choices),
        ("PEKERJAAN", Occupation.choices),
        ("STATUS_PERKAWINAN", MaritalStatus.choices),
        ("KEWARGANEGARAAN", Citizenship.choices),
        ("KDRT", [("YA", "Ya"), ("TIDAK", "Tidak")]),
    ):
        rows += [[name, code, str(label)] for code, label in choices]
    rows += [["KELOMPOK_UMUR", code, code] for code, _low, _high in AGE_BANDS]
    return ("KODE", ["list", "code", "label"], rows)


def _with_victims(cases: QuerySet[Case], victims: QuerySet[CaseParty]) -> QuerySet[Case]:
    return (
        cases.select_related("incident", "incident__area", "organisation__area", "assigned_to")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=victims.select_related("person").order_by("pk"),
                to_attr="victim_rows",
            ),
            Prefetch(
                "perpetrator_links",
                # The perpetrator's occupation comes along (a join, not a query per row).
                queryset=PerpetratorLink.objects.select_related("perpetrator").order_by("pk"),
                to_attr="link_rows",
            ),
            Prefetch(
                "plan_items",
                queryset=ServicePlanItem.objects.exclude(
                    status=ServicePlanItem.ItemStatus.CANCELLED
                ).order_by("pk"),
                to_attr="plan_rows",
            ),
            Prefetch(
                "deadlines",
                queryset=CaseDeadline.objects.filter(met_at__isnull=True).order_by("due_at"),
                to_attr="open_deadlines",
            ),
        )
        .order_by("reported_at", "pk")
    )


def _relationships(case: Case, victim: CaseParty) -> str:
    links = case.link_rows  # type: ignore[attr-defined]
    return ",".join(sorted({link.relationship for link in links if link.victim_id == victim.pk}))


def _household_violence(case: Case, victim: CaseParty) -> str:
    """SIMFONI-PPA's KDRT flag for this victim: YA when any of her links is within the
    household of UU 23/2004 Pasal 2 (``cases.codes.is_household_violence``)."""
    incident = getattr(case, "incident", None)
    place = incident.place_type if incident is not None else ""
    links = [link for link in case.link_rows if link.victim_id == victim.pk]  # type: ignore[attr-defined]
    household = any(
        is_household_violence(link.relationship, link.relation_detail, place) for link in links
    )
    return "YA" if household else "TIDAK"


def _relation_details(case: Case, victim: CaseParty) -> str:
    links = case.link_rows  # type: ignore[attr-defined]
    return ",".join(
        sorted({link.relation_detail for link in links if link.victim_id == victim.pk} - {""})
    )


def _perpetrator_occupations(case: Case, victim: CaseParty) -> str:
    """The main occupations of the suspected perpetrators linked to this victim (GBVIMS
    asks the primary perpetrator's; several are all given)."""
    links = case.link_rows  # type: ignore[attr-defined]
    return ",".join(
        sorted(
            {link.perpetrator.occupation for link in links if link.victim_id == victim.pk} - {""}
        )
    )


def _gbvims_contexts(case: Case, victim: CaseParty) -> str:
    """The incident's derived contexts, with intimate-partner violence decided for this
    victim from her own links and their finer relation (a friend is not a partner), so a
    relation recorded after the classification still counts, and a case with a partner
    of one victim does not mark another victim's row."""
    incident = getattr(case, "incident", None)
    if incident is None:
        return ""
    contexts = [c for c in incident.gbvims_context if c != GbvimsContext.INTIMATE_PARTNER]
    links = [link for link in case.link_rows if link.victim_id == victim.pk]  # type: ignore[attr-defined]
    classified = incident.gbvims_type not in {"", GbvimsType.NON_GBV}
    if classified and any(
        is_intimate_partner(link.relationship, link.relation_detail) for link in links
    ):
        contexts.insert(0, GbvimsContext.INTIMATE_PARTNER)
    return ",".join(str(context) for context in contexts)


def _services(case: Case) -> str:
    return ",".join(sorted({item.service_type for item in case.plan_rows}))  # type: ignore[attr-defined]


def _forms(case: Case) -> list[str]:
    incident = getattr(case, "incident", None)
    return list(incident.violence_forms) if incident is not None else []


def case_list_xlsx(cases: QuerySet[Case], zone: tzinfo) -> bytes:
    """The coordinator's working list: one row per case, no identity (the file leaves
    the system; names stay in Sipakatau)."""
    rows = []
    victims = CaseParty.objects.filter(role=PartyRole.VICTIM)
    for case in _with_victims(cases, victims):
        incident = getattr(case, "incident", None)
        victim_rows = case.victim_rows  # type: ignore[attr-defined]
        deadline = next_deadline(case)  # none for a closed case: nothing is due on it
        next_due = deadline.due_at if deadline else None
        rows.append(
            [
                case.register_number,
                timezone.localtime(case.reported_at, zone).strftime("%Y-%m-%d %H:%M"),
                case.channel,
                case.status,
                case.risk_level,
                ",".join(_forms(case)),
                incident.place_type if incident else "",
                len(victim_rows),
                ",".join(v.person.sex for v in victim_rows),
                ",".join(age_band(v.age_at_incident) or "?" for v in victim_rows),
                case.assigned_to.get_username() if case.assigned_to else "",
                timezone.localtime(next_due, zone).strftime("%Y-%m-%d %H:%M") if next_due else "",
                timezone.localtime(case.closed_at, zone).strftime("%Y-%m-%d")
                if case.closed_at
                else "",
            ]
        )
    header = [
        "register_number", "reported_at", "channel", "status", "risk_level", "violence_forms",
        "place", "victims", "victims_sex", "victims_age_band", "assigned_to", "next_due",
        "closed_on",
    ]  # fmt: skip
    return _workbook([("KASUS", header, rows)])


SIMFONI_HEADER = [
    "NO", "TANGGAL_LAPOR", "TANGGAL_KEJADIAN", "KODE_WILAYAH", "KELURAHAN", "TEMPAT_KEJADIAN",
    "BENTUK_KEKERASAN", "JENIS_KELAMIN", "KELOMPOK_UMUR", "DISABILITAS", "HUBUNGAN_PELAKU",
    "LAYANAN", "STATUS_KASUS", "PENDIDIKAN", "PEKERJAAN", "STATUS_PERKAWINAN",
    "KEWARGANEGARAAN", "KDRT",
]  # fmt: skip


def simfoni_xlsx(cases: QuerySet[Case], zone: tzinfo) -> bytes:
    """One row per counted victim, in SIMFONI-PPA's code lists (sheet "Kode"), for the
    UPTD PPA to enter or upload."""
    rows = []
    n = 0
    for case in _with_victims(cases, counted_victims()):
        incident = getattr(case, "incident", None)
        for victim in case.victim_rows:  # type: ignore[attr-defined]
            n += 1
            rows.append(
                [
                    n,
                    timezone.localdate(case.reported_at, zone).isoformat(),
                    incident.occurred_on.isoformat() if incident and incident.occurred_on else "",
                    case.organisation.area.code,
                    case.organisation.area.name,
                    (incident.place_type if incident else "") or "LAINNYA",
                    ",".join(_forms(case)),
                    victim.person.sex if victim.person.sex != Sex.UNKNOWN else "",
                    age_band(victim.age_at_incident),
                    "YA" if victim.person.has_disability else "TIDAK",
                    _relationships(case, victim) or "TIDAK_DIKETAHUI",
                    _services(case),
                    case.status,
                    victim.education,
                    victim.occupation,
                    victim.marital_status,
                    victim.citizenship,
                    _household_violence(case, victim),
                ]
            )
    return _workbook([("SIMFONI", SIMFONI_HEADER, rows), _code_list_sheet()])


GBVIMS_HEADER = [
    "incident_id", "interview_month", "incident_month", "reporting_delay", "incident_location",
    "gbv_type", "case_context", "survivor_sex", "survivor_age_group", "survivor_disability",
    "perpetrator_relationship", "number_of_perpetrators", "services",
    "perpetrator_relation_detail", "time_of_day", "harmful_traditional_practice",
    "abduction_type", "previously_reported", "previously_reported_to",
    "previous_gbv_incidents", "perpetrator_occupation", "wants_legal_action",
    "referred_from",
]  # fmt: skip

# The code lists of the GBVIMS sheet's columns (sheet "KODE"), by column.
GBVIMS_CODE_LISTS: tuple[tuple[str, list[tuple[str, Any]]], ...] = (
    ("gbv_type", GbvimsType.choices),
    ("case_context", GbvimsContext.choices),
    ("perpetrator_relationship", Relationship.choices),
    ("perpetrator_relation_detail", RelationDetail.choices),
    ("number_of_perpetrators", PerpetratorCount.choices),
    ("time_of_day", TimeOfDay.choices),
    ("harmful_traditional_practice", HarmfulPractice.choices),
    ("abduction_type", AbductionType.choices),
    ("previously_reported", ReportedElsewhere.choices),
    ("previously_reported_to", ReportedTo.choices),
    ("previous_gbv_incidents", YesNoUnknown.choices),
    ("perpetrator_occupation", Occupation.choices),
    ("wants_legal_action", LegalAction.choices),
    ("referred_from", ReferredFrom.choices),
)


def _gbvims_code_list_sheet() -> tuple[str, list[str], list[list[object]]]:
    rows: list[list[object]] = [
        [column, code, str(label)]
        for column, choices in GBVIMS_CODE_LISTS
        for code, label in choices
    ]
    return ("KODE", ["column", "code", "label"], rows)


def gbvims_xlsx(cases: QuerySet[Case], zone: tzinfo) -> bytes:
    """Incident Recorder-style rows, anonymised: months not dates, age groups not ages,
    a sequence number not the register number; counted victims only."""
    rows = []
    n = 0
    for case in _with_victims(cases, counted_victims()):
        incident = getattr(case, "incident", None)
        perpetrators = len({link.perpetrator_id for link in case.link_rows})  # type: ignore[attr-defined]
        for victim in case.victim_rows:  # type: ignore[attr-defined]
            n += 1
            occurred = incident.occurred_on if incident else None
            rows.append(
                [
                    n,
                    timezone.localdate(case.reported_at, zone).strftime("%Y-%m"),
                    occurred.strftime("%Y-%m") if occurred else "",
                    reporting_delay(occurred, case.reported_at, zone),
                    (incident.place_type if incident else "") or "UNKNOWN",
                    (incident.gbvims_type if incident else "") or "UNKNOWN",
                    _gbvims_contexts(case, victim),
                    {"P": "F", "L": "M"}.get(victim.person.sex, "UNKNOWN"),
                    gbvims_age_group(victim.age_at_incident),
                    "YES" if victim.person.has_disability else "NO",
                    _relationships(case, victim) or "TIDAK_DIKETAHUI",
                    perpetrator_band(incident.perpetrator_count if incident else "", perpetrators),
                    _services(case),
                    _relation_details(case, victim),
                    incident.time_of_day if incident else "",
                    incident.harmful_practice if incident else "",
                    incident.abduction_type if incident else "",
                    incident.reported_elsewhere if incident else "",
                    ",".join(incident.reported_to) if incident else "",
                    incident.previous_incidents if incident else "",
                    _perpetrator_occupations(case, victim),
                    incident.legal_action if incident else "",
                    incident.referred_from if incident else "",
                ]
            )
    return _workbook([("GBVIMS", GBVIMS_HEADER, rows), _gbvims_code_list_sheet()])


def describe(kind: str) -> dict[str, Any]:
    return {
        "case_list": {"build": case_list_xlsx, "name": "daftar-kasus"},
        "simfoni": {"build": simfoni_xlsx, "name": "simfoni-ppa"},
        "gbvims": {"build": gbvims_xlsx, "name": "gbvims"},
    }[kind]
