"""The case list, SIMFONI-PPA and GBVIMS workbooks, read back with openpyxl: columns, code
lists, who may download them, the consent filter, the audit, and fixed query counts."""

import io
import re
from datetime import date, datetime
from typing import Any

import pytest
import pyzipper
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.reports.exports import GBVIMS_HEADER, SIMFONI_HEADER, describe, reporting_delay
from sipakatau.reports.periods import Period
from sipakatau.reports.queries import cases_for_export
from sipakatau.reports.services.export_requests import (
    export_request_create,
    export_request_decide,
    export_request_download,
    export_request_open,
)
from sipakatau.reports.tasks import build_export_archive
from tests.factories import PASSWORD, Persona, make_persona

from .dataset import WITA, build, make_case, make_victim


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> None:
    build(bahagia, ikhlas, coordinator.user)


def sheets(response: object) -> dict[str, list[tuple[object, ...]]]:
    assert response.status_code == 200, response.content[:300]  # type: ignore[attr-defined]
    workbook = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def get(persona: Persona, name: str, **params: str) -> object:
    return persona.client.get(reverse(f"reports:{name}"), {"period": "2026-11", **params})


def through_request(persona: Persona, kind: str, case_status: str = "") -> dict[str, Any]:
    """An identifiable export, asked by ``persona``, approved by another of her role in her
    organisation, opened with her password; the workbook's sheets."""
    other = make_persona(persona.organisation, persona.membership.role)
    export = export_request_create(
        actor=persona.membership,
        kind=kind,
        period="2026-11",
        reason="Untuk rapat koordinasi",
        case_status=case_status,
    )
    export_request_decide(actor=other.membership, export_id=export.pk, approve=True)
    export, secret = export_request_open(
        actor=persona.membership, export_id=export.pk, password=PASSWORD
    )
    assert export.prepared_file_id is not None
    build_export_archive(export.prepared_file_id)  # the job, as the queue runs it
    content, _name = export_request_download(actor=persona.membership, export_id=export.pk)
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(secret.encode())
        data = archive.read(archive.namelist()[0])
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


@pytest.mark.django_db
def test_the_case_list_holds_every_case_of_the_unit_and_no_identity(
    data: None, coordinator: Persona, bahagia: Organisation
) -> None:
    rows = through_request(coordinator, "case_list")["KASUS"]
    assert rows[0][:4] == ("register_number", "reported_at", "channel", "status")
    # C1, C2, C3, C5: the unit's own working list is not limited by statistics consent.
    assert len(rows) == 5
    by_channel = sorted(row[2] for row in rows[1:])
    assert by_channel == ["PHONE", "PUBLIC_PORTAL", "WALK_IN", "WALK_IN"]
    c2 = next(row for row in rows[1:] if row[2] == "PHONE")
    assert (c2[5], c2[6], c2[7], c2[8], c2[9]) == ("SEKSUAL", "SEKOLAH", 2, "P,L", "13-17,6-12")
    assert "Korban Uji" not in str(rows)
    assert AuditEvent.objects.filter(
        action="reports.exported_case_list", object_type="reports.exportrequest"
    ).exists()
    closed = through_request(coordinator, "case_list", case_status="closed")["KASUS"]
    assert len(closed) == 3  # C1 and C3


@pytest.mark.django_db
def test_simfoni_rows_are_counted_victims_in_the_national_codes(
    data: None, coordinator: Persona
) -> None:
    book = through_request(coordinator, "simfoni")
    rows = book["SIMFONI"]
    assert list(rows[0]) == SIMFONI_HEADER
    assert len(rows) == 4  # V1, V2, V5; V3 has no consent, V4 withdrew it
    v2 = next(row for row in rows[1:] if row[6] == "SEKSUAL")
    assert v2[3:13] == (
        "73.72.03.1003", "Watang Soreang", "SEKOLAH", "SEKSUAL", "P", "13-17", "YA", "GURU",
        None, "active",
    )  # fmt: skip
    v5 = next(row for row in rows[1:] if row[1] == "2026-11-30")
    assert (v5[5], v5[7], v5[8], v5[10]) == ("LAINNYA", None, None, "TIDAK_DIKETAHUI")
    codes = {(row[0], row[1]) for row in book["KODE"][1:]}
    assert {
        ("BENTUK_KEKERASAN", "SEKSUAL"),
        ("KELOMPOK_UMUR", "13-17"),
        ("HUBUNGAN_PELAKU", "GURU"),
    } <= codes
    used = {
        (list_, code)
        for row in rows[1:]
        for list_, code in (("TEMPAT_KEJADIAN", row[5]), ("HUBUNGAN_PELAKU", row[10]))
    }
    assert used <= codes


