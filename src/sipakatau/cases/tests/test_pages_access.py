"""Who may open which case page: the unit's caseworkers, the volunteer who took the
intake, a volunteer with a follow-up (that follow-up only) — and nobody else, who gets
404 on every page, by GET and by POST."""

import re
from datetime import date

import pytest
from django.urls import resolve, reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case, FollowUp
from sipakatau.cases.services import care, workflow
from tests.builders import full_case, open_case
from tests.factories import Persona, english, make_persona

CASE_PAGES = [
    "case_detail",
    "intake_victim",
    "intake_incident",
    "intake_done",
    "party_add",
    "case_classify",
    "assessment_add",
    "consent_add",
    "plan_item_add",
    "follow_up_plan",
    "note_add",
    "attachment_add",
    "case_assign",
    "case_status",
    "police_forwarding",
    "closure_request",
    "case_reopen",
]


def _every_page_of(case: Case) -> list[str]:
    actor = case.organisation.memberships.get(user=case.created_by)
    follow_up = care.follow_up_plan(
        actor=actor, case=case, assigned_to=case.created_by, due_on=date.today()
    )
    item = care.plan_item_add(actor=actor, case=case, service_type="PSIKOSOSIAL")
    closure = workflow.closure_request(
        actor=actor, case=case, reason="NOT_A_CASE", summary="Bukan kasus"
    )
    urls = [reverse(f"cases:{name}", args=[case.pk]) for name in CASE_PAGES]
    urls += [
        reverse("cases:follow_up_detail", args=[follow_up.pk]),
        reverse("cases:plan_item_status", args=[item.pk]),
        reverse("cases:closure_decide", args=[closure.pk]),
        reverse("cases:consent_withdraw", args=[case.consents.get().pk]),
        reverse("cases:attachment_download", args=[case.attachments.get().pk]),
    ]
    return urls


GET_ONLY = {"case_detail", "intake_done", "attachment_download"}
POST_ONLY = {"case_status", "police_forwarding", "plan_item_status", "consent_withdraw"}


def _route(url: str) -> str:
    return resolve(url).url_name or ""


def _missing(url: str) -> str:
    """The same route for an object that does not exist."""
    match = resolve(url)
    return reverse(f"cases:{match.url_name}", args=[999_999])


@pytest.mark.parametrize(
    "outsider",
    ["ikhlas_caseworker", "ikhlas_volunteer", "dp3a_officer", "lurah", "auditor", "bahagia_admin"],
)
def test_nobody_outside_the_unit_finds_a_case_page(
    outsider: str, bahagia_caseworker: Persona, request: pytest.FixtureRequest
) -> None:
    case = full_case(bahagia_caseworker.membership)
    urls = _every_page_of(case)
    persona: Persona = request.getfixturevalue(outsider)

    for url in urls:
        route = _route(url)
        # 404 for the method the page takes; a method it never takes answers 405 whether
        # the case exists or not, which says nothing about the case either.
        got = persona.client.get(url).status_code
        assert got == (405 if route in POST_ONLY else 404), f"GET {url}"
        assert got == persona.client.get(_missing(url)).status_code
        posted = persona.client.post(url, {"body": "x", "to": "active"}).status_code
        assert posted == (405 if route in GET_ONLY else 404), f"POST {url}"
        assert posted == persona.client.post(_missing(url), {"body": "x"}).status_code
    assert not AuditEvent.objects.filter(action="case.viewed").exists()
    assert case.notes.count() == 1
    assert case.status == "new"


def test_the_units_caseworker_opens_every_page(
    bahagia_caseworker: Persona, bahagia: Organisation
) -> None:
    coordinator = make_persona(bahagia, Role.COORDINATOR)
    case = full_case(bahagia_caseworker.membership)

    for url in _every_page_of(case):
        if "/status/" in url or "/polisi/" in url or "/tarik/" in url:
            continue  # buttons: POST only
        expected = {200} if "buka-kembali" not in url and "penutupan/" not in url else {200, 302}
        assert coordinator.client.get(url).status_code in expected, url


