"""The menu and the home page offer each role what its permission bundles open, and
nothing else (accounts.permissions.menu_for)."""

import pytest
from django.urls import reverse

from sipakatau.accounts.models import Membership, Role
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
    Role.ADMIN: {"manage_accounts", "read_directory"},
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_offered_what_its_bundles_open(role: str) -> None:
    membership = Membership(role=role, is_active=True)

    offered = {name for name, allowed in menu_for(membership).items() if allowed}

    assert offered == OFFERED[Role(role)]


def test_nothing_is_offered_without_an_active_membership() -> None:
    assert not any(menu_for(None).values())
    assert not any(menu_for(Membership(role=Role.ADMIN, is_active=False)).values())
    assert set(menu_for(None)) == set(MENU)


@pytest.mark.english
def test_the_home_page_offers_a_kader_her_reports_and_a_caseworker_the_units_cases(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    kader = bahagia_volunteer.client.get(reverse("accounts:home")).content.decode()
    caseworker = bahagia_caseworker.client.get(reverse("accounts:home")).content.decode()

    assert "Your reports and your follow-ups." in kader
    assert "the unit's cases" not in kader
    assert "Your cases, the unit's cases, and what is due." in caseworker
    assert reverse("public:inbox") in caseworker
    assert reverse("public:inbox") not in kader
    for page in (kader, caseworker):
        assert reverse("accounts:user_list") not in page
        assert reverse("referrals:inbox") not in page


def test_the_menu_offers_an_admin_accounts_and_an_agency_its_inbox(
    bahagia_admin: Persona, dinsos_officer: Persona
) -> None:
    admin_page = bahagia_admin.client.get(reverse("accounts:home")).content.decode()
    officer_page = dinsos_officer.client.get(reverse("accounts:home")).content.decode()

    assert reverse("accounts:user_list") in admin_page
    assert reverse("accounts:organisation_list") in admin_page
    assert reverse("cases:case_list") not in admin_page
    assert reverse("mechanisms:mechanism_list") not in admin_page
    assert reverse("referrals:inbox") in officer_page
    assert reverse("accounts:user_list") not in officer_page
    assert reverse("cases:case_list") not in officer_page
