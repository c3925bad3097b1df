"""The case page reads each of its sections in one query, however much the case holds
(issue 19: a case of a million-case unit must open as fast as one of a new unit)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case
from sipakatau.cases.services import care, intake
from sipakatau.referrals.codes import SharedField
from sipakatau.referrals.tests.support import (
    consent_for_referral,
    provider_for,
    refer,
    referral_rules,  # noqa: F401 (fixture)
)
from tests.builders import add_party, assess, full_case, plan, png
from tests.factories import Persona

# Every query of one case page, the session, the user, the second factor, the
# membership and its time zone included (five of them: the floor's, see
# docs/benchmarks.md), and on PostgreSQL the audit chain's advisory lock. Lower it when a
# query goes; a new one must say why it is worth ~1 ms on every case opened.
CASE_PAGE_QUERIES = 26

pytestmark = pytest.mark.usefixtures("referral_rules", "deadline_rules")


def _queries_of(persona: Persona, case: Case) -> int:
    with CaptureQueriesContext(connection) as page:
        assert persona.client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    return len(page)


def _add_one_of_everything(persona: Persona, case: Case, dinsos: Organisation) -> None:
    worker = persona.membership
    victim = add_party(worker, case, name="Wati Kusuma")
    perpetrator = add_party(worker, case, PartyRole.PERPETRATOR, name="Andi", sex="L", age=40)
    intake.perpetrator_link_set(
        actor=worker, case=case, victim=victim, perpetrator=perpetrator, relationship="PACAR_TEMAN"
    )
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    refer(
        worker,
        case,
        provider_for(dinsos),
        subject=victim,
        fields=(SharedField.VICTIM_FIRST_NAME,),
    )
    assess(worker, case)
    plan(worker, case)
    care.follow_up_plan(
        actor=worker,
        case=case,
        assigned_to=persona.user,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    care.note_add(actor=worker, case=case, body="Catatan berikutnya")
    care.attachment_add(actor=worker, case=case, title="Foto", filename="foto.png", data=png())


def _referable_case(persona: Persona) -> Case:
    """A full case whose victim agreed to a referral to Dinsos (NIK, telephone and KK
    number on record)."""
    worker = persona.membership
    case = full_case(worker)
    victim = case.parties.get(role=PartyRole.VICTIM)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return case


def test_the_case_page_costs_the_same_queries_however_much_the_case_holds(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    # Given a case with something in every section, opened once (a first request may
    # record what a later one does not)
    case = _referable_case(bahagia_caseworker)
    _queries_of(bahagia_caseworker, case)
    few = _queries_of(bahagia_caseworker, case)

    # When it gains people, relations, consents, referrals, assessments, plan items,
    # follow-ups, notes and files, three times over
    for _ in range(3):
        _add_one_of_everything(bahagia_caseworker, case, dinsos)
    many = _queries_of(bahagia_caseworker, case)

    # Then the page reads them in as many queries as before
    lock = 1 if connection.vendor == "postgresql" else 0
    assert few == many == CASE_PAGE_QUERIES + lock


def test_an_outsider_still_gets_404_for_the_case_page(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    case = full_case(bahagia_caseworker.membership)

    page = ikhlas_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))

    assert page.status_code == 404


def test_the_case_page_reads_no_identity_number_and_no_one_elses_account(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    # Given a case with a NIK, a telephone and a KK number on record, and the work of
    # others in every section (their accounts joined to it)
    case = _referable_case(bahagia_caseworker)
    assert case.parties.get(role=PartyRole.VICTIM).person.has_identity_numbers
    _add_one_of_everything(bahagia_caseworker, case, dinsos)

    # When the case page is opened
    with CaptureQueriesContext(connection) as page:
        response = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))

    # Then it offers to show the numbers, but never read them (they are read, decrypted
    # and audited only when asked), nor an account's password hash or e-mail but the
    # signed-in user's own (the sign-in check)
    assert reverse("cases:identity_reveal", args=[case.pk]) in response.content.decode()
    sql = [query["sql"] for query in page.captured_queries]
    for column in (
        '"people_person"."nik"',
        '"people_person"."phone"',
        '"people_person"."kk_number"',
        '"people_person"."address"',
        '"people_person"."birth_date"',
    ):
        assert not [query for query in sql if column in query], column
    assert len([query for query in sql if '"accounts_user"."password"' in query]) == 1
    assert len([query for query in sql if '"accounts_user"."email"' in query]) == 1
