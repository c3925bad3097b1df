"""A desa's pages and downloads speak of the desa and its Kepala Desa, never of a
kelurahan or a Lurah; a kelurahan's keep their words. The area's code decides
(documents/labels.py ``is_desa``)."""

import html
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms import numbering, queries, services
from sipakatau.mechanisms.forms import StartForm
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.builders import bearer as bearer_client
from tests.factories import Persona, english, make_persona

from .villagesupport import desa_office_make

pytestmark = pytest.mark.django_db

API = "/api/v1/mechanisms"
LURAH = re.compile(r"lurah", re.IGNORECASE)  # also finds "Kelurahan" and "kelurahan"


@pytest.fixture
def desa_office(db: None) -> Organisation:
    return desa_office_make()


@pytest.fixture
def kepala_desa(desa_office: Organisation) -> Persona:
    """The Kepala Desa, who keeps the settings and signs the desa's decrees."""
    return make_persona(desa_office, Role.VILLAGE_OFFICER, is_signatory=True)


@pytest.fixture
def lurah_ws(kelurahan_ws: Organisation) -> Persona:
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, is_signatory=True)


def main_text(response: object, *, language: str) -> str:
    """The page's own content (the menu and the account's role name are not the
    mechanism's words), as its reader sees it."""
    assert response.status_code == 200, (language, response.status_code)  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    main = page[page.index("<main") : page.index("</main>")]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", main).split()))


def pages(persona: Persona, version: MechanismVersion) -> dict[str, str]:
    """The mechanism's page, its settings, the version's page (download links), and the
    list of mechanisms."""
    mechanism = version.mechanism_id
    return {
        "mechanism_detail": reverse("mechanisms:mechanism_detail", args=[mechanism]),
        "mechanism_settings": reverse("mechanisms:mechanism_settings", args=[mechanism]),
        "version_detail": reverse("mechanisms:version_detail", args=[version.pk]),
        "mechanism_list": reverse("mechanisms:mechanism_list"),
    }


def read(client: Client, url: str) -> dict[str, str]:
    """The page in English and in Bahasa Indonesia."""
    english(client)
    texts = {"en": main_text(client.get(url), language="en")}
    client.cookies.pop("django_language", None)
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    texts["id"] = main_text(client.get(url), language="id")
    return texts


def issued(desa_office: Organisation, kepala_desa: Persona) -> MechanismVersion:
    """The desa's decree, signed by its Kepala Desa (the shared builder signs as a Lurah)."""
    version = builders.approved_version(desa_office)
    services.decree_issue(
        actor=kepala_desa.membership,
        version=version,
        issued_on=date(2026, 11, 2),
        signer_name="Andi Baso",
        base_url="http://testserver",
    )
    version.refresh_from_db()
    return version


