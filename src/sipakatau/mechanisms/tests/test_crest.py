"""The regional crest (lambang daerah) in the letterhead: uploaded per city or regency by
the office that keeps a kelurahan's mechanism settings, checked and re-encoded like every
upload, and printed at the left of the kop of the decree (PDF and DOCX) and the meeting
documents."""

import base64
import io
import json
import subprocess
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.areas.crest import CREST_MAX_SIDE, crest_png
from sipakatau.areas.models import Area, RegionalCrest
from sipakatau.audit.models import AuditEvent
from sipakatau.demo.mechanisms import demo_crest_png
from sipakatau.mechanisms import documents, services
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.builders import bearer as bearer_client
from tests.factories import (
    CITY,
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    Persona,
    english,
    make_organisation,
    make_persona,
)

from .docsupport import ARTIFACTS, PDFTOPPM
from .villagesupport import REGENCY, desa_office_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

API = "/api/v1/mechanisms"
PDFIMAGES = "/usr/bin/pdfimages"


def picture(fmt: str = "PNG", size: tuple[int, int] = (120, 140), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (22, 101, 52)).save(out, format=fmt, **save)
    return out.getvalue()


def with_exif() -> bytes:
    """A JPEG whose EXIF names a camera and a place: neither may survive the upload."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x010E] = "SECRET-LOCATION Jl. Rahasia 7"  # ImageDescription
    return picture("JPEG", exif=exif.tobytes())


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    """The Watang Soreang office's officer who keeps the mechanism's settings."""
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER)


@pytest.fixture
def draft(kelurahan_ws: Organisation) -> MechanismVersion:
    return builders.draft_version(kelurahan_ws)


def upload(staff: Persona, draft: MechanismVersion, data: bytes, name: str = "lambang.png") -> None:
    services.regional_crest_set(
        actor=staff.membership, mechanism=draft.mechanism, filename=name, data=data
    )


def images_in(pdf: bytes) -> int:
    """How many raster images the PDF holds (our QR code and flow diagram are vectors); a
    transparent PNG's alpha channel is listed as its "smask" and not counted."""
    listing = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFIMAGES, "-list", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:]]  # two lines of header
    return sum(1 for row in rows if len(row) > 2 and row[2] == "image")


