"""A volunteer's cases (issue 19): the intakes she took and the completed cases of her
follow-ups, found from her side (``cases_visible_to``: her intakes and her follow-ups,
put together with a UNION), never by testing every case of the unit. She still sees
exactly those, and neither her list nor her search costs more queries as the unit or her
own cases grow. The plans are in ``test_case_list_plan.py``."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.cases import queries
from sipakatau.cases.codes import Channel
from sipakatau.cases.models import Case, FollowUp
from sipakatau.cases.services import care, intake
from sipakatau.people.queries import MAX_CANDIDATES
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.usefixtures("deadline_rules")


def _draft(actor: Membership) -> Case:
    return intake.case_open(actor=actor, channel=Channel.WALK_IN, draft=True)


def _follow_up(worker: Membership, case: Case, volunteer: Persona) -> FollowUp:
    return care.follow_up_plan(
        actor=worker, case=case, assigned_to=volunteer.user, due_on=date.today()
    )


def _by_the_rule(volunteer: Membership) -> set[int]:
    """Her cases by the rule itself, case by case in Python: of her unit, and either hers
    (a draft too) or completed with a follow-up of hers."""
    return {
        case.pk
        for case in Case.objects.all()
        if case.organisation_id == volunteer.organisation_id
        and (
            case.created_by_id == volunteer.user_id
            or (
                case.intake_completed_at is not None
                and case.follow_ups.filter(assigned_to_id=volunteer.user_id).exists()
            )
        )
    }


def test_a_volunteer_sees_exactly_her_intakes_and_the_cases_of_her_follow_ups(
    bahagia: Organisation,
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    # Given her intakes, one completed and one a draft
    me = bahagia_volunteer.membership
    worker = bahagia_caseworker.membership
    taken, my_draft = open_case(me), _draft(me)
    # a caseworker's case with a follow-up of hers, and one with two (listed once)
    followed, twice = open_case(worker), open_case(worker)
    for case in (followed, twice, twice):
        _follow_up(worker, case, bahagia_volunteer)
    # and what she must not see: the unit's other cases, one with another's follow-up,
    # another kader's intake and draft
    other_kader = make_persona(bahagia, Role.VOLUNTEER).membership
    others = [open_case(worker), open_case(other_kader), _draft(other_kader)]
    care.follow_up_plan(
        actor=worker, case=others[0], assigned_to=bahagia_caseworker.user, due_on=date.today()
    )
    # a draft and another unit's case that name her in a follow-up (test data: no service
    # gives a follow-up on either)
    theirs = open_case(ikhlas_caseworker.membership)
    for case in (_draft(worker), theirs):
        FollowUp.objects.create(
            case=case,
            assigned_to=bahagia_volunteer.user,
            created_by=worker.user,
            due_on=date.today(),
        )

    # When her cases are read
    visible = list(queries.cases_visible_to(me).values_list("pk", flat=True))

    # Then they are exactly hers, each once, as the rule says case by case
    assert sorted(visible) == sorted({taken.pk, my_draft.pk, followed.pk, twice.pk})
    assert set(visible) == _by_the_rule(me)
    # and the API's list gives the same (newest first), a draft included
    items = bearer(bahagia_volunteer).get(API).json()["items"]
    assert {item["id"] for item in items} == set(visible)
    assert len(items) == len(visible)
    # and the unit's caseworker still sees the unit's cases, her draft and another's not
    seen_by_worker = set(queries.cases_visible_to(worker).values_list("pk", flat=True))
    assert {taken.pk, followed.pk, twice.pk, others[0].pk, others[1].pk} <= seen_by_worker
    assert my_draft.pk not in seen_by_worker and others[2].pk not in seen_by_worker
    assert theirs.pk not in seen_by_worker


def test_a_volunteer_finds_by_name_only_the_people_of_her_cases(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    # Given Siti Aminah in her intake, in a case of her follow-up, and in another case
    me = bahagia_volunteer.membership
    worker = bahagia_caseworker.membership
    taken, followed, other = open_case(me), open_case(worker), open_case(worker)
    for case in (taken, followed, other):
        add_party(worker if case != taken else me, case, name="Siti Aminah")
    _follow_up(worker, followed, bahagia_volunteer)

    # When she searches for her
    found = queries.case_search(me, "siti aminah")
    by_api = post(bearer(bahagia_volunteer), f"{API}/search", {"search": "siti aminah"}).json()

    # Then her two cases are found, the other is not
    assert sorted(found.case_ids) == sorted([taken.pk, followed.pk])
    assert sorted(item["id"] for item in by_api["items"]) == sorted([taken.pk, followed.pk])
    assert by_api["too_many"] is False


def _queries(call: object) -> int:
    with CaptureQueriesContext(connection) as run:
        response = call()  # type: ignore[operator]
    assert response.status_code == 200
    return len(run)


def test_a_volunteers_list_and_search_cost_the_same_queries_for_5_and_30_cases(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    me = bahagia_volunteer.membership
    worker = bahagia_caseworker.membership
    page, api = bahagia_volunteer.client, bearer(bahagia_volunteer)
    api.get(API)  # the first request of a token records its use; count the next ones
    counted: dict[int, list[int]] = {}
    for size in (5, 30):
        # Given `size` intakes of hers, as many cases of her follow-ups, and more of the
        # unit's besides
        while Case.objects.filter(created_by_id=me.user_id).count() < size:
            add_party(me, open_case(me), name="Siti Aminah")
            theirs = open_case(worker)
            add_party(worker, theirs, name="Siti Aminah")
            _follow_up(worker, theirs, bahagia_volunteer)
            add_party(worker, open_case(worker), name="Siti Aminah")

        # When she lists her cases and searches, on the page and through the API
        counted[size] = [
            _queries(lambda: page.get(reverse("cases:case_list"))),
            _queries(
                lambda: page.post(reverse("cases:case_list"), {"q": "siti aminah"}, follow=True)
            ),
            _queries(lambda: api.get(API)),
            _queries(lambda: post(api, f"{API}/search", {"search": "siti aminah"})),
        ]
        found = queries.case_ids_matching(me, "siti aminah")
        assert len(found) == min(2 * size, MAX_CANDIDATES)  # the best-ranked people only

    # Then each costs as many queries for 30 as for 5
    assert counted[30] == counted[5]
