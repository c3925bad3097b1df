"""The referral letter as an office files it, read back from the PDF: the referring unit's
kop, place and date, Nomor/Sifat/Lampiran/Perihal, the addressee, what is shared, where
the answer goes and the signer, in that order; for a unit in a kelurahan and in a desa.
It still carries the shared fields only."""

import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from sipakatau.accounts.models import Organisation, OrganisationType, Role, User
from sipakatau.areas.models import Area, RegionalCrest
from sipakatau.areas.services import areas_import
from sipakatau.audit.models import AuditEvent
from sipakatau.referrals.codes import SharedField, Urgency
from sipakatau.referrals.letter import letter_content, letter_pdf, letterhead
from sipakatau.referrals.models import Referral
from tests.factories import Persona, load_areas, make_organisation, make_persona

from .support import case_with_victim, consent_for_referral, provider_for, refer

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
PDFIMAGES = shutil.which("pdfimages") or "/usr/bin/pdfimages"
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts" / "referrals"

# Sent at 01:30 WITA on 6 December: still 5 December in UTC, so a letter dated by the
# server's clock would be a day early.
SENT_AT = datetime(2026, 12, 5, 17, 30, tzinfo=UTC)
DUE_AT = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)

# A desa of a regency, shaped like the Kemendagri code list (as the decree's test).
REGENCY = "73.11"
DESA = "73.11.01.2001"


def layout_text(pdf: bytes) -> str:
    """``pdftotext -layout``, one space between words, so a line that wraps is found."""
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def assert_in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}: {text[at : at + 300]!r}"
        at = found + len(part)


