"""A version's way from draft to decree, and who may move it."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import CommentStatus, Status
from sipakatau.mechanisms.models import MechanismVersion
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages in English, so the tests can match them (Indonesian is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    """A kelurahan officer who drafts but does not sign."""
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


@pytest.fixture
def draft(staff: Persona, kelurahan_ws: Organisation) -> MechanismVersion:
    return services.mechanism_start(actor=staff.membership, area=kelurahan_ws.area)


def _issue(lurah: Persona, version: MechanismVersion, on: date = date(2026, 11, 2)):  # type: ignore[no-untyped-def]
    return services.decree_issue(
        actor=lurah.membership,
        version=version,
        issued_on=on,
        signer_name="Andi Lurah",
        signer_nip="198001012005011001",
        base_url="http://testserver",
    )


def test_it_starts_from_the_template(draft: MechanismVersion) -> None:
    assert draft.status == Status.DRAFT
    assert "Watang Soreang" in draft.title
    assert draft.steps.count() == 11
    assert draft.steps.get(action="first_contact").deadlines.count() == 4
    assert draft.duties.count() == 10
    assert any("12 Tahun 2022" in basis for basis in draft.legal_bases)
    assert AuditEvent.objects.filter(action="mechanism_version.created").exists()


def test_it_starts_once_per_kelurahan(staff: Persona, draft: MechanismVersion) -> None:
    with pytest.raises(ValidationError):
        services.mechanism_start(actor=staff.membership, area=draft.mechanism.area)


def test_an_agency_officer_cannot_start_or_edit(
    dp3a_officer: Persona, draft: MechanismVersion
) -> None:
    with pytest.raises(PermissionDenied):
        services.mechanism_start(actor=dp3a_officer.membership, area=draft.mechanism.area)
    with pytest.raises(PermissionDenied):
        services.version_transition(
            actor=dp3a_officer.membership, version=draft, to=Status.IN_DISCUSSION
        )


def test_the_whole_way_to_an_issued_decree(
    staff: Persona, lurah: Persona, dp3a_officer: Persona, draft: MechanismVersion
) -> None:
    # Given a draft in discussion with a comment from DP3A
    services.version_transition(actor=staff.membership, version=draft, to=Status.IN_DISCUSSION)
    comment = services.comment_add(
        actor=dp3a_officer.membership, version=draft, text="Tambahkan nomor SAPA 129."
    )
    # When the staff member tries to approve, or the Lurah approves with the comment open
    with pytest.raises(PermissionDenied):
        services.version_transition(actor=staff.membership, version=draft, to=Status.APPROVED)
    with pytest.raises(ValidationError, match="not resolved"):
        services.version_transition(actor=lurah.membership, version=draft, to=Status.APPROVED)
    # Then after resolving it the Lurah approves and issues
    services.comment_resolve(actor=staff.membership, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.RESOLVED
    services.version_transition(actor=lurah.membership, version=draft, to=Status.APPROVED)
    with pytest.raises(PermissionDenied):
        _issue(staff, draft)
    decree = _issue(lurah, draft)
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.activated_at is not None
    assert decree.number == "400/01/Kel-WS/2026"
    assert bytes(decree.pdf).startswith(b"%PDF")
    assert len(decree.pdf_sha256) == 64


def test_issued_versions_are_immutable(
    staff: Persona, lurah: Persona, draft: MechanismVersion
) -> None:
    services.version_transition(actor=staff.membership, version=draft, to=Status.IN_DISCUSSION)
    services.version_transition(actor=lurah.membership, version=draft, to=Status.APPROVED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.step_save(
            actor=staff.membership,
            version=draft,
            title="Langkah baru",
            description="",
            responsible="kader",
        )
    _issue(lurah, draft)
    step = draft.steps.first()
    assert step is not None
    for change in (
        lambda: services.step_delete(actor=staff.membership, step=step),
        lambda: services.version_update(
            actor=staff.membership,
            version=draft,
            title="Judul lain",
            considerations=["bahwa"],
            legal_bases=["UU"],
            reporting_schedule="",
            funding="",
            monitoring="",
            copies_to=[],
        ),
        lambda: services.comment_add(actor=staff.membership, version=draft, text="Terlambat"),
    ):
        with pytest.raises(ValidationError):
            change()
    with pytest.raises(ValidationError):
        services.version_transition(actor=lurah.membership, version=draft, to=Status.DRAFT)
    assert draft.steps.count() == 11


def test_a_new_issue_supersedes_the_old_and_numbers_count_on(
    staff: Persona, lurah: Persona, draft: MechanismVersion
) -> None:
    services.version_transition(actor=staff.membership, version=draft, to=Status.IN_DISCUSSION)
    services.version_transition(actor=lurah.membership, version=draft, to=Status.APPROVED)
    first = _issue(lurah, draft)
    second_version = services.version_new(actor=staff.membership, based_on=draft)
    assert second_version.number == 2 and second_version.steps.count() == 11
    with pytest.raises(ValidationError, match="already being worked on"):
        services.version_new(actor=staff.membership, based_on=draft)
    services.version_transition(
        actor=staff.membership, version=second_version, to=Status.IN_DISCUSSION
    )
    services.version_transition(actor=lurah.membership, version=second_version, to=Status.APPROVED)
    second = _issue(lurah, second_version, on=date(2026, 11, 20))
    draft.refresh_from_db()
    assert draft.status == Status.SUPERSEDED and draft.superseded_at is not None
    assert (first.number, second.number) == ("400/01/Kel-WS/2026", "400/02/Kel-WS/2026")


def test_a_step_deadline_needs_its_trigger(staff: Persona, draft: MechanismVersion) -> None:
    with pytest.raises(ValidationError):
        services.step_save(
            actor=staff.membership,
            version=draft,
            title="Kunjungan rumah",
            description="",
            responsible="kader",
            deadlines=[services.DeadlineInput(risk_level="", amount=2, unit="days")],
        )