@pytest.mark.django_db
def test_gbvims_is_anonymised_and_city_wide_for_dp3a(
    data: None, bahagia: Organisation, dp3a: Organisation
) -> None:
    manager = make_persona(dp3a, Role.AGENCY_MANAGER)
    rows = sheets(get(manager, "export_gbvims"))["GBVIMS"]
    assert list(rows[0]) == GBVIMS_HEADER
    assert len(rows) == 5  # V1, V2, V5 of Bahagia and V6 of Ikhlas
    assert [row[0] for row in rows[1:]] == [1, 2, 3, 4]
    assert sorted((row[7], row[8]) for row in rows[1:]) == [
        ("F", "12-17"),
        ("F", "18+"),
        ("F", "18+"),
        ("UNKNOWN", "UNKNOWN"),
    ]
    assert not re.search(r"T/\d", str(rows))  # no register number


def test_reporting_delay_buckets() -> None:
    reported = datetime(2026, 11, 20, 9, tzinfo=WITA)
    days = {3: "0-3", 4: "4-5", 6: "6-14", 14: "6-14", 15: "15-30", 31: "31+"}
    for delay, bucket in days.items():
        assert (
            reporting_delay(
                reported.date().fromordinal(reported.date().toordinal() - delay), reported, WITA
            )
            == bucket
        )
    assert reporting_delay(None, reported, WITA) == "UNKNOWN"


@pytest.mark.django_db
def test_who_may_download(
    data: None,
    coordinator: Persona,
    lurah: Persona,
    dp3a_officer: Persona,
    bahagia_caseworker: Persona,
    auditor: Persona,
) -> None:
    for persona in (lurah, dp3a_officer, bahagia_caseworker, auditor):
        assert get(persona, "export_gbvims").status_code == 403
        assert get(persona, "export_request_list").status_code == 403
    api = coordinator.client.get("/api/v1/reports/exports/gbvims.xlsx?period=2026-11")
    assert api.status_code == 200 and api.content.startswith(b"PK")
    assert dp3a_officer.client.get("/api/v1/reports/exports/gbvims.xlsx").status_code == 403
    assert lurah.client.get("/api/v1/reports/export-requests").json() == []


@pytest.mark.django_db
def test_exports_ask_as_many_queries_for_one_case_as_for_many(
    bahagia: Organisation, ikhlas: Organisation, coordinator: Persona
) -> None:
    case = make_case(
        bahagia, coordinator.user, datetime(2026, 11, 2, tzinfo=WITA), "PHONE", forms=["FISIK"]
    )
    make_victim(case, coordinator.user, sex="P", age=20)
    counts = {}
    period = Period("month", date(2026, 11, 1))
    builders = {kind: describe(kind)["build"] for kind in ("case_list", "simfoni", "gbvims")}
    for kind, make in builders.items():
        cases, zone = cases_for_export(coordinator.membership, kind, period)
        with CaptureQueriesContext(connection) as one:
            make(cases, zone)
        counts[kind] = len(one)
    build(bahagia, ikhlas, coordinator.user)
    build(bahagia, ikhlas, coordinator.user)
    for kind, make in builders.items():
        cases, zone = cases_for_export(coordinator.membership, kind, period)
        with CaptureQueriesContext(connection) as many:
            make(cases, zone)
        assert len(many) == counts[kind], kind