def first_page_png(pdf: bytes, name: str) -> None:
    """Page 1 under test-artifacts/referrals/, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)],
        check=True,
    )


def _unit_contact(unit: Organisation, *, address: str, phone: str, email: str) -> None:
    Organisation.objects.filter(pk=unit.pk).update(posko_address=address, phone=phone, email=email)
    unit.refresh_from_db()


def _sent_by(
    persona: Persona, recipient: Organisation, *, name: str, full_name: str, **kwargs: object
) -> Referral:
    """A referral through the real services, sent at SENT_AT by a user called
    ``full_name``."""
    User.objects.filter(pk=persona.user.pk).update(full_name=full_name)
    worker = persona.membership
    case, victim = case_with_victim(worker, name=name, age=34)
    consent_for_referral(worker, case, victim, recipient.type)
    referral = refer(worker, case, provider_for(recipient), **kwargs)  # type: ignore[arg-type]
    Referral.objects.filter(pk=referral.pk).update(created_at=SENT_AT, due_at=DUE_AT)
    return Referral.objects.select_related("sender__area", "provider", "created_by").get(
        pk=referral.pk
    )


@pytest.fixture
def bahagia_coordinator(bahagia: Organisation) -> Persona:
    _unit_contact(
        bahagia,
        address="Kantor Kelurahan Watang Soreang, Jl. Bau Massepe, Parepare",
        phone="0812-5550-4101",
        email="lbkk.bahagia@example.org",
    )
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


@pytest.fixture
def referral(bahagia_coordinator: Persona, dinsos: Organisation) -> Referral:
    return _sent_by(
        bahagia_coordinator,
        dinsos,
        name="Wati Kusuma",
        full_name="Andi Tenri Ajeng",
        urgency=Urgency.URGENT,
        fields=(SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS),
    )


@pytest.fixture
def desa_unit(db: None) -> Organisation:
    load_areas()
    areas_import(
        rows=[
            {"code": REGENCY, "level": "city", "name": "Kabupaten Barru", "parent_code": "73"},
            {
                "code": "73.11.01",
                "level": "kecamatan",
                "name": "Tanete Riaja",
                "parent_code": REGENCY,
            },
            {"code": DESA, "level": "kelurahan", "name": "Lompo Riaja", "parent_code": "73.11.01"},
        ],
        source="test",
    )
    unit = make_organisation(
        "LBK-KK Sipakainge Desa Lompo Riaja", type=OrganisationType.LBK_KK, area_code=DESA
    )
    _unit_contact(unit, address="Kantor Desa Lompo Riaja", phone="", email="")
    return unit


def test_the_letter_reads_as_a_surat_dinas_in_order(
    referral: Referral, dinsos_officer: Persona
) -> None:
    # Given a referral sent by the coordinator of LBK-KK Bahagia to Dinsos,
    # when the recipient prints its letter,
    pdf = dinsos_officer.client.get(reverse("referrals:referral_letter", args=[referral.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    first_page_png(pdf.content, "letter")
    text = layout_text(pdf.content)

    # then each part of a surat dinas is there, in its place.
    assert_in_order(
        text,
        [
            "PEMERINTAH KOTA PAREPARE",
            "KECAMATAN SOREANG",
            "KELURAHAN WATANG SOREANG",
            "LAYANAN BERBASIS KOMUNITAS \u2013 KELOMPOK KONSTITUEN",
            "LBK-KK BAHAGIA",
            "Sekretariat: Kantor Kelurahan Watang Soreang, Jl. Bau Massepe, Parepare "
            "Telp. 0812-5550-4101 Email: lbkk.bahagia@example.org",
            "Parepare, 6 Desember 2026",
            f"Nomor : {referral.register_number}",
            "Sifat : Rahasia, Segera",
            "Lampiran : -",
            "Perihal : Rujukan program bantuan sosial",
            "Kepada Yth. Pimpinan Dinas Sosial Kota Parepare di Tempat",
            "Dengan hormat,",
            "di Kelurahan Watang Soreang untuk mendapatkan program bantuan sosial",
            "Wati",
            "Belum menerima bantuan sosial",
            "paling lambat 8 Desember 2026 pukul 10.00 WITA",
            "Jawaban rujukan mohon disampaikan melalui Sipakatau atau kepada: "
            "LBK-KK Bahagia Kelurahan Watang Soreang, Kantor Kelurahan Watang Soreang, "
            "Jl. Bau Massepe, Parepare, telp. 0812-5550-4101, email lbkk.bahagia@example.org.",
            "Koordinator LBK-KK Bahagia,",
            "Andi Tenri Ajeng",
        ],
    )
    # The date is the unit's day, and the placeholder kop of a kelurahan office's decree
    # ("Kota Parepare" as a place) is not how a letter is dated.
    assert "5 Desember 2026" not in text and "Kota Parepare, " not in text


def test_the_letter_still_carries_the_shared_fields_only(
    referral: Referral, dinsos_officer: Persona
) -> None:
    text = layout_text(letter_pdf(referral))

    assert "Wati" in text
    # The surname (full name not shared), the age group (not shared), the unit's own
    # reason and the caseworker's account of the case never reach the letter.
    assert "Kusuma" not in text
    assert "30-" not in text and "34" not in text
    assert "Perlu bantuan sosial" not in text


def test_a_field_shared_is_printed_and_one_not_shared_is_not(
    bahagia_coordinator: Persona, dinsos: Organisation
) -> None:
    full = _sent_by(
        bahagia_coordinator,
        dinsos,
        name="Rina Puspita",
        full_name="Andi Tenri Ajeng",
        fields=(SharedField.VICTIM_FULL_NAME,),
    )

    text = layout_text(letter_pdf(full))

    assert "Rina Puspita" in text
    assert "Belum menerima bantuan sosial" not in text  # the needs were not shared


def test_a_desa_units_letter_speaks_of_the_desa_and_its_regency(
    desa_unit: Organisation, dinsos: Organisation
) -> None:
    coordinator = make_persona(desa_unit, Role.COORDINATOR, username="sipakainge.koordinator")
    referral = _sent_by(
        coordinator,
        dinsos,
        name="Hasnah Daeng",
        full_name="Muh. Arfah",
        fields=(SharedField.VICTIM_FIRST_NAME,),
    )

    pdf = letter_pdf(referral)
    first_page_png(pdf, "letter-desa")
    text = layout_text(pdf)

    assert_in_order(
        text,
        [
            "PEMERINTAH KABUPATEN BARRU",
            "KECAMATAN TANETE RIAJA",
            "DESA LOMPO RIAJA",
            "LBK-KK SIPAKAINGE",
            "Sekretariat: Kantor Desa Lompo Riaja",
            "Barru, 6 Desember 2026",
            f"Nomor : {referral.register_number}",
            "Sifat : Rahasia",
            "Perihal : Rujukan program bantuan sosial",
            "di Desa Lompo Riaja untuk mendapatkan",
            "Hasnah",
            "kepada: LBK-KK Sipakainge Desa Lompo Riaja, Kantor Desa Lompo Riaja.",
            "Koordinator LBK-KK Sipakainge,",
            "Muh. Arfah",
        ],
    )
    assert "KELURAHAN" not in text and "Kelurahan" not in text
    assert "Kabupaten Barru," not in text  # the place is the regency's name alone
    assert "telp." not in text and "email" not in text  # none set: none printed


def test_a_signer_without_a_full_name_gets_a_line_to_write_it_by_hand(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    referral = _sent_by(
        bahagia_caseworker,
        dinsos,
        name="Wati Kusuma",
        full_name="",
        fields=(SharedField.VICTIM_SEX,),
    )

    content = letter_content(referral)

    assert content.signer_position == "Pendamping LBK-KK Bahagia"
    assert content.signer_name == ""
    text = layout_text(letter_pdf(referral))
    assert_in_order(text, ["Pendamping LBK-KK Bahagia,", "……"])
    assert "bahagia.pendamping" not in text  # never the username under a signature


def test_the_kop_of_a_kelurahan_office_and_of_a_city_office(
    kelurahan_ws: Organisation, dinsos: Organisation
) -> None:
    # The kelurahan office is the kop's last line itself; a city office writes under the
    # city's government.
    assert letterhead(kelurahan_ws) == [
        ("PEMERINTAH KOTA PAREPARE", "top"),
        ("KECAMATAN SOREANG", "top"),
        ("KELURAHAN WATANG SOREANG", "main"),
    ]
    assert letterhead(dinsos) == [
        ("PEMERINTAH KOTA PAREPARE", "top"),
        ("DINAS SOSIAL KOTA PAREPARE", "main"),
    ]


def _png(width: int = 20, height: int = 24) -> bytes:
    """A small red square: a stand-in for the crest, made here, not fetched."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _images(pdf: bytes) -> int:
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFIMAGES, "-list", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return len([line for line in out.splitlines()[2:] if re.match(r"\s*\d", line)])


