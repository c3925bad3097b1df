"""The menu and the home page offer each role what its permission bundles open, and
nothing else (accounts.permissions.menu_for)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.accounts.permissions import MENU, menu_for
from tests.factories import Persona

# Written out by hand, not derived from the bundles, so a bundle that drifts fails here.
OFFERED = {
    Role.VOLUNTEER: {
        "work_on_cases",
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "map_needs",
    },
    Role.CASEWORKER: {
        "work_on_cases",
        "browse_cases",
        "handle_public_reports",
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "map_needs",
    },
    Role.COORDINATOR: {
        "work_on_cases",
        "browse_cases",
        "handle_public_reports",
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "map_needs",
        "read_statistics",
        "decide_role_requests",
    },
    Role.VILLAGE_OFFICER: {
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "map_needs",
        "read_statistics",
    },
    Role.AGENCY_OFFICER: {
        "answer_referrals",
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "read_statistics",
    },
    Role.AGENCY_MANAGER: {
        "answer_referrals",
        "take_part_in_mechanisms",
        "read_directory",
        "see_social_protection",
        "read_statistics",
    },
    Role.AUDITOR: {"read_audit_trail"},
    Role.ADMIN: {"manage_accounts", "read_directory", "decide_role_requests"},
}


# The organisation each role works in, in this test (an agency is the social office).
WORKS_IN = {
    Role.VILLAGE_OFFICER: OrganisationType.KELURAHAN,
    Role.AGENCY_OFFICER: OrganisationType.DINSOS,
    Role.AGENCY_MANAGER: OrganisationType.DINSOS,
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_offered_what_its_bundles_open(role: str) -> None:
    organisation = Organisation(type=WORKS_IN.get(Role(role), OrganisationType.LBK_KK))
    membership = Membership(role=role, is_active=True, organisation=organisation)

    offered = {name for name, allowed in menu_for(membership).items() if allowed}

    assert offered == OFFERED[Role(role)]


@pytest.mark.parametrize(
    "kind", [OrganisationType.PUSKESMAS, OrganisationType.POLICE_PPA, OrganisationType.LEGAL_AID]
)
def test_a_health_centre_the_police_and_legal_aid_answer_referrals_but_read_no_statistics(
    kind: str,
) -> None:
    membership = Membership(
        role=Role.AGENCY_OFFICER, is_active=True, organisation=Organisation(type=kind)
    )

    offered = {name for name, allowed in menu_for(membership).items() if allowed}

    assert "answer_referrals" in offered and "read_statistics" not in offered


def test_nothing_is_offered_without_an_active_membership() -> None:
    assert not any(menu_for(None).values())
    assert not any(menu_for(Membership(role=Role.ADMIN, is_active=False)).values())
    assert set(menu_for(None)) == set(MENU)


@pytest.mark.english
def test_the_home_page_offers_a_kader_her_reports_and_a_caseworker_the_units_cases(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    kader = bahagia_volunteer.client.get(reverse("accounts:home"))
    caseworker = bahagia_caseworker.client.get(reverse("accounts:home"))

    assertContains(kader, "Your reports and your follow-ups.")
    assertNotContains(kader, "the unit's cases")
    assertContains(caseworker, "Your cases, the unit's cases, and what is due.")
    assertContains(caseworker, reverse("public:inbox"))
    assertNotContains(kader, reverse("public:inbox"))
    for page in (kader, caseworker):
        assertNotContains(page, reverse("accounts:user_list"))
        assertNotContains(page, reverse("referrals:inbox"))


def test_the_menu_offers_an_admin_accounts_and_an_agency_its_inbox(
    bahagia_admin: Persona, dinsos_officer: Persona
) -> None:
    admin_page = bahagia_admin.client.get(reverse("accounts:home"))
    officer_page = dinsos_officer.client.get(reverse("accounts:home"))

    assertContains(admin_page, reverse("accounts:user_list"))
    assertContains(admin_page, reverse("accounts:organisation_list"))
    assertNotContains(admin_page, reverse("cases:case_list"))
    assertNotContains(admin_page, reverse("mechanisms:mechanism_list"))
    assertContains(officer_page, reverse("referrals:inbox"))
    assertNotContains(officer_page, reverse("accounts:user_list"))
    assertNotContains(officer_page, reverse("cases:case_list"))