def disposition(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return str(response["Content-Disposition"])  # type: ignore[index]


# --- The default office code ----------------------------------------------------------------


def test_the_default_office_code_follows_the_kind_of_village() -> None:
    assert numbering.default_office_code("Watang Soreang") == "Kel-WS"
    assert numbering.default_office_code("Lompo Riaja", desa=True) == "Ds-LR"
    assert numbering.default_office_code("", desa=True) == ""


def test_a_desa_mechanism_is_numbered_with_the_desa_office_code(
    desa_office: Organisation, kelurahan_ws: Organisation
) -> None:
    desa = builders.draft_version(desa_office).mechanism
    kelurahan = builders.draft_version(kelurahan_ws).mechanism
    assert (desa.office_code, kelurahan.office_code) == ("Ds-LR", "Kel-WS")
    assert StartForm.initial_for(desa.area)["office_code"] == "Ds-LR"
    assert StartForm.initial_for(kelurahan.area)["office_code"] == "Kel-WS"


def test_the_start_offer_names_the_desa(kepala_desa: Persona) -> None:
    texts = read(kepala_desa.client, reverse("mechanisms:mechanism_list"))
    assert "Desa Lompo Riaja has no mechanism yet" in texts["en"]
    assert (
        'value="Ds-LR"'
        in kepala_desa.client.get(reverse("mechanisms:mechanism_list")).content.decode()
    )


# --- The pages ------------------------------------------------------------------------------


def test_the_desa_pages_never_say_lurah_or_kelurahan(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    version = issued(desa_office, kepala_desa)
    for name, url in pages(kepala_desa, version).items():
        for language, text in read(kepala_desa.client, url).items():
            assert not LURAH.search(text), (name, language, LURAH.findall(text), text[:400])
    detail = read(
        kepala_desa.client, reverse("mechanisms:mechanism_detail", args=[version.mechanism_id])
    )
    assert "Mechanism of Desa Lompo Riaja" in detail["en"]
    links = read(kepala_desa.client, reverse("mechanisms:version_detail", args=[version.pk]))
    assert "Decree (SK Kepala Desa), PDF" in links["en"]
    assert "Decree (SK Kepala Desa), Word (DOCX)" in links["en"]


def test_the_kelurahan_pages_keep_their_words(
    kelurahan_ws: Organisation, lurah_ws: Persona
) -> None:
    version = builders.issued_version(kelurahan_ws)
    detail = read(
        lurah_ws.client, reverse("mechanisms:mechanism_detail", args=[version.mechanism_id])
    )
    assert "Mechanism of Kelurahan Watang Soreang" in detail["en"]
    links = read(lurah_ws.client, reverse("mechanisms:version_detail", args=[version.pk]))
    assert "Decree (SK Lurah), PDF" in links["en"]


def test_the_desa_issue_page_speaks_of_the_kepala_desa_and_so_does_its_answer(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    version = builders.approved_version(desa_office)
    url = reverse("mechanisms:decree_issue", args=[version.pk])

    texts = read(kepala_desa.client, url)

    for language, text in texts.items():
        assert not LURAH.search(text), (language, LURAH.findall(text))
    assert "Issue the decree (SK Kepala Desa)" in texts["en"]
    assert "Name of the Kepala Desa" in texts["en"]
    assert "the desa's active mechanism" in texts["en"]

    # When the Kepala Desa issues it, the message says the desa too
    client = english(kepala_desa.client)
    response = client.post(
        url,
        {
            "issued_on": "2026-11-02",
            "signer_name": "Andi Kepala",
            "signer_nip": "",
            "signer_rank": "",
            "signer_title": "KEPALA DESA LOMPO RIAJA",
        },
        follow=True,
    )
    text = main_text(response, language="en")
    assert "400/01/Ds-LR/" in text and "It is now the desa's active mechanism." in text
    assert not LURAH.search(text), LURAH.findall(text)


def test_the_kelurahan_issue_page_keeps_the_lurah(
    kelurahan_ws: Organisation, lurah_ws: Persona
) -> None:
    version = builders.approved_version(kelurahan_ws)
    text = read(lurah_ws.client, reverse("mechanisms:decree_issue", args=[version.pk]))["en"]
    assert "Issue the decree (SK Lurah)" in text and "Name of the Lurah" in text
    assert "the kelurahan's active mechanism" in text


def test_the_desa_settings_page_has_no_kelurahan_words(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    version = builders.draft_version(desa_office)
    url = reverse("mechanisms:mechanism_settings", args=[version.mechanism_id])
    texts = read(kepala_desa.client, url)
    for language, text in texts.items():
        assert not LURAH.search(text), (language, LURAH.findall(text))
    assert "e.g. Ds-LR" in texts["en"] and "Kel-" not in texts["en"]


def test_the_version_page_tells_the_desa_what_comes_next(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    version = builders.approved_version(desa_office)
    text = read(kepala_desa.client, reverse("mechanisms:version_detail", args=[version.pk]))["en"]
    assert "The Kepala Desa approved this version" in text


# --- The download names ---------------------------------------------------------------------


def test_the_desa_downloads_are_named_for_the_kepala_desa(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    version = issued(desa_office, kepala_desa)
    client = kepala_desa.client
    names = {
        "preview": disposition(client.get(reverse("mechanisms:decree_preview", args=[version.pk]))),
        "pdf": disposition(client.get(reverse("mechanisms:decree_pdf", args=[version.pk]))),
        "docx": disposition(client.get(reverse("mechanisms:decree_docx", args=[version.pk]))),
        "verify": disposition(
            Client().get(
                reverse("mechanisms:decree_verify", args=[version.decree.verification_token]),
                {"unduh": "1"},
            )
        ),
    }
    api = bearer_client(kepala_desa)
    names["api_pdf"] = disposition(api.get(f"{API}/versions/{version.pk}/decree.pdf"))
    names["api_docx"] = disposition(api.get(f"{API}/versions/{version.pk}/decree.docx"))

    assert names == {
        "preview": 'inline; filename="Draf-SK-Kepala-Desa-Lompo-Riaja-v1.pdf"',
        "pdf": 'attachment; filename="SK-Kepala-Desa-Lompo-Riaja-v1.pdf"',
        "docx": 'attachment; filename="SK-Kepala-Desa-Lompo-Riaja-v1.docx"',
        "verify": 'attachment; filename="SK-Kepala-Desa-Lompo-Riaja-v1.pdf"',
        "api_pdf": 'attachment; filename="sk-kepala-desa-400-01-ds-lr-2026.pdf"',
        "api_docx": 'attachment; filename="sk-kepala-desa-400-01-ds-lr-2026.docx"',
    }
    assert not any(LURAH.search(name) for name in names.values())


def test_the_kelurahan_downloads_keep_their_names(
    kelurahan_ws: Organisation, lurah_ws: Persona
) -> None:
    version = builders.issued_version(kelurahan_ws)
    client = lurah_ws.client
    assert (
        disposition(client.get(reverse("mechanisms:decree_pdf", args=[version.pk])))
        == 'attachment; filename="SK-Lurah-Watang-Soreang-v1.pdf"'
    )
    assert (
        disposition(client.get(reverse("mechanisms:decree_preview", args=[version.pk])))
        == 'inline; filename="Draf-SK-Lurah-Watang-Soreang-v1.pdf"'
    )
    api = bearer_client(lurah_ws)
    assert (
        disposition(api.get(f"{API}/versions/{version.pk}/decree.pdf"))
        == 'attachment; filename="sk-lurah-400-01-kel-ws-2026.pdf"'
    )


def test_a_case_under_a_desa_decree_records_the_kepala_desa_s_decree_as_its_basis(
    desa_office: Organisation, kepala_desa: Persona, kelurahan_ws: Organisation
) -> None:
    desa = issued(desa_office, kepala_desa)
    kelurahan = builders.issued_version(kelurahan_ws)

    def bases(version: MechanismVersion) -> set[str]:
        triggers = set(version.steps.values_list("trigger", flat=True))
        return {rule.legal_basis for t in triggers for rule in queries.rules_of(version.pk, t)}

    assert bases(desa) == {f"SK Kepala Desa {desa.decree.number}"}
    assert bases(kelurahan) == {f"SK Lurah {kelurahan.decree.number}"}


def test_a_desa_drafts_its_steps_and_duties_with_its_own_parties(
    desa_office: Organisation,
    kepala_desa: Persona,
    kelurahan_ws: Organisation,
    lurah_ws: Persona,
) -> None:
    desa = builders.draft_version(desa_office)
    kelurahan = builders.draft_version(kelurahan_ws)

    for name in ("mechanisms:step_add", "mechanisms:duty_add"):
        texts = read(kepala_desa.client, reverse(name, args=[desa.pk]))
        assert "Kepala Desa" in texts["en"] and "Desa secretary" in texts["en"], name
        assert not LURAH.search(texts["en"]), (name, LURAH.findall(texts["en"]))

    texts = read(lurah_ws.client, reverse("mechanisms:step_add", args=[kelurahan.pk]))
    assert "Lurah" in texts["en"] and "Kelurahan secretary" in texts["en"]


def test_a_desa_that_started_its_mechanism_is_told_in_its_own_words(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    builders.draft_version(desa_office)

    with pytest.raises(ValidationError) as refused:
        services.mechanism_start(actor=kepala_desa.membership, area=desa_office.area)

    assert "Desa ini sudah punya mekanisme" in " ".join(refused.value.messages)


def test_the_desa_meeting_records_never_say_lurah_or_kelurahan(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    # Given a discussion meeting of the desa's draft, recorded by its office
    from sipakatau.mechanisms.tests.docsupport import keep_pages, pdf_text

    version = builders.draft_version(desa_office)
    meeting = services.meeting_record(
        actor=kepala_desa.membership,
        version=version,
        held_on=date(2026, 11, 2),
        place="Kantor Desa Lompo Riaja",
        agenda="Pembahasan draf mekanisme",
        minutes="Peserta membahas langkah-langkah penanganan.",
        decisions="Draf disepakati untuk diajukan kepada Kepala Desa.",
        attendees=[
            services.AttendeeInput(
                name="Hasnah", organisation="LBK-KK Sipakainge", gender="P", position="Kader"
            ),
        ],
    )
    client = kepala_desa.client
    # When the office opens the meeting's page and prints its two records
    page = read(client, reverse("mechanisms:meeting_detail", args=[meeting.pk]))
    documents = {
        name: client.get(reverse(f"mechanisms:meeting_{name}_pdf", args=[meeting.pk]))
        for name in ("attendance", "minutes")
    }
    # Then the kop and the text speak of the desa, in the page, the PDFs and their names
    for name, response in documents.items():
        keep_pages(response.content, f"desa-meeting-{name}")
        text = pdf_text(response.content)
        assert "PEMERINTAH KABUPATEN BARRU KECAMATAN TANETE RIAJA DESA LOMPO RIAJA" in text
        assert not LURAH.search(text), re.findall(r".{40}lurah.{40}", text, re.IGNORECASE)
        assert not LURAH.search(disposition(response))
    for language, text in page.items():
        assert not LURAH.search(text), (language, re.findall(r".{40}lurah.{20}", text, re.I))


def whole_text(response: object) -> str:
    """Everything the reader sees on the page, its header and menu included."""
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    body = page[page.index("<body") :]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


def test_the_desa_officer_is_never_called_a_kelurahan_officer_on_any_page(
    desa_office: Organisation, kepala_desa: Persona
) -> None:
    # Given the Kepala Desa, who also works in a kelurahan's office (to switch to it)
    version = issued(desa_office, kepala_desa)
    from django.conf import settings

    urls = [reverse("accounts:home"), *pages(kepala_desa, version).values()]
    for language in ("id", "en"):
        kepala_desa.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            # When she opens the home page or a page of the desa's mechanism
            text = whole_text(kepala_desa.client.get(url))
            # Then the header names her role in the desa's words, never a kelurahan's
            found = re.findall(r".{40}lurah.{20}", text, re.I)
            assert not LURAH.search(text), (url, language, found)
    english(kepala_desa.client)
    home = whole_text(kepala_desa.client.get(reverse("accounts:home")))
    assert "Lompo Riaja · Desa officer" in home
    assert "SK Kepala Desa" in home and "Desa figures" in home


def test_a_kelurahan_officer_keeps_her_role_name(
    kelurahan_ws: Organisation, lurah_ws: Persona
) -> None:
    builders.issued_version(kelurahan_ws)
    english(lurah_ws.client)
    home = whole_text(lurah_ws.client.get(reverse("accounts:home")))
    assert "Watang Soreang · Kelurahan officer" in home
    assert "SK Lurah" in home and "Kelurahan figures" in home
