"""The decree number in parts (issue 17): refused while incomplete, counted per year
under a lock, printed whole into the sealed PDF, and shown to the office in words with
an example — never as a format string."""

import importlib
from collections.abc import Iterator
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import Decree, DecreeSequence, Mechanism, MechanismVersion
from tests import builders
from tests.factories import Persona, english, make_persona

from .docsupport import pdf_text, pdf_text_raw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    persona = make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")
    english(persona.client)
    return persona


@pytest.fixture
def approved(kelurahan_ws: Organisation) -> MechanismVersion:
    return builders.approved_version(kelurahan_ws)


def _set_parts(version: MechanismVersion, **parts: str) -> None:
    """The parts as an older install left them (the migration keeps "400.x" as it was)."""
    Mechanism.objects.filter(pk=version.mechanism_id).update(**parts)
    version.mechanism.refresh_from_db()


def _issue(lurah: Persona, version: MechanismVersion, on: date, **extra: str) -> Decree:
    return services.decree_issue(
        actor=lurah.membership,
        version=version,
        issued_on=on,
        signer_name=extra.pop("signer_name", "Andi Lurah"),
        base_url="http://testserver",
        **extra,
    )


def _next_approved(staff: Persona, lurah: Persona, issued: MechanismVersion) -> MechanismVersion:
    version = services.version_new(actor=staff.membership, based_on=issued)
    services.version_transition(actor=staff.membership, version=version, to=Status.IN_DISCUSSION)
    return services.version_transition(actor=lurah.membership, version=version, to=Status.APPROVED)


# --- Refused while incomplete ------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"classification_code": "400.x"}, "classification_code"),
        ({"classification_code": ""}, "classification_code"),
        ({"office_code": ""}, "office_code"),
    ],
)
def test_the_service_refuses_to_issue_an_incomplete_number(
    lurah: Persona, approved: MechanismVersion, parts: dict[str, str], field: str
) -> None:
    _set_parts(approved, **parts)
    with pytest.raises(ValidationError) as refused:
        _issue(lurah, approved, date(2026, 11, 2))
    assert list(refused.value.message_dict) == [field]
    assert "not complete" in refused.value.message_dict[field][0]
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not Decree.objects.exists()
    assert not DecreeSequence.objects.filter(last_number__gt=0).exists()


def test_the_issue_page_says_what_to_fill_in_and_links_to_the_settings(
    lurah: Persona, approved: MechanismVersion
) -> None:
    english(lurah.client)
    _set_parts(approved, classification_code="400.x")
    url = reverse("mechanisms:decree_issue", args=[approved.pk])
    page = lurah.client.get(url)
    assertContains(page, "Fill in the decree number first")
    assertContains(page, "400.x")
    settings_url = reverse("mechanisms:mechanism_settings", args=[approved.mechanism_id])
    assertContains(page, f'href="{settings_url}"')
    assertNotContains(page, 'name="signer_name"')  # no form to send while it cannot succeed
    sent = lurah.client.post(url, {"issued_on": "2026-11-02", "signer_name": "Andi Lurah"})
    assertContains(sent, "Fill in the decree number first")
    assert not Decree.objects.exists()


def test_the_api_answers_422_with_the_missing_part(
    lurah: Persona, approved: MechanismVersion
) -> None:
    _set_parts(approved, classification_code="400.x", office_code="")
    response = builders.post(
        english(builders.bearer(lurah)),
        f"/api/v1/mechanisms/versions/{approved.pk}/issue",
        {"issued_on": "2026-11-20", "signer_name": "Andi Lurah"},
    )
    assert response.status_code == 422
    fields = sorted(error["field"] for error in response.json()["detail"])
    assert fields == ["classification_code", "office_code"]
    assert not Decree.objects.exists()


def test_the_settings_refuse_a_placeholder_code(staff: Persona, approved: MechanismVersion) -> None:
    for code in ("400.x", "400/2", "4a0", "40"):
        with pytest.raises(ValidationError) as refused:
            services.mechanism_settings_update(
                actor=staff.membership,
                mechanism=approved.mechanism,
                classification_code=code,
                office_code="Kel-WS",
                place="Parepare",
            )
        assert "classification_code" in refused.value.message_dict, code
    with pytest.raises(ValidationError) as refused:
        services.mechanism_settings_update(
            actor=staff.membership,
            mechanism=approved.mechanism,
            classification_code="100.3.3.2",
            office_code="Kel/WS",
            place="Parepare",
        )
    assert "office_code" in refused.value.message_dict


# --- The register ------------------------------------------------------------------------


def test_the_sequence_counts_per_year_and_never_repeats(
    staff: Persona, lurah: Persona, approved: MechanismVersion
) -> None:
    first = _issue(lurah, approved, date(2026, 11, 2))
    second = _issue(lurah, _next_approved(staff, lurah, approved), date(2026, 12, 1))
    second_version = second.version
    third = _issue(lurah, _next_approved(staff, lurah, second_version), date(2027, 1, 5))
    # A decree dated back into 2026 continues 2026's register, not 2027's.
    fourth = _issue(lurah, _next_approved(staff, lurah, third.version), date(2026, 12, 30))
    numbers = [d.number for d in (first, second, third, fourth)]
    assert numbers == [
        "400/01/Kel-WS/2026",
        "400/02/Kel-WS/2026",
        "400/01/Kel-WS/2027",
        "400/03/Kel-WS/2026",
    ]
    registers = dict(
        DecreeSequence.objects.filter(mechanism=approved.mechanism).values_list(
            "year", "last_number"
        )
    )
    assert registers == {2026: 3, 2027: 1}
    assert [d.sequence for d in (first, second, third, fourth)] == [1, 2, 1, 3]


