"""Row seals (issue 18): the application's own writes keep every seal valid; an edit,
insert or delete made in the database behind its back is named by ``verify_seals`` and by
``manage.py audit_verify`` (model, id, kind of problem; never a value)."""

import importlib
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.audit.models import RowSeal
from sipakatau.audit.seals import (
    SealMismatch,
    SealProblem,
    reseal,
    resealing,
    sealed_fields,
    verify_seals,
)
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty, Consent
from sipakatau.cases.models import Status as CaseStatus
from sipakatau.cases.services import care, workflow
from sipakatau.lib.crypto import field_key_ring
from sipakatau.people.services import person_create
from sipakatau.referrals.codes import SharedField
from sipakatau.referrals.models import Referral
from sipakatau.referrals.tests.support import (
    case_with_victim,
    consent_for_referral,
    provider_for,
    refer,
    referral_rules,  # noqa: F401 (fixture)
)
from tests.builders import add_party, open_case, ready_case
from tests.factories import Persona

pytestmark = pytest.mark.django_db

_MIGRATION = importlib.import_module("sipakatau.audit.migrations.0004_seal_existing_rows")


@pytest.fixture(autouse=True)
def _setting(
    settings: LazySettings,
    tmp_path: Path,
    deadline_rules: None,
    referral_rules: None,  # noqa: F811
) -> None:
    # audit_verify keeps the chain's head in a file: one per test, never the real one.
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit_anchor"