def top_left_ink(pdf: bytes, name: str) -> int:
    """Page 1 at 60 dpi (kept under test-artifacts/ for a person to look at), and how many
    pixels are not white where the crest goes: inside the margins (3 cm left, 2 cm top),
    the first 20 x 16 mm, above the kop's rule and left of its centred names."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)],
        check=True,
    )
    [page] = sorted(ARTIFACTS.glob(f"{name}-*1.png"))
    with Image.open(page) as image:
        mm = 60 / 25.4
        box = (int(30 * mm), int(20 * mm), int(50 * mm), int(36 * mm))
        region = image.convert("L").crop(box)
        return sum(region.histogram()[:200])


# --- The check of the file ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("lambang.png", b"just some text, not a picture at all", "does not match"),
        ("lambang.png", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "does not match"),
        ("lambang.jpg", picture("PNG"), "does not match"),
        ("lambang.png", picture("PNG") + b"<script>alert(1)</script>", "another file"),
        ("lambang.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "must be a picture"),
        ("lambang.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Only PDF, JPG and PNG"),
        ("lambang.png", picture("PNG")[:40], "damaged"),
    ],
)
def test_a_file_that_is_no_clean_picture_is_refused_and_nothing_stored(
    staff: Persona, draft: MechanismVersion, name: str, data: bytes, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        upload(staff, draft, data, name)
    assert reason in " ".join(refused.value.message_dict["file"])
    assert not RegionalCrest.objects.exists()
    assert not AuditEvent.objects.filter(action="crest.uploaded").exists()


def test_a_file_over_the_limit_is_refused_before_it_is_opened(
    staff: Persona, draft: MechanismVersion
) -> None:
    # A real PNG, padded past 1 MB with a chunk the check would otherwise accept
    data = picture("PNG") + b"\0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        upload(staff, draft, data)
    assert "too big" in " ".join(refused.value.message_dict["file"])
    assert not RegionalCrest.objects.exists()


def test_the_crest_is_stored_as_a_new_png_without_the_uploads_metadata(
    staff: Persona, draft: MechanismVersion
) -> None:
    original = with_exif()
    assert b"SECRET-LOCATION" in original  # the test file does carry it

    upload(staff, draft, original, "lambang.jpg")

    crest = RegionalCrest.objects.get()
    png = bytes(crest.png)
    assert crest.area.code == CITY
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"SECRET-LOCATION" not in png and b"SecretCam" not in png
    with Image.open(io.BytesIO(png)) as stored:
        assert stored.format == "PNG"
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert (stored.width, stored.height) == (crest.width, crest.height) == (120, 140)


def test_a_large_picture_is_made_letterhead_sized(staff: Persona, draft: MechanismVersion) -> None:
    upload(staff, draft, picture("PNG", size=(1600, 2000)))
    crest = RegionalCrest.objects.get()
    assert max(crest.width, crest.height) == CREST_MAX_SIDE
    assert crest.width == round(CREST_MAX_SIDE * 1600 / 2000)


def test_a_second_upload_replaces_the_first_and_both_are_audited(
    staff: Persona, draft: MechanismVersion
) -> None:
    upload(staff, draft, picture("PNG", size=(50, 60)))
    upload(staff, draft, picture("PNG", size=(70, 80)))

    crest = RegionalCrest.objects.get()
    assert (crest.width, crest.height) == (70, 80)
    events = AuditEvent.objects.filter(action="crest.uploaded").order_by("seq")
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (staff.user.pk, "areas.regionalcrest", str(crest.pk))
    ] * 2
    assert events[0].fields == ["png"]


# --- Whose crest, found from where ---------------------------------------------------------


def test_the_crest_is_found_from_every_area_inside_the_city_and_from_no_other(
    staff: Persona, draft: MechanismVersion
) -> None:
    desa_office_make()
    upload(staff, draft, picture("PNG"))
    png = bytes(RegionalCrest.objects.get().png)

    for code in (CITY, "73.72.03", WATANG_SOREANG, WATANG_BACUKIKI):
        assert crest_png(Area.objects.get(code=code)) == png, code
    for code in ("73", REGENCY, "73.11.01.2001"):
        assert crest_png(Area.objects.get(code=code)) is None, code


# --- Who may upload -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR, Role.AGENCY_OFFICER]
)
def test_a_stakeholder_who_does_not_keep_the_settings_is_refused(
    bahagia: Organisation, draft: MechanismVersion, role: str
) -> None:
    outsider = make_persona(bahagia, role)
    with pytest.raises(PermissionDenied):
        upload(outsider, draft, picture("PNG"))
    assert not RegionalCrest.objects.exists()


def test_the_page_lets_the_office_upload_and_shows_the_crest(
    staff: Persona, draft: MechanismVersion
) -> None:
    url = reverse("mechanisms:crest_upload", args=[draft.mechanism_id])
    client = english(staff.client)
    assert "No crest yet" in client.get(url).content.decode()

    response = client.post(url, {"file": _named(picture("PNG"), "lambang.png")})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "mechanisms:mechanism_settings", args=[draft.mechanism_id]
    )
    assert RegionalCrest.objects.get().area.code == CITY
    page = client.get(url).content.decode()
    assert 'src="data:image/png;base64,' in page and "Replace the crest" in page
    # The settings page leads to it
    settings_page = client.get(reverse("mechanisms:mechanism_settings", args=[draft.mechanism_id]))
    assert url in settings_page.content.decode()


def test_the_page_shows_a_refusal_next_to_the_file_and_stores_nothing(
    staff: Persona, draft: MechanismVersion
) -> None:
    url = reverse("mechanisms:crest_upload", args=[draft.mechanism_id])
    response = english(staff.client).post(url, {"file": _named(b"%PDF-1.4 x", "lambang.png")})
    assert response.status_code == 200
    assert "does not match its name" in response.content.decode()
    assert not RegionalCrest.objects.exists()


def test_the_page_answers_403_to_a_reader_and_404_outside_the_kelurahan(
    bahagia: Organisation, ikhlas: Organisation, draft: MechanismVersion
) -> None:
    url = reverse("mechanisms:crest_upload", args=[draft.mechanism_id])
    png = picture("PNG")
    # A stakeholder of Watang Soreang reads the mechanism but does not keep its settings
    assert make_persona(bahagia, Role.COORDINATOR).client.get(url).status_code == 403
    # Another kelurahan's office, another city's desa office, the city's administrator and
    # the auditor do not see the mechanism at all
    wb_office = make_organisation(
        "Kantor Kelurahan Watang Bacukiki",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_BACUKIKI,
    )
    city_team = make_organisation("Tim Kota", type=OrganisationType.OTHER, area_code=CITY)
    for persona in (
        make_persona(wb_office, Role.VILLAGE_OFFICER, is_signatory=True),
        make_persona(desa_office_make(), Role.VILLAGE_OFFICER),
        make_persona(city_team, Role.ADMIN),
        make_persona(city_team, Role.AUDITOR),
    ):
        assert persona.client.get(url).status_code == 404, persona.membership.role
        response = persona.client.post(url, {"file": _named(png, "lambang.png")})
        assert response.status_code == 404, persona.membership.role
    assert not RegionalCrest.objects.exists()


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_the_api_uploads_for_the_office_and_refuses_the_rest(
    staff: Persona, bahagia: Organisation, draft: MechanismVersion
) -> None:
    url = f"{API}/{draft.mechanism_id}/crest"
    body = {"filename": "lambang.jpg", "content_base64": base64.b64encode(with_exif()).decode()}

    def put(persona: Persona, payload: dict[str, str]) -> int:
        client: Client = english(bearer_client(persona))
        response = client.put(url, json.dumps(payload), content_type="application/json")
        return response.status_code

    # Refused: a reader (403), another kelurahan's office (404), a bad file (422)
    assert put(make_persona(bahagia, Role.CASEWORKER), body) == 403
    wb_office = make_organisation(
        "Kantor Kelurahan Watang Bacukiki",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_BACUKIKI,
    )
    assert put(make_persona(wb_office, Role.VILLAGE_OFFICER), body) == 404
    assert put(staff, {**body, "content_base64": "not base64 !"}) == 422
    not_png = base64.b64encode(b"%PDF-1.4 x").decode()
    assert put(staff, {**body, "filename": "lambang.png", "content_base64": not_png}) == 422
    assert not RegionalCrest.objects.exists()

    client = english(bearer_client(staff))
    response = client.put(url, json.dumps(body), content_type="application/json")

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["city_code"], answer["width"], answer["height"]) == (CITY, 120, 140)
    assert client.get(f"{API}/{draft.mechanism_id}").json()["has_crest"] is True
    assert AuditEvent.objects.filter(action="crest.uploaded", actor_id=staff.user.pk).count() == 1


# --- In the documents -----------------------------------------------------------------------


def test_the_decree_pdf_prints_the_crest_at_the_left_of_the_kop(
    staff: Persona, kelurahan_ws: Organisation
) -> None:
    # Given a decree issued while the city had no crest
    issued = builders.issued_version(kelurahan_ws)
    sealed = bytes(issued.decree.pdf)

    # When the crest is uploaded and the decree is printed again
    upload(staff, issued, demo_crest_png())
    again = documents.decree_pdf(
        version=issued, decree=issued.decree, verify_url="http://testserver/sk/x/"
    )

    # Then the new print carries it, top left, where the sealed one had nothing; and the
    # sealed PDF is not changed by a later upload
    assert images_in(sealed) == 0
    assert images_in(again) == 1
    assert top_left_ink(sealed, "decree-kop-without-crest") < 20
    assert top_left_ink(again, "decree-kop-with-crest") > 200
    issued.decree.refresh_from_db()
    assert bytes(issued.decree.pdf) == sealed


def test_a_decree_issued_after_the_upload_is_sealed_with_the_crest(
    staff: Persona, kelurahan_ws: Organisation
) -> None:
    version = builders.approved_version(kelurahan_ws)
    upload(staff, version, demo_crest_png())

    issued = builders.issued_version(kelurahan_ws)

    pdf = bytes(issued.decree.pdf)
    assert images_in(pdf) == 1
    assert top_left_ink(pdf, "decree-issued-with-crest") > 200


def test_the_docx_carries_the_crest_in_the_kop(staff: Persona, kelurahan_ws: Organisation) -> None:
    version = builders.issued_version(kelurahan_ws)

    def media() -> list[str]:
        docx = documents.decree_docx(version=version, decree=version.decree)
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            return [name for name in package.namelist() if name.startswith("word/media/")]

    assert media() == []
    upload(staff, version, picture("PNG"))
    [part] = media()
    assert part.endswith(".png")

    from docx import Document

    docx = Document(io.BytesIO(documents.decree_docx(version=version, decree=version.decree)))
    first = docx.tables[0]
    assert first.rows[0].cells[0]._tc.xpath(".//pic:pic")  # the picture, left cell
    assert "KELURAHAN WATANG SOREANG" in first.rows[0].cells[1].text


def test_the_meeting_documents_print_the_crest(staff: Persona, draft: MechanismVersion) -> None:
    meeting = services.meeting_record(
        actor=staff.membership, version=draft, held_on=date(2026, 11, 2), place="Aula kelurahan"
    )
    assert images_in(documents.meeting_attendance_pdf(meeting)) == 0
    upload(staff, draft, picture("PNG"))
    assert images_in(documents.meeting_attendance_pdf(meeting)) == 1
    assert images_in(documents.meeting_minutes_pdf(meeting)) == 1


def test_the_village_officer_of_another_city_sets_that_citys_crest(draft: MechanismVersion) -> None:
    desa = desa_office_make()
    desa_version = builders.draft_version(desa)
    officer = Membership.objects.get(
        organisation=desa, user=make_persona(desa, Role.VILLAGE_OFFICER).user
    )
    services.regional_crest_set(
        actor=officer, mechanism=desa_version.mechanism, filename="l.png", data=picture("PNG")
    )
    assert RegionalCrest.objects.get().area.code == REGENCY
    assert crest_png(draft.mechanism.area) is None
