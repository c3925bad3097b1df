"""Properties of access that must hold for every sequence of events, not just the ones a
person thought of (issue 18):

- taking something away (a membership deactivated or narrowed, a consent withdrawn, an
  agency account suspended) never lets anyone read more than before: the set of
  (person, case) readable and of (person, referral, shared field) a recipient reads
  after a revoke is a subset of the set before it;
- no statistic that leaves a unit shows a count between 1 and the suppression threshold,
  whatever the cases behind it.

Each hypothesis example runs in a savepoint rolled back at its end (as
referrals/tests/test_projection_property.py does), so examples never see each other.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipakatau.accounts.models import (
    Membership,
    Organisation,
    OrganisationType,
    Role,
    RoleRequest,
    User,
)
from sipakatau.accounts.permissions import is_narrower
from sipakatau.accounts.services.memberships import membership_change
from sipakatau.accounts.services.role_requests import role_request_decide
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import Case, Consent
from sipakatau.cases.queries.scope import cases_visible_to
from sipakatau.cases.services import care, intake
from sipakatau.people.services import person_create
from sipakatau.referrals.queries import received_referrals_visible_to
from sipakatau.reports import queries as report_queries
from sipakatau.reports.periods import month_of
from sipakatau.reports.suppression import threshold
from tests.factories import WATANG_SOREANG, make_organisation, make_user

EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _member(organisation: Organisation, role: str, **kwargs: Any) -> Membership:
    user = make_user(organisation, role, **kwargs)
    return Membership.objects.select_related("organisation__area", "user").get(
        user=user, organisation=organisation
    )


# --- (a) Revoking never widens access ----------------------------------------------------


@dataclass
class World:
    unit: Organisation
    health: Organisation
    admin: Membership
    coordinator: Membership  # approves role requests; never changed
    worker: Membership  # made the cases; never changed
    people: list[User]  # whose memberships the examples change
    agency_people: list[User]
    cases: list[Case]


@pytest.fixture
def world(db: None, deadline_rules: None) -> World:
    from sipakatau.referrals.tests.support import case_with_victim, provider_for, refer

    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    health = make_organisation(
        "Puskesmas Lakessi", type=OrganisationType.PUSKESMAS, area_code="73.72.03"
    )
    worker = _member(unit, Role.CASEWORKER)
    cases = []
    for n in range(2):
        case, victim = case_with_victim(worker, name=f"Korban Properti{n}")
        care.consent_record(
            actor=worker,
            case=case,
            subject=victim,
            purpose=ConsentPurpose.REFERRAL,
            recipient_type=OrganisationType.PUSKESMAS,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Ibu RT",
        )
        refer(
            worker,
            case,
            provider_for(health, services=("KESEHATAN",)),
            service_type="KESEHATAN",
            fields=("VICTIM_FULL_NAME", "NEEDS"),
            needs=["ECONOMIC"],
        )
        cases.append(case)
    return World(
        unit=unit,
        health=health,
        admin=_member(unit, Role.ADMIN),
        coordinator=_member(unit, Role.COORDINATOR),
        worker=worker,
        people=[
            make_user(unit, Role.CASEWORKER),
            make_user(unit, Role.VOLUNTEER),
            make_user(unit, Role.COORDINATOR),
        ],
        agency_people=[make_user(health, Role.AGENCY_OFFICER)],
        cases=cases,
    )


Access = frozenset[tuple[Any, ...]]


def access(world: World) -> Access:
    """Everything the changing people can read: (user, case) through cases_visible_to,
    and (user, referral, field, value) of the projections a recipient reads. Every
    membership is asked, inactive ones too: the queries themselves must refuse them."""
    seen: set[tuple[Any, ...]] = set()
    for user in [*world.people, *world.agency_people]:
        for membership in Membership.objects.filter(user=user).select_related("organisation"):
            seen.update(
                ("case", user.pk, pk)
                for pk in cases_visible_to(membership).values_list("pk", flat=True)
            )
            for referral in received_referrals_visible_to(membership):
                seen.update(
                    ("referral", user.pk, referral.pk, field, repr(value))
                    for field, value in (referral.projection or {}).items()
                )
    return frozenset(seen)


def _membership(world: World, user: User) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(
        user=user, organisation__in=[world.unit, world.health]
    )


def _approve_pending(world: World, membership: Membership) -> None:
    """A second person approves what the administrator asked for (a grant or a restore);
    the agency's requests are approved by an administrator of the agency."""
    for request in RoleRequest.objects.filter(membership=membership, status="PENDING"):
        approver = (
            world.coordinator
            if membership.organisation_id == world.unit.pk
            else _member(world.health, Role.ADMIN)
        )
        role_request_decide(actor=approver, request=request, approve=True)


