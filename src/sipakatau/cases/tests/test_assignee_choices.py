"""Follow-ups and plan items go only to people who can open them: never an administrator
or an auditor of the unit (they see no case content); and the case page links only to
the referrals its viewer may open."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.cases.codes import ServiceType
from sipakatau.cases.models import Case, FollowUp, ServicePlanItem
from sipakatau.cases.services import care
from sipakatau.referrals.tests.support import (
    consent_for_referral,
    provider_for,
    refer,
    referral_rules,  # noqa: F401 (fixture)
)
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona, english, make_persona


@pytest.fixture
def case(bahagia_volunteer: Persona) -> Case:
    """A case whose intake the unit's kader took."""
    case = open_case(bahagia_volunteer.membership)
    add_party(bahagia_volunteer.membership, case)
    return case


@pytest.fixture
def auditor(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.AUDITOR, username="bahagia.auditor")


@pytest.fixture
def other_volunteer(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.VOLUNTEER, username="bahagia.kader2")


def _offered(page: object, *people: Persona) -> dict[str, bool]:
    html = page.content.decode()  # type: ignore[attr-defined]
    return {p.user.username: f'value="{p.user.pk}"' in html for p in people}


def test_the_follow_up_form_offers_the_frontline_and_no_administrator(
    case: Case,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    bahagia_volunteer: Persona,
    other_volunteer: Persona,
    bahagia_admin: Persona,
    auditor: Persona,
) -> None:
    page = bahagia_caseworker.client.get(reverse("cases:follow_up_plan", args=[case.pk]))

    assert page.status_code == 200
    assert _offered(
        page,
        bahagia_caseworker,
        coordinator,
        bahagia_volunteer,
        other_volunteer,
        bahagia_admin,
        auditor,
    ) == {
        "bahagia.pendamping": True,
        "bahagia.koordinator": True,
        "bahagia.kader": True,
        # a kader opens the case through her follow-up
        "bahagia.kader2": True,
        "bahagia.admin": False,
        "bahagia.auditor": False,
    }


def test_the_plan_form_offers_only_who_may_open_the_case(
    case: Case,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    bahagia_volunteer: Persona,
    other_volunteer: Persona,
    bahagia_admin: Persona,
    auditor: Persona,
) -> None:
    page = bahagia_caseworker.client.get(reverse("cases:plan_item_add", args=[case.pk]))

    assert page.status_code == 200
    assert _offered(
        page,
        bahagia_caseworker,
        coordinator,
        bahagia_volunteer,
        other_volunteer,
        bahagia_admin,
        auditor,
    ) == {
        "bahagia.pendamping": True,
        "bahagia.koordinator": True,
        # the kader who took the intake sees the plan; another kader does not
        "bahagia.kader": True,
        "bahagia.kader2": False,
        "bahagia.admin": False,
        "bahagia.auditor": False,
    }


def test_the_services_refuse_an_administrator_in_indonesian(
    case: Case, bahagia_caseworker: Persona, bahagia_admin: Persona, other_volunteer: Persona
) -> None:
    worker = bahagia_caseworker.membership
    due = timezone.localdate() + timedelta(days=3)

    with pytest.raises(ValidationError) as follow_up:
        care.follow_up_plan(actor=worker, case=case, assigned_to=bahagia_admin.user, due_on=due)
    with pytest.raises(ValidationError) as plan_item:
        care.plan_item_add(
            actor=worker,
            case=case,
            service_type=ServiceType.PSIKOSOSIAL,
            owner=other_volunteer.user,
        )

    assert set(follow_up.value.message_dict) == {"assigned_to"}
    assert set(plan_item.value.message_dict) == {"owner"}
    assert not FollowUp.objects.filter(case=case).exists()
    assert not ServicePlanItem.objects.filter(case=case).exists()
    # while a caseworker is accepted
    care.follow_up_plan(actor=worker, case=case, assigned_to=bahagia_caseworker.user, due_on=due)


def test_a_forged_post_for_an_administrator_keeps_the_form_and_stores_nothing(
    case: Case, bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    due = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = bahagia_caseworker.client.post(
        reverse("cases:follow_up_plan", args=[case.pk]),
        {"assigned_to": bahagia_admin.user.pk, "due_on": due},
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert due in response.content.decode()
    assert not FollowUp.objects.filter(case=case).exists()


def test_the_api_refuses_an_administrator_with_a_field_error(
    case: Case, bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    client = bearer(bahagia_caseworker)

    follow_up = post(
        client,
        f"{API}/{case.pk}/follow-ups",
        {"assigned_to_id": bahagia_admin.user.pk, "due_on": due},
    )
    plan_item = post(
        client,
        f"{API}/{case.pk}/plan-items",
        {"service_type": ServiceType.PSIKOSOSIAL, "owner_id": bahagia_admin.user.pk},
    )

    assert follow_up.status_code in {400, 422}
    assert "assigned_to" in follow_up.content.decode()
    assert plan_item.status_code in {400, 422}
    assert "owner" in plan_item.content.decode()
    assert not FollowUp.objects.filter(case=case).exists()


def test_an_outsider_gets_404_for_both_forms(case: Case, ikhlas_caseworker: Persona) -> None:
    for name in ("cases:follow_up_plan", "cases:plan_item_add"):
        assert ikhlas_caseworker.client.get(reverse(name, args=[case.pk])).status_code == 404


# --- Referral links -------------------------------------------------------------------------


@pytest.fixture
def referred(
    case: Case,
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    dinsos: Organisation,
    referral_rules: None,  # noqa: F811
) -> Case:
    worker = bahagia_caseworker.membership
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="MEDIUM",
        risk_criteria=[],
        needs={"ECONOMIC": "Belum menerima bantuan sosial"},
    )
    victim = case.parties.get(role="VICTIM")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    refer(worker, case, provider_for(dinsos))
    return case


def test_the_kader_sees_the_referral_listed_without_a_link_she_cannot_follow(
    referred: Case, bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    referral = referred.referrals.get()
    link = reverse("referrals:referral_detail", args=[referral.pk])

    mine = english(bahagia_volunteer.client).get(reverse("cases:case_detail", args=[referred.pk]))
    theirs = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[referred.pk]))

    # the kader's link would answer 404
    assert bahagia_volunteer.client.get(link).status_code == 404
    assert referral.register_number in mine.content.decode()
    assert link not in mine.content.decode()
    # the caseworker opens it
    assert link in theirs.content.decode()
    assert bahagia_caseworker.client.get(link).status_code == 200
