"""The social pages end to end through the test client: a household registered and
filled in, proposed, taken through every step by the people who take them, and the
outcome on the case. Bad input shows the form's error and changes nothing."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sipakatau.audit.models import AuditEvent
from sipakatau.cases.services import care
from sipakatau.referrals.tests.support import case_with_victim
from sipakatau.social import services
from sipakatau.social.models import (
    CivilDocument,
    DtsenRecord,
    Household,
    ProposalBatch,
    ProposalItem,
    ScreeningRule,
    WorklistEntry,
)
from tests.factories import Persona, english

from .conftest import household, kk

# The forms of the household page carry a prefix each (one page, several forms).
PREFIXES = {
    "member_add": "member",
    "dtsen_add": "dtsen",
    "document_set": "doc",
    "document_help_add": "help",
    "enrolment_set": "enrol",
    "propose": "propose",
}


def _post(persona: Persona, name: str, data: dict[str, Any], *args: int) -> Any:
    prefix = PREFIXES.get(name)
    if prefix:
        data = {f"{prefix}-{key}": value for key, value in data.items()}
    return english(persona.client).post(reverse(f"social:{name}", args=args), data)


def _get(persona: Persona, name: str, *args: int) -> Any:
    return english(persona.client).get(reverse(f"social:{name}", args=args))


def test_a_wrong_kk_number_is_refused_with_the_reason_and_nothing_is_saved(
    bahagia_caseworker: Persona, ws
) -> None:
    response = _post(
        bahagia_caseworker, "household_create", {"kk_number": "123", "rw": "2", "rt": "1"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Household.objects.exists()


def test_a_duplicate_kk_is_refused_on_the_page(bahagia_caseworker: Persona, ws) -> None:
    number = kk()
    first = _post(
        bahagia_caseworker, "household_create", {"kk_number": number, "rw": "2", "rt": "1"}
    )
    assert first.status_code == 302
    again = _post(
        bahagia_caseworker, "household_create", {"kk_number": number, "rw": "3", "rt": "1"}
    )
    assert "already registered" in again.content.decode()
    assert Household.objects.count() == 1


def test_the_household_page_records_members_dtsen_and_documents(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona, ws
) -> None:
    created = _post(
        bahagia_caseworker,
        "household_create",
        {"kk_number": kk(), "rw": "2", "rt": "1", "address": "Jl. Bau Massepe 3"},
    )
    home = Household.objects.get()
    assert created["Location"].startswith(reverse("social:household_detail", args=[home.pk]))
    assert (
        _post(
            bahagia_caseworker,
            "member_add",
            {"relationship": "KEPALA", "name": "Hasnah", "sex": "P", "age_estimate": "40"},
            home.pk,
        ).status_code
        == 302
    )
    head = home.members.get().person
    # A second head is refused, with the reason, and nothing changes
    refused = _post(
        bahagia_caseworker,
        "member_add",
        {"relationship": "KEPALA", "name": "Lain", "sex": "L"},
        home.pk,
    )
    assert "already has a head" in refused.content.decode()
    assert home.members.count() == 1
    # A desil for a household not in DTSEN is refused
    bad = _post(
        bahagia_caseworker,
        "dtsen_add",
        {"status": "NOT_LISTED", "desil": "3", "source": "KATA_WARGA", "known_on": "2026-11-01"},
        home.pk,
    )
    assert "Only a household in DTSEN has a desil" in bad.content.decode()
    assert not DtsenRecord.objects.exists()
    assert (
        _post(
            bahagia_caseworker,
            "dtsen_add",
            {"status": "LISTED", "desil": "3", "source": "CEK_BANSOS", "known_on": "2026-11-01"},
            home.pk,
        ).status_code
        == 302
    )
    # The kader records a missing akta and the help she gave
    assert (
        _post(
            bahagia_volunteer,
            "document_set",
            {"person": head.pk, "kind": "KTP_EL", "status": "MISSING", "is_pbi": ""},
            home.pk,
        ).status_code
        == 302
    )
    assert (
        _post(
            bahagia_volunteer,
            "document_help_add",
            {
                "person": head.pk,
                "kind": "KTP_EL",
                "help_given": "Diantar ke Disdukcapil",
                "helped_on": "2026-11-02",
                "outcome": "PENDING",
            },
            home.pk,
        ).status_code
        == 302
    )
    page = _get(bahagia_caseworker, "household_detail", home.pk).content.decode()
    assert "Hasnah" in page and "desil 3" in page and "Diantar ke Disdukcapil" in page
    assert CivilDocument.objects.get(person=head).status == "MISSING"
    assert AuditEvent.objects.filter(action="household.viewed").exists()


def test_the_worklist_and_screening_pages(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    household(bahagia_coordinator.membership, ws, head="Ibu Tua", age_estimate=70)
    # Dinsos tries a rule: the page shows the count and saves nothing
    tried = _post(
        dinsos_officer,
        "rule_create",
        {
            "programme": "PKH",
            "expression": "has_elderly and not in_pkh",
            "description": "Lansia tanpa PKH",
            "is_active": "on",
            "action": "test",
        },
    )
    assert "1 would be flagged" in tried.content.decode()
    assert not ScreeningRule.objects.exists()
    broken = _post(
        dinsos_officer,
        "rule_create",
        {"programme": "PKH", "expression": "umur > 60", "description": "x", "action": "save"},
    )
    assert "is not a known fact" in broken.content.decode()
    assert not ScreeningRule.objects.exists()
    saved = _post(
        dinsos_officer,
        "rule_create",
        {
            "programme": "PKH",
            "expression": "has_elderly and not in_pkh",
            "description": "Lansia tanpa PKH",
            "is_active": "on",
            "action": "save",
        },
    )
    assert saved.status_code == 302
    # The kelurahan runs the screening and sees the household on its worklist, and why
    assert _post(bahagia_coordinator, "screening_run", {}).status_code == 302
    page = _get(bahagia_coordinator, "worklist").content.decode()
    assert "Lansia tanpa PKH" in page
    entry = WorklistEntry.objects.get()
    assert _post(bahagia_coordinator, "worklist_dismiss", {}, entry.pk).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "DISMISSED"


def test_a_batch_through_every_step_on_the_pages_ends_on_the_case(
    bahagia_caseworker: Persona,
    bahagia_coordinator: Persona,
    lurah: Persona,
    dinsos_officer: Persona,
    ws,
) -> None:
    # Given a victim in a household, flagged by her case's needs assessment
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={})
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    care.assessment_record(
        actor=bahagia_caseworker.membership,
        case=case,
        risk_level="MEDIUM",
        risk_criteria=[],
        needs={"ECONOMIC": "Tanpa penghasilan"},
    )
    assert WorklistEntry.objects.get().household == home

    # When the coordinator starts the month's batch and proposes the household
    today = timezone.localdate()
    made = _post(
        bahagia_coordinator,
        "batch_list",
        {"month": today.isoformat(), "dinsos": dinsos_officer.organisation.pk},
    )
    batch = ProposalBatch.objects.get()
    assert made.status_code == 302
    assert (
        _post(
            bahagia_coordinator,
            "propose",
            {"batch": batch.pk, "programme": "PKH", "person": ""},
            home.pk,
        ).status_code
        == 302
    )
    item = ProposalItem.objects.get()
    assert item.worklist_entry is not None
    # A step taken too early is refused with the reason
    _post(bahagia_coordinator, "batch_advance", {"to_state": "VERVAL"}, batch.pk)
    batch.refresh_from_db()
    assert batch.state == "DRAFT"
    _post(bahagia_coordinator, "batch_advance", {"to_state": "MUSYAWARAH"}, batch.pk)
    bad = _post(
        bahagia_coordinator,
        "batch_musyawarah",
        {"held_on": today.isoformat(), "place": "", "attendance": "", "decisions": ""},
        batch.pk,
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    _post(
        bahagia_coordinator,
        "batch_musyawarah",
        {
            "held_on": today.isoformat(),
            "place": "Aula Kantor Lurah",
            "attendance": "Lurah\nKetua RW 002",
            "decisions": "Diusulkan 1 KK",
        },
        batch.pk,
    )
    _post(bahagia_coordinator, "batch_advance", {"to_state": "VERVAL"}, batch.pk)
    _post(
        bahagia_coordinator,
        "item_verify",
        {f"i{item.pk}-result": "LAYAK", f"i{item.pk}-verified_on": today.isoformat()},
        item.pk,
    )
    _post(bahagia_coordinator, "batch_advance", {"to_state": "INPUT_SIKS"}, batch.pk)
    # Dinsos does not see it before the Lurah signs
    assert _get(dinsos_officer, "batch_detail", batch.pk).status_code == 404
    assert _post(lurah, "batch_sign", {}, batch.pk).status_code == 302
    page = _get(dinsos_officer, "batch_detail", batch.pk).content.decode()
    assert "Approve (Dinsos)" in page
    _post(dinsos_officer, "batch_advance", {"to_state": "DISAHKAN_DINSOS"}, batch.pk)
    refused = _post(dinsos_officer, "item_outcome", {f"o{item.pk}-outcome": "DITOLAK"}, item.pk)
    assert "Write why it was refused" in refused.content.decode()
    _post(dinsos_officer, "item_outcome", {f"o{item.pk}-outcome": "DITETAPKAN"}, item.pk)
    _post(dinsos_officer, "batch_advance", {"to_state": "DITETAPKAN"}, batch.pk)
    batch.refresh_from_db()
    assert batch.state == "DITETAPKAN"

    # Then the files download, and the case shows the outcome with a link to the household
    for name in ("batch_bnba_xlsx", "batch_bnba_pdf", "batch_minutes_pdf"):
        assert _get(dinsos_officer, name, batch.pk).status_code == 200
    assert AuditEvent.objects.filter(action="proposal_batch.exported").count() == 3
    case_page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))
    section = case_page.content.decode().split('id="social"')[1].split("</section>")[0]
    assert "PKH</strong>: accepted" in section
    assert reverse("social:household_detail", args=[home.pk]) in section


def test_the_batch_page_shows_a_late_cutoff(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    batch = services.batch_create_for_month(
        actor=bahagia_coordinator.membership,
        kelurahan=ws,
        month=timezone.localdate().replace(day=1) - timedelta(days=40),
        dinsos=dinsos_officer.organisation,
    )
    page = _get(bahagia_coordinator, "batch_detail", batch.pk).content.decode()
    assert 'class="late"' in page and "Late by" in page
    listing = _get(bahagia_coordinator, "batch_list").content.decode()
    assert "Late" in listing


def test_kelurahan_staff_register_a_new_member_from_the_kk_and_a_volunteer_may_not(
    ws_staff: Persona, bahagia_volunteer: Persona, ws
) -> None:
    # Given a household of Watang Soreang kept by the kelurahan office
    home = household(ws_staff.membership, ws, head=None)
    member = {"relationship": "ANAK", "name": "Nur Aisyah", "sex": "P", "age_estimate": "9"}

    # When the kelurahan officer writes a member who is not yet recorded anywhere
    response = _post(ws_staff, "member_add", member, home.pk)

    # Then the person is recorded (encrypted, audited) and is a current member
    assert response.status_code == 302
    added = home.members.get()
    assert added.person.name == "Nur Aisyah" and added.end_date is None
    assert AuditEvent.objects.filter(
        action="person.created", actor_id=ws_staff.membership.user_id
    ).exists()

    # And a volunteer, who does not manage households, cannot add one
    refused = _post(bahagia_volunteer, "member_add", member | {"name": "Orang Lain"}, home.pk)
    assert refused.status_code in {403, 404}
    assert home.members.count() == 1
