"""Identifiable exports: asked with a reason, approved by a second person (never the
requester), opened with the requester's password, made by a job (test_export_archive_job
tests the job itself) and delivered once as an AES-encrypted zip whose one-time password
is shown once. Every step audited; outsiders get 404."""

import io
import re
import struct
import zipfile
from datetime import timedelta

import pytest
import pyzipper
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import Notification
from sipakatau.reports.models import ExportRequest, ExportState
from sipakatau.reports.services.export_requests import (
    export_request_create,
    export_request_decide,
    export_requests_expire,
)
from sipakatau.reports.tasks import build_export_archive
from tests.factories import PASSWORD, Persona, english, make_persona

from .dataset import build

REASON = "Daftar kerja untuk rapat koordinasi bulanan"
AES_METHOD = 99  # WinZip AES: the compression method of every AES-encrypted entry


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> None:
    build(bahagia, ikhlas, coordinator.user)


def detail(export: ExportRequest) -> str:
    return reverse("reports:export_request_detail", args=[export.pk])


def ask(persona: Persona, kind: str = "case_list", **extra: str) -> ExportRequest:
    response = persona.client.post(
        reverse("reports:export_request_create"),
        {"kind": kind, "period": "2026-11", "reason": REASON, **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExportRequest.objects.latest("pk")


def approve(persona: Persona, export: ExportRequest) -> object:
    return persona.client.post(
        reverse("reports:export_request_decide", args=[export.pk]), {"decision": "approve"}
    )


def open_(persona: Persona, export: ExportRequest, password: str = PASSWORD) -> object:
    return persona.client.post(
        reverse("reports:export_request_open", args=[export.pk]), {"password": password}
    )


def make_archive(export: ExportRequest) -> None:
    """Run the archive's job as the queue would."""
    export.refresh_from_db()
    assert export.state == ExportState.PREPARING and export.prepared_file_id is not None
    assert build_export_archive(export.prepared_file_id) == "DONE"


def shown_password(response: object) -> str:
    page = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r"data-archive-password>([^<]+)<", page)
    assert match, page[:3000]
    return match[1]


def actions(export: ExportRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="reports.exportrequest", object_id=str(export.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_a_second_coordinator_approves_and_the_requester_gets_an_aes_archive(
    data: None, coordinator: Persona, second_coordinator: Persona
) -> None:
    # Given a coordinator who asks for her unit's case list, with a reason
    export = ask(coordinator)
    assert export.state == ExportState.PENDING
    # the other coordinator is told, with a link and no figure or name
    notice = Notification.objects.get(recipient=second_coordinator.user)
    assert notice.template == "export_approval_requested"
    assert set(notice.context) == {"unit_name", "link"}
    assert not Notification.objects.filter(recipient=coordinator.user).exists()
    # When the second coordinator approves
    assert approve(second_coordinator, export).status_code == 302
    export.refresh_from_db()
    assert (export.state, export.decided_by_id) == (
        ExportState.APPROVED,
        second_coordinator.user.pk,
    )
    # the requester hears it was decided (which way, on the request's page)
    decided = Notification.objects.get(recipient=coordinator.user)
    assert decided.template == "export_request_decided"
    assert decided.context["link"] == f"/statistik/ekspor/{export.pk}/"
    # and the requester types her password again
    response = open_(coordinator, export)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = shown_password(response)
    # Then the page shows the archive's password once, and never again
    assert secret not in coordinator.client.get(detail(export)).content.decode()
    # and once the job has made it, she downloads it
    make_archive(export)
    assert secret not in coordinator.client.get(detail(export)).content.decode()
    archive = coordinator.client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    content = archive.content
    # the entry is AES-encrypted (WinZip AE: method 99, encryption flag), not ZipCrypto
    info = zipfile.ZipFile(io.BytesIO(content)).infolist()[0]
    assert info.compress_type == AES_METHOD and info.flag_bits & 0x1
    header = content[: 30 + len(info.filename) + struct.unpack("<H", content[28:30])[0]]
    assert struct.unpack("<H", header[8:10])[0] == AES_METHOD
    assert b"\x01\x99" in header  # the AES extra field (id 0x9901)
    assert secret.encode() not in content
    # it opens with the password only
    with pyzipper.AESZipFile(io.BytesIO(content)) as opened:
        with pytest.raises(RuntimeError):
            opened.read(info.filename, pwd=b"wrong password")
        opened.setpassword(secret.encode())
        workbook = load_workbook(io.BytesIO(opened.read(info.filename)))
    rows = list(workbook["KASUS"].iter_rows(values_only=True))
    assert rows[0][:2] == ("register_number", "reported_at") and len(rows) == 5
    with pytest.raises(RuntimeError):
        zipfile.ZipFile(io.BytesIO(content)).read(info.filename)  # no password, no data
    assert actions(export) == [
        "export_request.created",
        "export_request.approved",
        "export_request.reauthenticated",
        "export_request.archive_requested",
        "export_request.archive_made",
        "reports.exported_case_list",
        "export_request.downloaded",
    ]


@pytest.mark.django_db
def test_nobody_approves_her_own_request(data: None, coordinator: Persona) -> None:
    export = ask(english(coordinator.client) and coordinator)
    page = coordinator.client.get(detail(export)).content.decode()
    assert "You cannot approve your own request" in page and 'value="approve"' not in page
    assert approve(coordinator, export).status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_request_decide(actor=coordinator.membership, export_id=export.pk, approve=True)
    export.refresh_from_db()
    assert export.state == ExportState.PENDING
    # nor opens it before someone else approved it
    assert open_(coordinator, export).status_code == 422
    assert not ExportRequest.objects.filter(pk=export.pk, archive__isnull=False).exists()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_audited_and_the_third_closes_the_request(
    data: None, coordinator: Persona, second_coordinator: Persona
) -> None:
    export = ask(english(coordinator.client) and coordinator)
    approve(second_coordinator, export)
    response = open_(coordinator, export, "not my password")
    assert response.status_code == 422
    assert "The password is not right" in response.content.decode()
    assert "data-archive-password" not in response.content.decode()
    export.refresh_from_db()
    assert (export.state, export.failed_attempts, export.archive) == (
        ExportState.APPROVED,
        1,
        None,
    )
    assert actions(export)[-1] == "export_request.reauthentication_failed"
    open_(coordinator, export, "wrong again")
    third = open_(coordinator, export, "and again")
    assert "too many times" in third.content.decode()
    export.refresh_from_db()
    assert export.state == ExportState.CLOSED
    # even the right password does not open a closed request
    assert open_(coordinator, export).status_code == 422
    assert actions(export).count("export_request.reauthentication_failed") == 3


@pytest.mark.django_db
def test_outsiders_get_404_and_others_cannot_open_or_download(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    ikhlas_coordinator: Persona,
    bahagia_caseworker: Persona,
    lurah: Persona,
    dp3a_manager: Persona,
) -> None:
    export = ask(coordinator)
    approve(second_coordinator, export)
    for url in (
        detail(export),
        reverse("reports:export_request_archive", args=[export.pk]),
        f"/api/v1/reports/export-requests/{export.pk}",
    ):
        assert ikhlas_coordinator.client.get(url).status_code == 404, url
        assert dp3a_manager.client.get(url).status_code == 404, url
    assert open_(ikhlas_coordinator, export).status_code == 404
    assert approve(ikhlas_coordinator, export).status_code == 404
    for persona in (bahagia_caseworker, lurah):
        assert persona.client.get(detail(export)).status_code == 403  # no such page for them
    # The approver sees it but is not the requester: she cannot open or download it.
    assert open_(second_coordinator, export).status_code == 403
    assert (
        second_coordinator.client.get(
            reverse("reports:export_request_archive", args=[export.pk])
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_requests_expire(data: None, coordinator: Persona, second_coordinator: Persona) -> None:
    export = ask(coordinator)
    ExportRequest.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    refused = english(second_coordinator.client).post(
        reverse("reports:export_request_decide", args=[export.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert "expired" in refused.content.decode().lower()
    assert export_requests_expire() == 1
    export.refresh_from_db()
    assert export.state == ExportState.CLOSED
    assert actions(export)[-1] == "export_request.expired"


@pytest.mark.django_db
def test_simfoni_goes_through_the_same_approval(
    data: None, coordinator: Persona, second_coordinator: Persona
) -> None:
    export = ask(coordinator, kind="simfoni")
    approve(second_coordinator, export)
    secret = shown_password(open_(coordinator, export))
    make_archive(export)
    content = coordinator.client.get(
        reverse("reports:export_request_archive", args=[export.pk])
    ).content
    with pyzipper.AESZipFile(io.BytesIO(content)) as opened:
        opened.setpassword(secret.encode())
        assert opened.namelist() == ["simfoni-ppa-2026-11.xlsx"]
    # and the direct download is gone for identifiable exports
    assert coordinator.client.get("/statistik/ekspor/daftar-kasus.xlsx").status_code == 404


@pytest.mark.django_db
def test_a_request_needs_a_reason_and_keeps_what_was_typed(
    data: None, coordinator: Persona
) -> None:
    english(coordinator.client)
    response = coordinator.client.post(
        reverse("reports:export_request_create"),
        {"kind": "case_list", "period": "2026-11", "reason": "perlu"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Say in a sentence why" in page and "perlu</textarea>" in page
    assert not ExportRequest.objects.exists()


@pytest.mark.django_db
def test_the_api_runs_the_same_flow(
    data: None, coordinator: Persona, second_coordinator: Persona
) -> None:
    api = "/api/v1/reports/export-requests"
    made = coordinator.client.post(
        api,
        {"kind": "case_list", "period": "2026-11", "reason": REASON},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    own = coordinator.client.post(
        f"{api}/{pk}/decide", {"approve": True}, content_type="application/json"
    )
    assert own.status_code == 403
    decided = second_coordinator.client.post(
        f"{api}/{pk}/decide", {"approve": True}, content_type="application/json"
    )
    assert decided.json()["state"] == "approved"
    wrong = coordinator.client.post(
        f"{api}/{pk}/open", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    opened = coordinator.client.post(
        f"{api}/{pk}/open", {"password": PASSWORD}, content_type="application/json"
    )
    assert opened.status_code == 202
    body = opened.json()
    assert body["state"] == "preparing" and body["file_url"].startswith("/api/v1/files/")
    make_archive(ExportRequest.objects.get(pk=pk))
    archive = coordinator.client.get(body["archive_url"])
    with pyzipper.AESZipFile(io.BytesIO(archive.content)) as zipped:
        zipped.setpassword(body["archive_password"].encode())
        assert zipped.read(zipped.namelist()[0]).startswith(b"PK")


@pytest.mark.django_db
def test_a_dp3a_manager_needs_another_manager_for_simfoni(
    data: None, dp3a: Organisation, dp3a_manager: Persona
) -> None:
    other = make_persona(dp3a, Role.AGENCY_MANAGER)
    export = export_request_create(
        actor=dp3a_manager.membership, kind="simfoni", period="2026-11", reason=REASON
    )
    assert Notification.objects.filter(recipient=other.user).exists()
    export_request_decide(actor=other.membership, export_id=export.pk, approve=True)
    secret = shown_password(open_(dp3a_manager, export))
    assert len(secret) == 20


@pytest.mark.django_db
def test_a_refusal_is_told_to_the_requester_and_leaves_no_file(
    data: None, coordinator: Persona, second_coordinator: Persona
) -> None:
    export = ask(coordinator)
    response = second_coordinator.client.post(
        reverse("reports:export_request_decide", args=[export.pk]), {"decision": "refuse"}
    )
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.state == ExportState.REFUSED
    notice = Notification.objects.get(recipient=coordinator.user)
    assert (notice.template, set(notice.context)) == (
        "export_request_decided",
        {"unit_name", "link"},
    )
    assert open_(coordinator, export).status_code == 422  # told it cannot be opened
    export.refresh_from_db()
    assert (export.state, export.archive) == (ExportState.REFUSED, None)