def _admin_of(world: World, membership: Membership) -> Membership:
    if membership.organisation_id == world.unit.pk:
        return world.admin
    return _member(world.health, Role.ADMIN)


UNIT_ROLES = [Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR, Role.AUDITOR]

step = st.one_of(
    st.tuples(st.just("role"), st.integers(0, 2), st.sampled_from(UNIT_ROLES)),
    st.tuples(st.just("deactivate"), st.integers(0, 3)),
    st.tuples(st.just("activate"), st.integers(0, 3)),
    st.tuples(st.just("withdraw"), st.integers(0, 1)),
    st.tuples(st.just("consent"), st.integers(0, 1)),
)


def apply(world: World, event: tuple[Any, ...]) -> bool:
    """Carry out one event through the real services; True when it only takes away."""
    kind = event[0]
    everyone = [*world.people, *world.agency_people]
    if kind in ("role", "deactivate", "activate"):
        membership = _membership(
            world, everyone[event[1]] if kind != "role" else world.people[event[1]]
        )
        role = event[2] if kind == "role" else membership.role
        active = {"deactivate": False, "activate": True}.get(kind, membership.is_active)
        # Deactivating takes away; so does a role that may do nothing the old one may not.
        narrows = kind == "deactivate" or (
            kind == "role" and membership.is_active and is_narrower(role, than=membership.role)
        )
        membership_change(
            actor=_admin_of(world, membership),
            membership=membership,
            role=role,
            is_signatory=False,
            is_active=active,
        )
        _approve_pending(world, membership)
        return narrows
    case = world.cases[event[1]]
    if kind == "withdraw":
        for consent in Consent.objects.filter(case=case, withdrawn_at__isnull=True):
            care.consent_withdraw(actor=world.worker, consent=consent, reason="Ditarik")
        return True
    victim = case.parties.get(role=PartyRole.VICTIM)
    care.consent_record(
        actor=world.worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=OrganisationType.PUSKESMAS,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    return False


@EXAMPLES
@given(events=st.lists(step, min_size=1, max_size=6))
def test_revoking_a_grant_or_a_consent_never_widens_access(
    events: list[tuple[Any, ...]], world: World
) -> None:
    with transaction.atomic():
        before = access(world)
        assert any(item[0] == "referral" for item in before)  # the test can see
        for event in events:
            takes_away = apply(world, event)
            after = access(world)
            if takes_away:
                widened = after - before
                assert not widened, f"{event} after {events}: gained {sorted(widened)[:5]}"
            before = after
        transaction.set_rollback(True)


def test_a_withdrawn_consent_empties_the_recipients_projection(world: World) -> None:
    """The example the property rests on, spelled out: the agency read the shared
    name; once the consent is withdrawn it reads none."""
    before = {item for item in access(world) if item[0] == "referral"}
    assert before
    apply(world, ("withdraw", 0))
    apply(world, ("withdraw", 1))
    assert not {item for item in access(world) if item[0] == "referral"}


# --- (b) No small cell leaves a unit ------------------------------------------------------

WITA = ZoneInfo("Asia/Makassar")
NOVEMBER = month_of(date(2026, 11, 1))
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=WITA)