def sql(statement: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def raw(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall())


def problems() -> set[tuple[str, int, SealProblem]]:
    return {(m.label, m.object_id, m.problem) for m in verify_seals().mismatches}


def verify_command() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("audit_verify", stdout=out)
    return out.getvalue()


def refused(match: str) -> str:
    with translation.override("en"), pytest.raises(CommandError, match=match) as error:
        call_command("audit_verify", stdout=StringIO())
    return str(error.value)


@pytest.fixture
def referred(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


# --- The application's own writes --------------------------------------------------------


def test_the_services_keep_every_seal_valid(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    # Given a case through intake, consent, assessment and plan, made active
    worker = bahagia_caseworker.membership
    case = ready_case(bahagia_volunteer.membership, worker)
    workflow.case_activate(actor=worker, case=case)
    workflow.case_monitor(actor=worker, case=case)
    # ...and a referral on consent, and a second consent given and withdrawn
    victim = case.parties.get(role=PartyRole.VICTIM)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    refer(worker, case, provider_for(dinsos), fields=(SharedField.VICTIM_FIRST_NAME,))
    withdrawn = consent_for_referral(worker, case, victim, OrganisationType.DP3A)
    care.consent_withdraw(actor=worker, consent=withdrawn, reason="Berubah pikiran")

    report = verify_seals()

    assert report.mismatches == []
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING
    sealed = RowSeal.objects.values_list("label", "object_id")
    assert ("cases.case", case.pk) in sealed
    assert ("cases.consent", withdrawn.pk) in sealed
    assert report.checked == Case.objects.count() + Consent.objects.count() + (
        CaseParty.objects.count() + Referral.objects.count()
    )
    assert f"Row seals intact: {report.checked} sealed rows checked." in verify_command()


def test_a_deleted_draft_takes_its_seals_with_it(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    party = add_party(bahagia_caseworker.membership, case)

    case.delete()  # the cascade the draft clean-up runs

    assert not RowSeal.objects.filter(object_id__in=[case.pk, party.pk]).exists()
    assert verify_seals().ok


# --- Edits behind the application's back -------------------------------------------------


def test_a_status_changed_with_sql_is_named(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    sql("UPDATE cases_case SET status = %s WHERE id = %s", ["closed", case.pk])

    assert problems() == {("cases.case", case.pk, SealProblem.EDITED)}
    message = refused(rf"cases\.case #{case.pk}: edited")
    assert "closed" not in message  # names the row, never its values


def test_a_case_moved_to_another_unit_is_named(
    bahagia_caseworker: Persona, ikhlas: Organisation
) -> None:
    case = open_case(bahagia_caseworker.membership)
    sql("UPDATE cases_case SET organisation_id = %s WHERE id = %s", [ikhlas.pk, case.pk])

    assert problems() == {("cases.case", case.pk, SealProblem.EDITED)}


def test_a_withdrawn_consent_made_active_again_is_named(
    bahagia_caseworker: Persona, referred: Referral
) -> None:
    consent = care.consent_withdraw(
        actor=bahagia_caseworker.membership, consent=Consent.objects.get(pk=referred.consent_id)
    )
    assert verify_seals().ok  # the withdrawal also ended the referral, through the services
    sql("UPDATE cases_consent SET withdrawn_at = NULL WHERE id = %s", [consent.pk])

    assert problems() == {("cases.consent", consent.pk, SealProblem.EDITED)}
    refused(rf"cases\.consent #{consent.pk}: edited")


def test_more_shared_fields_on_a_referral_are_named(referred: Referral) -> None:
    sql(
        "UPDATE referrals_referral SET shared_fields = %s WHERE id = %s",
        ['["VICTIM_FULL_NAME", "VICTIM_NIK", "NEEDS"]', referred.pk],
    )

    assert problems() == {("referrals.referral", referred.pk, SealProblem.EDITED)}
    message = refused(rf"referrals\.referral #{referred.pk}: edited")
    assert "NIK" not in message


def test_ciphertexts_swapped_between_two_parties_consents_are_named(
    bahagia_caseworker: Persona,
) -> None:
    # Given two victims' consents: the witness names open under the same key and label
    worker = bahagia_caseworker.membership
    case, first = case_with_victim(worker)
    second = add_party(worker, case, name="Rina")
    one = consent_for_referral(worker, case, first, OrganisationType.DINSOS)
    other = care.consent_record(
        actor=worker,
        case=case,
        subject=second,
        purpose="REFERRAL",
        recipient_type=OrganisationType.DINSOS,
        method="VERBAL_WITNESSED",
        witness_name="Pak RW",
    )
    a, b = (
        raw("SELECT witness_name FROM cases_consent WHERE id = %s", [pk])[0][0]
        for pk in (one.pk, other.pk)
    )
    # When someone swaps the stored ciphertexts
    sql("UPDATE cases_consent SET witness_name = %s WHERE id = %s", [b, one.pk])
    sql("UPDATE cases_consent SET witness_name = %s WHERE id = %s", [a, other.pk])

    # Then both still decrypt (the swap is invisible to the field encryption) ...
    assert Consent.objects.get(pk=one.pk).witness_name == "Pak RW"
    # ... but neither matches its seal
    assert problems() == {
        ("cases.consent", one.pk, SealProblem.EDITED),
        ("cases.consent", other.pk, SealProblem.EDITED),
    }


def test_people_swapped_between_two_parties_are_named(bahagia_caseworker: Persona) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    perpetrator = add_party(worker, case, PartyRole.PERPETRATOR, name="Budi", sex="L")
    sql(
        "UPDATE cases_caseparty SET role = CASE WHEN id = %s THEN %s ELSE %s END "
        "WHERE id IN (%s, %s)",
        [victim.pk, PartyRole.PERPETRATOR, PartyRole.VICTIM, victim.pk, perpetrator.pk],
    )

    assert problems() == {
        ("cases.caseparty", victim.pk, SealProblem.EDITED),
        ("cases.caseparty", perpetrator.pk, SealProblem.EDITED),
    }


def test_a_party_inserted_with_sql_is_named(bahagia_caseworker: Persona) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    stranger = person_create(actor=worker, name="Orang Lain", sex="L", age_estimate=40).person
    sql(
        "INSERT INTO cases_caseparty (case_id, person_id, role, education, occupation, "
        "marital_status, citizenship, created_at) VALUES (%s, %s, %s, '', '', '', '', %s)",
        [case.pk, stranger.pk, PartyRole.GUARDIAN, victim.created_at],
    )
    inserted = CaseParty.objects.get(case=case, person=stranger)

    assert problems() == {("cases.caseparty", inserted.pk, SealProblem.UNSEALED)}
    refused(rf"cases\.caseparty #{inserted.pk}: unsealed")


def test_a_consent_deleted_with_sql_is_named(bahagia_caseworker: Persona) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    sql("DELETE FROM cases_consent WHERE id = %s", [consent.pk])

    assert problems() == {("cases.consent", consent.pk, SealProblem.ORPHANED)}
    refused(rf"cases\.consent #{consent.pk}: orphaned")


def test_a_deleted_seal_is_named(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    RowSeal.objects.filter(label="cases.case", object_id=case.pk).delete()

    assert problems() == {("cases.case", case.pk, SealProblem.UNSEALED)}
    refused(rf"cases\.case #{case.pk}: unsealed")


def test_a_row_copied_with_its_seal_onto_another_row_does_not_fit(
    bahagia_caseworker: Persona,
) -> None:
    # Given a second case made a copy of the first, sealed columns and seal alike
    worker = bahagia_caseworker.membership
    first, second = open_case(worker), open_case(worker)
    # (register numbers are unique: the first gives up its own, and is sealed so)
    sql("UPDATE cases_case SET register_number = NULL WHERE id = %s", [first.pk])
    reseal(Case, [first.pk])
    for name in sealed_fields()["cases.case"]:
        column = Case._meta.get_field(name).column
        sql(
            f"UPDATE cases_case SET {column} = "  # noqa: S608 (column names from the model)
            f"(SELECT {column} FROM cases_case WHERE id = %s) WHERE id = %s",
            [first.pk, second.pk],
        )
    tag = RowSeal.objects.get(label="cases.case", object_id=first.pk).tag
    RowSeal.objects.filter(label="cases.case", object_id=second.pk).update(tag=tag)

    # Then the seal does not fit: it binds the id of the row it was made for
    assert problems() == {("cases.case", second.pk, SealProblem.EDITED)}


def test_a_later_save_by_the_application_does_not_bless_an_edit(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    # Given a case moved to "closed" with SQL
    worker = bahagia_caseworker.membership
    case = ready_case(bahagia_volunteer.membership, worker)
    sql("UPDATE cases_case SET danger_now = %s WHERE id = %s", [True, case.pk])

    # When the application later writes the row for its own reasons
    case.refresh_from_db()
    workflow.case_activate(actor=worker, case=case)

    # Then the row is still named
    assert problems() == {("cases.case", case.pk, SealProblem.EDITED)}


def test_a_save_of_unsealed_columns_leaves_the_seal_alone(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    sql("UPDATE cases_case SET status = %s WHERE id = %s", ["closed", case.pk])

    with CaptureQueriesContext(connection) as queries:
        case.save(update_fields=["updated_at"])

    assert not any("audit_rowseal" in query["sql"] for query in queries.captured_queries)
    assert problems() == {("cases.case", case.pk, SealProblem.EDITED)}


def test_the_verification_of_a_clean_table_passes_and_a_chain_check_can_skip_it(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    sql("UPDATE cases_case SET status = %s WHERE id = %s", ["closed", case.pk])

    out = StringIO()
    with translation.override("en"):
        call_command("audit_verify", "--no-seals", stdout=out)
    assert "Row seals" not in out.getvalue()


# --- Cost --------------------------------------------------------------------------------


def _verify_queries(batch_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        verify_seals(batch_size=batch_size)
    return len(queries.captured_queries)


def test_verification_reads_in_batches_not_row_by_row(bahagia_caseworker: Persona) -> None:
    worker = bahagia_caseworker.membership
    for _ in range(3):
        open_case(worker)
    few = _verify_queries(batch_size=100)
    for _ in range(12):
        open_case(worker)
    assert Case.objects.count() == 15

    assert _verify_queries(batch_size=100) == few  # 15 rows: still one batch per table
    # Two queries per table (rows, seals) when all fit in a batch; more only per batch.
    assert few == 2 * len(sealed_fields())
    assert _verify_queries(batch_size=4) <= few + 2 * (15 // 4 + 1)
    assert verify_seals(batch_size=4).ok


# --- Existing installations and rewrites -------------------------------------------------


def test_the_migration_seals_what_is_registered(referred: Referral) -> None:
    assert {label: tuple(fields) for label, fields in _MIGRATION.SEALED.items()} == (
        sealed_fields()
    ), "the sealed columns changed: add a migration that seals the rows again"

    # An installation upgrading: its rows have no seals yet
    RowSeal.objects.all().delete()
    assert {m.problem for m in verify_seals().mismatches} == {SealProblem.UNSEALED}

    class Editor:
        connection = connection

    _MIGRATION.seal_everything(django_apps, Editor())
    _MIGRATION.seal_everything(django_apps, Editor())  # running it again changes nothing

    assert verify_seals().ok
    assert RowSeal.objects.count() == verify_seals().checked


def test_a_re_encryption_inside_resealing_keeps_the_good_seals_only(
    bahagia_caseworker: Persona,
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    good = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    tampered = consent_for_referral(worker, case, victim, OrganisationType.DP3A)
    sql("UPDATE cases_consent SET purpose = %s WHERE id = %s", ["SERVICES", tampered.pk])
    ring = field_key_ring()
    label = "cases.Consent.witness_name"

    # As rotate_keys rewrites a batch: new ciphertexts, the same witness names
    with transaction.atomic(), resealing(Consent, [good.pk, tampered.pk]):
        for pk in (good.pk, tampered.pk):
            token = raw("SELECT witness_name FROM cases_consent WHERE id = %s", [pk])[0][0]
            sql(
                "UPDATE cases_consent SET witness_name = %s WHERE id = %s",
                [ring.encrypt(ring.decrypt(token, label=label), label=label), pk],
            )

    assert problems() == {("cases.consent", tampered.pk, SealProblem.EDITED)}


def test_a_mismatch_names_the_row_and_the_problem_only() -> None:
    mismatch = SealMismatch("cases.consent", 7, SealProblem.ORPHANED)
    with translation.override("en"):
        assert str(mismatch).startswith("cases.consent #7: orphaned: ")