def test_the_office_sets_where_the_register_continues(
    staff: Persona, lurah: Persona, approved: MechanismVersion
) -> None:
    year = timezone.localdate().year
    settings = {
        "actor": staff.membership,
        "mechanism": approved.mechanism,
        "classification_code": "400.2.2",
        "office_code": "Kel-WS",
        "place": "Parepare",
    }
    services.mechanism_settings_update(**settings, next_number=7)
    decree = _issue(lurah, approved, date(year, 1, 10))
    assert decree.number == f"400.2.2/07/Kel-WS/{year}"
    # Going back below a number already given would give two decrees one number.
    with pytest.raises(ValidationError) as refused:
        services.mechanism_settings_update(**settings, next_number=7)
    assert "at least 8" in refused.value.message_dict["next_number"][0]
    services.mechanism_settings_update(**settings, next_number=8)  # unchanged: allowed


# --- The printed decree ------------------------------------------------------------------


def test_the_issued_pdf_carries_the_whole_number_the_place_and_the_signer(
    staff: Persona, lurah: Persona, approved: MechanismVersion
) -> None:
    services.mechanism_settings_update(
        actor=staff.membership,
        mechanism=approved.mechanism,
        classification_code="400.2.2",
        office_code="Kel-WS",
        place="Parepare",
    )
    decree = _issue(
        lurah,
        approved,
        date(2026, 11, 2),
        signer_name="Andi Makkasau, S.STP",
        signer_rank="Penata Tk. I (III/d)",
        signer_nip="198001012005011001",
    )
    assert decree.number == "400.2.2/01/Kel-WS/2026"
    text = pdf_text(bytes(decree.pdf))
    assert "NOMOR 400.2.2/01/Kel-WS/2026" in text
    signature = (
        "Ditetapkan di Parepare pada tanggal 2 November 2026 LURAH WATANG SOREANG, "
        "Andi Makkasau, S.STP Penata Tk. I (III/d) NIP. 19800101 200501 1 001"
    )
    assert signature in text
    assert "400.x" not in text and "{seq" not in text and "{year" not in text
    assert "Kota Parepare pada" not in text
    # The signature block shares its page with the last diktum.
    pages = pdf_text_raw(bytes(decree.pdf)).split("\f")
    signed = next(page for page in pages if "Ditetapkan di" in page)
    assert "Keputusan ini mulai berlaku pada tanggal ditetapkan." in " ".join(signed.split())
    # The public verification page shows the same number.
    verify = reverse("mechanisms:decree_verify", args=[decree.verification_token])
    assertContains(lurah.client.get(verify), "400.2.2/01/Kel-WS/2026")


# --- What the office reads -------------------------------------------------------------------


def test_the_settings_page_shows_an_example_and_no_format_string(
    staff: Persona, approved: MechanismVersion
) -> None:
    year = timezone.localdate().year
    url = reverse("mechanisms:mechanism_settings", args=[approved.mechanism_id])
    response = staff.client.get(url)
    assertContains(response, f"Example number: <strong>400/01/Kel-WS/{year}</strong>")
    page = response.content.decode()
    assert "{" not in page.split("<main", 1)[-1].split("</main>")[0]
    # "Show the number" previews what was typed without saving it
    typed = {
        "classification_code": "100.3.3.2",
        "office_code": "Kel-WS",
        "next_number": "3",
        "place": "Parepare",
        "preview": "1",
    }
    shown = staff.client.post(url, typed)
    assertContains(shown, f"100.3.3.2/03/Kel-WS/{year}")
    approved.mechanism.refresh_from_db()
    assert approved.mechanism.classification_code == "400"
    # An incomplete saved number says what to fill in
    _set_parts(approved, classification_code="400.x")
    page = staff.client.get(url)
    assertContains(page, "The decree number is not complete")
    assertContains(page, "not available")
    detail = staff.client.get(reverse("mechanisms:mechanism_detail", args=[approved.mechanism_id]))
    assertContains(detail, "Not complete yet")


def test_a_new_mechanism_is_issued_in_the_city_without_kota(
    staff: Persona, kelurahan_ws: Organisation
) -> None:
    version = services.mechanism_start(actor=staff.membership, area=kelurahan_ws.area)
    mechanism = version.mechanism
    assert (mechanism.classification_code, mechanism.office_code) == ("400", "Kel-WS")
    assert mechanism.place == "Parepare"


def test_the_migration_splits_old_formats() -> None:
    migration = importlib.import_module("sipakatau.mechanisms.migrations.0002_decree_number_parts")
    assert migration._parts("400.x/{seq:02d}/Kel-WS/{year}") == ("400.x", "Kel-WS")
    assert migration._parts("400/{seq:02d}/Kel/{year}") == ("400", "Kel")
    assert migration._parts("{seq}/{year}") == ("", "")
