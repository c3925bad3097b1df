"""The public page behind the decree's QR code: it confirms the decree and checks a copy
by its SHA-256 or by the file itself, which it hashes and never keeps."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.mechanisms import services
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.factories import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(kelurahan_ws: Organisation) -> MechanismVersion:
    return builders.issued_version(kelurahan_ws)


@pytest.fixture
def url(issued: MechanismVersion) -> str:
    return reverse("mechanisms:decree_verify", args=[issued.decree.verification_token])


@pytest.fixture
def visitor() -> Client:
    return english(Client(enforce_csrf_checks=True))


def _post(client: Client, url: str, data: dict[str, object]) -> HttpResponseBase:
    """Send the form as a browser does: the page first (for the CSRF cookie), then POST."""
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def test_anyone_sees_what_the_decree_is(
    issued: MechanismVersion, url: str, visitor: Client
) -> None:
    response = visitor.get(url)
    decree = issued.decree
    for value in (decree.number, "Watang Soreang", "2 November 2026", "Andi Lurah"):
        assertContains(response, value)
    assertContains(response, decree.pdf_sha256)
    assertContains(response, "In force")
    assertContains(response, 'id="quick-exit"')  # the public base template
    assert "no-store" in response["Cache-Control"]


def test_the_right_hash_matches(issued: MechanismVersion, url: str, visitor: Client) -> None:
    page = _post(visitor, url, {"sha256": issued.decree.pdf_sha256.upper()})
    assertContains(page, "result-match")
    assertContains(page, "this document is genuine")


def test_a_wrong_hash_is_refused(issued: MechanismVersion, url: str, visitor: Client) -> None:
    wrong = hashlib.sha256(b"another document").hexdigest()
    page = _post(visitor, url, {"sha256": wrong})
    assertContains(page, "result-mismatch")
    assertContains(page, "No match")
    assertNotContains(page, "result-match")


def test_a_malformed_hash_gets_a_field_error(url: str, visitor: Client) -> None:
    page = _post(visitor, url, {"sha256": "abc123"})
    assertContains(page, "exactly 64 characters")
    assertNotContains(page, "result-")


def test_an_indonesian_visitor_reads_indonesian_field_errors(url: str) -> None:
    client = Client()
    client.get(url)
    page = client.post(url, {"sha256": "zz"})
    assertContains(page, 'class="errorlist')  # the message itself comes from the catalogue


def test_an_empty_form_asks_for_a_hash_or_a_file(url: str, visitor: Client) -> None:
    page = _post(visitor, url, {})
    assertContains(page, "Paste the SHA-256")


def test_the_original_file_matches(issued: MechanismVersion, url: str, visitor: Client) -> None:
    upload = SimpleUploadedFile("sk.pdf", bytes(issued.decree.pdf), "application/pdf")
    page = _post(visitor, url, {"document": upload})
    assertContains(page, "result-match")


def test_a_modified_file_is_refused(issued: MechanismVersion, url: str, visitor: Client) -> None:
    # One byte changed, as a retouched copy would be.
    original = bytes(issued.decree.pdf)
    middle = len(original) // 2
    changed = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    upload = SimpleUploadedFile("sk.pdf", changed, "application/pdf")
    page = _post(visitor, url, {"document": upload})
    assertContains(page, "result-mismatch")


def test_a_file_over_10_mb_is_refused_unread(url: str, visitor: Client) -> None:
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf")
    page = _post(visitor, url, {"document": upload})
    assertContains(page, "larger than 10 MB")
    assertNotContains(page, "result-")


def test_the_csrf_check_still_guards_the_form(url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(url, {"sha256": "0" * 64}).status_code == 403


def test_the_original_can_be_downloaded(
    issued: MechanismVersion, url: str, visitor: Client
) -> None:
    response = visitor.get(url + "?unduh=1")
    assert response.status_code == 200
    assert response.content == bytes(issued.decree.pdf)


def test_an_unknown_token_is_404(visitor: Client) -> None:
    assert visitor.get(reverse("mechanisms:decree_verify", args=["no-such"])).status_code == 404


def test_a_replaced_decree_names_the_later_one(
    issued: MechanismVersion, kelurahan_ws: Organisation, url: str, visitor: Client
) -> None:
    # Given a second version issued after the first
    lurah = builders.officer(kelurahan_ws, signs=True)
    services.version_new(actor=lurah, based_on=issued)
    second = builders.approved_version(kelurahan_ws)
    later = services.decree_issue(
        actor=lurah,
        version=second,
        issued_on=issued.decree.issued_on.replace(month=12),
        signer_name="Andi Lurah",
        base_url="http://testserver",
    )
    # Then the first decree's page says it is replaced, and by which
    page = visitor.get(url)
    assertContains(page, "Replaced by a later decree")
    assertContains(page, later.number)
    assertNotContains(page, "In force")


def test_an_upload_never_touches_the_disk(
    issued: MechanismVersion, url: str, visitor: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files import uploadhandler

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload went to a temporary file")

    # Larger than Django's in-memory limit (2.5 MB): its default handlers would spill it
    # into a temporary file; the page's own handler only hashes it.
    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", refuse)
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"1" * (3 * 1024 * 1024), "application/pdf")
    page = _post(visitor, url, {"document": big})
    assertContains(page, "result-mismatch")