def test_a_volunteer_sees_her_own_intakes_only(
    bahagia: Organisation, bahagia_volunteer: Persona
) -> None:
    other_volunteer = make_persona(bahagia, Role.VOLUNTEER)
    mine = open_case(bahagia_volunteer.membership)
    theirs = open_case(other_volunteer.membership)
    client = english(bahagia_volunteer.client)

    listing = client.get(reverse("cases:case_list"))
    assertContains(listing, mine.register_number)
    assertNotContains(listing, theirs.register_number)
    assert client.get(reverse("cases:case_detail", args=[mine.pk])).status_code == 200
    for name in ("case_detail", "intake_victim", "note_add"):
        assert client.get(reverse(f"cases:{name}", args=[theirs.pk])).status_code == 404


def test_a_volunteer_may_not_do_what_only_caseworkers_do(bahagia_volunteer: Persona) -> None:
    mine = open_case(bahagia_volunteer.membership)

    for name in (
        "assessment_add",
        "plan_item_add",
        "follow_up_plan",
        "closure_request",
        "case_assign",
    ):
        assert (
            bahagia_volunteer.client.get(reverse(f"cases:{name}", args=[mine.pk])).status_code
            == 403
        )


def test_a_volunteer_with_a_follow_up_sees_only_that_follow_up(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    # Given a caseworker's case with a follow-up for the volunteer and one for herself
    case = full_case(bahagia_caseworker.membership)
    worker = bahagia_caseworker.membership
    hers = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_volunteer.user, due_on=date.today()
    )
    other = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_caseworker.user, due_on=date.today()
    )
    client = english(bahagia_volunteer.client)

    # When she opens the case
    page = client.get(reverse("cases:case_detail", args=[case.pk]))

    # Then she sees the register number and her follow-up, nothing else of the case
    assertContains(page, case.register_number)
    assertContains(page, reverse("cases:follow_up_detail", args=[hers.pk]))
    assertNotContains(page, reverse("cases:follow_up_detail", args=[other.pk]))
    for secret in ("Siti", "Budi", "sapu", "Catatan rahasia", "7372034505900001"):
        assertNotContains(page, secret)
    assert client.get(reverse("cases:follow_up_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("cases:intake_victim", args=[case.pk])).status_code == 404
    attachment = case.attachments.get()
    assert client.get(reverse("cases:attachment_download", args=[attachment.pk])).status_code == 404
    assertNotContains(client.get(reverse("cases:case_list")), case.register_number)
    assertContains(client.get(reverse("cases:follow_up_list")), case.register_number)

    # And she records it
    response = client.post(reverse("cases:follow_up_detail", args=[hers.pk]), {"summary": "Aman"})
    assert response["Location"] == reverse("cases:follow_up_list")
    assert FollowUp.objects.get(pk=hers.pk).done_at is not None


def test_the_case_page_writes_a_case_viewed_event(bahagia_caseworker: Persona) -> None:
    case = full_case(bahagia_caseworker.membership)

    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    assertContains(page, "Siti Aminah")  # the unit's own case: names shown
    assertContains(page, "Budi Santoso")
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.object_id == str(case.pk)
    assert event.actor_id == bahagia_caseworker.user.pk
    assert "incident" in event.fields
    # Field names only: nothing of the case in the event.
    assert "Siti" not in str(event.fields)


def test_no_page_puts_a_name_nik_or_narrative_in_a_url(bahagia_caseworker: Persona) -> None:
    case = full_case(bahagia_caseworker.membership)
    client = english(bahagia_caseworker.client)
    secrets = ("Siti", "Aminah", "Budi", "7372034505900001", "sapu", "rahasia")

    pages = [
        client.get(reverse("cases:case_detail", args=[case.pk])),
        client.get(reverse("cases:case_list") + "?tab=unit"),
        client.get(reverse("cases:intake_incident", args=[case.pk])),
        client.get(reverse("cases:consent_add", args=[case.pk])),
    ]
    searches = [
        client.post(reverse("cases:case_list") + "?tab=unit", {"q": "Siti Aminah"}),
        client.post(reverse("cases:case_list"), {"q": "7372034505900001"}),
    ]

    urls = [response["Location"] for response in searches]
    for page in pages:
        urls += re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
    assert urls
    for url in urls:
        assert not any(secret.lower() in url.lower() for secret in secrets), url
    # The search found the case all the same.
    assertContains(client.get(searches[0]["Location"]), case.register_number)
