"""The printed attendance list and minutes of a discussion meeting."""

from datetime import date

import pytest

from sipakatau.accounts.models import Organisation
from sipakatau.mechanisms import documents, services
from sipakatau.mechanisms.models import Meeting
from sipakatau.mechanisms.services.discussion import AttendeeInput
from tests import builders
from tests.factories import Persona

from .docsupport import keep_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(kelurahan_ws: Organisation) -> Meeting:
    version = builders.draft_version(kelurahan_ws)
    return services.meeting_record(
        actor=builders.officer(kelurahan_ws),
        version=version,
        held_on=date(2026, 10, 14),
        place="Aula Kantor Kelurahan Watang Soreang",
        agenda="Pembahasan draf mekanisme",
        minutes="Peserta membahas langkah kontak pertama dan jalur rujukan.",
        decisions="Tenggat kontak pertama risiko tinggi ditetapkan 2 jam.",
        attendees=[
            AttendeeInput("Hj. Rahmawati", "LBK-KK Bahagia", "P", "Koordinator"),
            AttendeeInput("Andi Baso", "LPMK", "L", "Ketua"),
            AttendeeInput("Sitti Aminah", "Kelompok disabilitas", "P", "", True),
        ],
    )


def test_the_attendance_list_names_everyone_and_counts_them(meeting: Meeting) -> None:
    pdf = documents.meeting_attendance_pdf(meeting)
    keep_pages(pdf, "daftar-hadir")
    text = pdf_text(pdf)
    assert "DAFTAR HADIR" in text
    assert "KELURAHAN WATANG SOREANG" in text
    assert "Rabu, 14 Oktober 2026" in text
    assert "Aula Kantor Kelurahan Watang Soreang" in text
    for name in ("Hj. Rahmawati", "Andi Baso", "Sitti Aminah"):
        assert name in text
    assert "Jumlah peserta: 3 orang — perempuan: 2, laki-laki: 1, penyandang disabilitas: 1" in text


def test_the_minutes_carry_the_discussion_and_the_counts(meeting: Meeting) -> None:
    pdf = documents.meeting_minutes_pdf(meeting)
    keep_pages(pdf, "notulen")
    text = pdf_text(pdf)
    assert "NOTULEN RAPAT" in text
    assert "3 orang — perempuan 2, laki-laki 1; penyandang disabilitas 1" in text
    assert "jalur rujukan" in text and "ditetapkan 2 jam" in text
    assert "Notulis" in text


def test_an_attendance_list_without_names_has_lines_to_sign(kelurahan_ws: Organisation) -> None:
    meeting = services.meeting_record(
        actor=builders.officer(kelurahan_ws),
        version=builders.draft_version(kelurahan_ws),
        held_on=date(2026, 10, 14),
        place="Aula",
    )
    text = pdf_text(documents.meeting_attendance_pdf(meeting))
    assert "20. " in text and "Jumlah peserta: …" in text


def test_the_pages_answer_the_stakeholders_only(
    meeting: Meeting, dp3a_officer: Persona, ikhlas_caseworker: Persona, auditor: Persona
) -> None:
    from django.urls import reverse

    for name in ("mechanisms:meeting_attendance_pdf", "mechanisms:meeting_minutes_pdf"):
        url = reverse(name, args=[meeting.pk])
        response = dp3a_officer.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Hj. Rahmawati" in pdf_text(response.content) or name.endswith("minutes_pdf")
        assert ikhlas_caseworker.client.get(url).status_code == 404
        assert auditor.client.get(url).status_code == 404