def test_the_city_crest_is_printed_in_the_kop_once_uploaded(referral: Referral) -> None:
    # Without a crest the kop is the names alone.
    assert _images(letter_pdf(referral)) == 0

    # The city's crest, uploaded once for Kota Parepare, is printed beside the names.
    RegionalCrest.objects.create(
        area=Area.objects.get(code="73.72"), png=_png(), width=20, height=24
    )
    pdf = letter_pdf(referral)
    first_page_png(pdf, "letter-crest")

    assert _images(pdf) == 1
    assert "PEMERINTAH KOTA PAREPARE" in layout_text(pdf)


# --- The unit's telephone and email, set where its posko is ------------------------------


def _edit(unit: Organisation, **changes: str) -> dict[str, str]:
    data = {"name": unit.name, "short_name": unit.short_name, "is_active": "on"}
    return data | changes


def test_the_units_admin_sets_its_telephone_and_email_and_the_letter_prints_them(
    bahagia_admin: Persona, referral: Referral
) -> None:
    unit = referral.sender
    url = reverse("accounts:organisation_detail", args=[unit.pk])

    response = bahagia_admin.client.post(
        url,
        _edit(
            unit,
            posko_address=unit.posko_address,
            phone=" (0421) 22 555 ",
            email="posko.bahagia@example.org",
        ),
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.phone, unit.email) == ("(0421) 22 555", "posko.bahagia@example.org")
    event = AuditEvent.objects.filter(action="organisation.updated").latest("pk")
    assert set(event.fields) == {"phone", "email"}
    referral.refresh_from_db()
    text = layout_text(letter_pdf(referral))
    assert "telp. (0421) 22 555, email posko.bahagia@example.org." in text


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "0421 abc"), ("phone", "0" * 41), ("email", "posko@"), ("email", "bukan email")],
)
def test_a_telephone_or_email_that_is_not_one_is_refused(
    bahagia_admin: Persona, bahagia: Organisation, field: str, value: str
) -> None:
    response = bahagia_admin.client.post(
        reverse("accounts:organisation_detail", args=[bahagia.pk]), _edit(bahagia, **{field: value})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    bahagia.refresh_from_db()
    assert getattr(bahagia, field) == ""


def test_another_units_admin_cannot_set_them(ikhlas_admin: Persona, bahagia: Organisation) -> None:
    response = ikhlas_admin.client.post(
        reverse("accounts:organisation_detail", args=[bahagia.pk]),
        _edit(bahagia, phone="0812 9999 9999"),
    )

    assert response.status_code == 404
    bahagia.refresh_from_db()
    assert bahagia.phone == ""