victim = st.tuples(
    st.sampled_from(["P", "L"]),
    st.sampled_from([15, 30, 45, 70]),
    st.sampled_from(["FISIK", "PSIKIS", "SEKSUAL", "PENELANTARAN"]),
    st.booleans(),  # consent for statistics
)


def numbers(data: Any) -> Iterator[tuple[str, int]]:
    """Every count in the published figures, with where it is."""
    for table in (
        data.get("tables", {}).values()
        if isinstance(data.get("tables"), dict)
        else data.get("tables", [])
    ):
        for row in table["rows"]:
            yield f"{table['key']}.{row['code']}", row["value"]
        yield f"{table['key']}.total", table["total"]
    grids = data.get("grids", {})
    for grid in grids.values() if isinstance(grids, dict) else grids:
        for row in grid["rows"]:
            for n, cell in enumerate(row["cells"]):
                yield f"{grid['key']}.{row['code']}.{n}", cell
            yield f"{grid['key']}.{row['code']}.total", row["total"]
        for column in grid["columns"]:
            yield f"{grid['key']}.col.{column['code']}", column["total"]
        yield f"{grid['key']}.total", grid["total"]
    durations = data.get("durations", {})
    for duration in durations.values() if isinstance(durations, dict) else durations:
        yield f"{duration['key']}.count", duration["count"]


@pytest.fixture
def statistics_world(db: None, deadline_rules: None) -> dict[str, Membership]:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    dp3a = make_organisation("DP3A Parepare", type=OrganisationType.DP3A, area_code="73.72")
    return {
        "worker": _member(unit, Role.CASEWORKER),
        "lurah": _member(unit, Role.VILLAGE_OFFICER, is_signatory=True),
        "dp3a": _member(dp3a, Role.AGENCY_OFFICER),
        "coordinator": _member(unit, Role.COORDINATOR),
    }


def _record(worker: Membership, sex: str, age: int, form: str, consent: bool) -> None:
    case = intake.case_open(
        actor=worker, channel="WALK_IN", reported_at=datetime(2026, 11, 10, 9, tzinfo=WITA)
    )
    person = person_create(actor=worker, name="Korban Statistik", sex=sex, age_estimate=age).person
    party = intake.party_add(actor=worker, case=case, person=person, role=PartyRole.VICTIM)
    intake.incident_record(
        actor=worker,
        case=case,
        occurred_on=date(2026, 11, 9),
        place_type="RUMAH_TANGGA",
        narrative="Uji",
        violence_forms=[form],
    )
    # A child's consent is her guardian's (another party): children stay left out here.
    if consent and age >= 18:
        care.consent_record(
            actor=worker,
            case=case,
            subject=party,
            purpose=ConsentPurpose.STATISTICS,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Ibu RT",
        )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(victims=st.lists(victim, min_size=1, max_size=7))
def test_no_published_figure_has_a_cell_under_the_threshold(
    victims: list[tuple[str, int, str, bool]], statistics_world: dict[str, Membership]
) -> None:
    limit = threshold()
    with transaction.atomic():
        for sex, age, form, consent in victims:
            _record(statistics_world["worker"], sex, age, form, consent)
        # The unit's coordinator sees the exact figures: the test can see the small ones.
        exact = report_queries.statistics_for(
            statistics_world["coordinator"], NOVEMBER, now=NOW
        ).as_data()
        assert any(value for _, value in numbers(exact)), exact
        for reader in ("lurah", "dp3a"):
            published = report_queries.statistics_for(
                statistics_world[reader], NOVEMBER, now=NOW
            ).as_data()
            small = [
                (where, value)
                for where, value in numbers(published)
                if value is not None and 0 < value < limit
            ]
            assert not small, f"{reader} reads {small} from {victims}"
        transaction.set_rollback(True)
