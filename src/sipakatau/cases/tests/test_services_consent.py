"""Consent rules (UU 27/2022 PDP Pasal 20-25; UU 35/2014 for children)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import Attachment, Case, CaseParty
from sipakatau.cases.services import care, intake
from tests.builders import add_party, open_case, png
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


@pytest.fixture
def case(volunteer: Membership) -> Case:
    return open_case(volunteer)


def _photo(actor: Membership, case: Case) -> Attachment:
    return care.attachment_add(
        actor=actor, case=case, title="Formulir", filename="formulir.png", data=png()
    )


def _consent(actor: Membership, case: Case, subject: CaseParty, **kwargs: object) -> object:
    options: dict[str, object] = {
        "purpose": ConsentPurpose.SERVICES,
        "method": ConsentMethod.VERBAL_WITNESSED,
        "witness_name": "Ibu RT",
    }
    options.update(kwargs)
    return care.consent_record(actor=actor, case=case, subject=subject, **options)  # type: ignore[arg-type]


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


# --- who gives consent ------------------------------------------------------------------


def test_an_adult_gives_her_own_consent(volunteer: Membership, case: Case) -> None:
    victim = add_party(volunteer, case, age=30)

    consent = _consent(volunteer, case, victim)

    assert consent.given_by_guardian is None  # type: ignore[attr-defined]
    assert care.has_consent(case, ConsentPurpose.SERVICES)


def test_a_guardian_cannot_consent_for_an_adult(volunteer: Membership, case: Case) -> None:
    victim = add_party(volunteer, case, age=30)
    mother = add_party(volunteer, case, PartyRole.GUARDIAN, name="Hasnah", age=55)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim, guardian=mother)
    assert _errors(error) == {"guardian"}


def test_a_child_needs_a_guardian_to_consent(volunteer: Membership, case: Case) -> None:
    child = add_party(volunteer, case, name="Ani", age=12)
    mother = add_party(volunteer, case, PartyRole.GUARDIAN, name="Hasnah", age=40)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, child)
    assert _errors(error) == {"guardian"}

    consent = _consent(volunteer, case, child, guardian=mother)
    assert consent.given_by_guardian == mother  # type: ignore[attr-defined]


def test_a_child_is_a_child_by_her_age_at_the_incident(volunteer: Membership, case: Case) -> None:
    # Given a victim born in June 2008, 16 when it happened (she is older now)
    victim = add_party(volunteer, case, name="Ani", birth_date=date(2008, 6, 1))
    intake.incident_record(actor=volunteer, case=case, occurred_on=date(2025, 5, 1))
    victim.refresh_from_db()
    assert victim.age_at_incident == 16

    # then her own consent is not enough
    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim)
    assert _errors(error) == {"guardian"}


def test_the_guardian_must_be_recorded_as_guardian_in_this_case(
    volunteer: Membership, case: Case
) -> None:
    child = add_party(volunteer, case, name="Ani", age=12)
    witness = add_party(volunteer, case, PartyRole.WITNESS, name="Hasnah", age=40)
    other_case = open_case(volunteer)
    other_guardian = add_party(volunteer, other_case, PartyRole.GUARDIAN, name="Rahma", age=40)

    for wrong in (witness, other_guardian):
        with pytest.raises(ValidationError) as error:
            _consent(volunteer, case, child, guardian=wrong)
        assert _errors(error) == {"guardian"}


def test_a_guardian_who_is_a_suspected_perpetrator_cannot_consent_for_the_child(
    volunteer: Membership, case: Case
) -> None:
    # Given a child victim whose father is her guardian and also the suspected perpetrator
    child = add_party(volunteer, case, name="Ani", age=9)
    father = add_party(volunteer, case, PartyRole.GUARDIAN, name="Baso", sex="L", age=40)
    intake.party_add(actor=volunteer, case=case, person=father.person, role=PartyRole.PERPETRATOR)

    # when the father "gives consent" for her, it is refused
    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, child, guardian=father)
    assert _errors(error) == {"guardian"}
    assert "perpetrator" in error.value.message_dict["guardian"][0]

    # then the other parent can
    mother = add_party(volunteer, case, PartyRole.GUARDIAN, name="Hasnah", age=38)
    _consent(volunteer, case, child, guardian=mother)
    assert care.has_consent(case, ConsentPurpose.SERVICES)


def test_consent_is_given_for_a_victim_of_this_case_only(volunteer: Membership, case: Case) -> None:
    perpetrator = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Baso", sex="L")
    other_case = open_case(volunteer)
    other_victim = add_party(volunteer, other_case, name="Rahma")

    for wrong in (perpetrator, other_victim):
        with pytest.raises(ValidationError) as error:
            _consent(volunteer, case, wrong)
        assert "subject" in _errors(error)


# --- how it was given -------------------------------------------------------------------


def test_spoken_consent_needs_a_witness(volunteer: Membership, case: Case) -> None:
    victim = add_party(volunteer, case)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim, witness_name="  ")
    assert _errors(error) == {"witness_name"}


@pytest.mark.parametrize("method", [ConsentMethod.SIGNATURE, ConsentMethod.THUMBPRINT])
def test_a_signature_or_thumbprint_needs_a_photo_of_this_case(
    volunteer: Membership, case: Case, method: str
) -> None:
    victim = add_party(volunteer, case)
    other_case = open_case(volunteer)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim, method=method, witness_name="")
    assert _errors(error) == {"proof"}
    with pytest.raises(ValidationError) as error:
        _consent(
            volunteer,
            case,
            victim,
            method=method,
            witness_name="",
            proof=_photo(volunteer, other_case),
        )
    assert _errors(error) == {"proof"}

    consent = _consent(
        volunteer, case, victim, method=method, witness_name="", proof=_photo(volunteer, case)
    )
    assert consent.proof.case_id == case.pk  # type: ignore[attr-defined]


def test_an_unknown_method_or_purpose_is_refused(volunteer: Membership, case: Case) -> None:
    victim = add_party(volunteer, case)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim, method="TELEPATHY", purpose="MARKETING")
    assert {"method", "purpose"} <= _errors(error)


# --- for what, to whom ------------------------------------------------------------------


def test_a_referral_consent_names_the_kind_of_recipient(volunteer: Membership, case: Case) -> None:
    victim = add_party(volunteer, case)

    with pytest.raises(ValidationError) as error:
        _consent(volunteer, case, victim, purpose=ConsentPurpose.REFERRAL)
    assert _errors(error) == {"recipient_type"}
    with pytest.raises(ValidationError) as error:
        _consent(
            volunteer,
            case,
            victim,
            purpose=ConsentPurpose.SERVICES,
            recipient_type=OrganisationType.PUSKESMAS,
        )
    assert _errors(error) == {"recipient_type"}

    _consent(
        volunteer,
        case,
        victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=OrganisationType.PUSKESMAS,
    )
    assert care.has_consent(case, ConsentPurpose.REFERRAL, OrganisationType.PUSKESMAS)
    # consent to the health centre is not consent to the police
    assert not care.has_consent(case, ConsentPurpose.REFERRAL, OrganisationType.POLICE_PPA)
    # nor consent for services or statistics
    assert not care.has_consent(case, ConsentPurpose.SERVICES)
    assert not care.has_consent(case, ConsentPurpose.STATISTICS)


def test_withdrawal_ends_the_consent_at_once_and_only_once(
    volunteer: Membership, case: Case
) -> None:
    victim = add_party(volunteer, case)
    consent = _consent(volunteer, case, victim, purpose=ConsentPurpose.STATISTICS)

    care.consent_withdraw(actor=volunteer, consent=consent, reason="Berubah pikiran")  # type: ignore[arg-type]
    first = consent.withdrawn_at  # type: ignore[attr-defined]
    care.consent_withdraw(actor=volunteer, consent=consent)  # type: ignore[arg-type]

    assert first is not None
    assert consent.withdrawn_at == first  # type: ignore[attr-defined]
    assert not consent.is_active  # type: ignore[attr-defined]
    assert not care.has_consent(case, ConsentPurpose.STATISTICS)


def test_has_consent_needs_every_victim(volunteer: Membership, case: Case) -> None:
    # Given a case with two victims, an adult and a child
    adult = add_party(volunteer, case, name="Siti", age=34)
    child = add_party(volunteer, case, name="Ani", age=8)
    grandmother = add_party(volunteer, case, PartyRole.GUARDIAN, name="Hasnah", age=60)

    # then there is no consent until both have it
    assert not care.has_consent(case, ConsentPurpose.SERVICES)
    _consent(volunteer, case, adult)
    assert not care.has_consent(case, ConsentPurpose.SERVICES)
    child_consent = _consent(volunteer, case, child, guardian=grandmother)
    assert care.has_consent(case, ConsentPurpose.SERVICES)

    # and one withdrawal is enough to lose it
    care.consent_withdraw(actor=volunteer, consent=child_consent)  # type: ignore[arg-type]
    assert not care.has_consent(case, ConsentPurpose.SERVICES)


def test_a_case_without_victims_has_no_consent(case: Case) -> None:
    assert not care.has_consent(case, ConsentPurpose.SERVICES)


# --- who may record it ------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["dp3a_officer", "lurah", "auditor", "bahagia_admin", "ikhlas_caseworker"]
)
def test_only_front_line_staff_of_the_unit_record_or_withdraw_consent(
    volunteer: Membership, case: Case, persona: str, request: pytest.FixtureRequest
) -> None:
    victim = add_party(volunteer, case)
    consent = _consent(volunteer, case, victim)
    actor: Membership = request.getfixturevalue(persona).membership

    with pytest.raises(PermissionDenied):
        _consent(actor, case, victim)
    with pytest.raises(PermissionDenied):
        care.consent_withdraw(actor=actor, consent=consent)  # type: ignore[arg-type]


def test_a_volunteer_records_consent_only_on_the_intakes_she_took(
    volunteer: Membership, case: Case
) -> None:
    victim = add_party(volunteer, case)
    colleague = make_persona(case.organisation, Role.VOLUNTEER).membership

    with pytest.raises(PermissionDenied):
        _consent(colleague, case, victim)
