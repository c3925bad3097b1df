"""The state matrix (``states:`` of src/sipakatau/access_policy.yaml) is complete and true.

For every state-changing API operation on cases, referrals, mechanisms and public reports,
the policy states the answer per role for each state of the object. Each (object kind,
state) is built once through the real services; every operation is then sent by one
person per role of the object's own organisation ("own": LBK-KK Bahagia in Watang
Soreang, or the health agency a referral went to) and of another ("other": LBK-KK Ikhlas
in Watang Bacukiki, or the police), each request in a savepoint that is rolled back, so
every cell sees the object exactly in its state. "other" answers 404 in every cell, unless
the row's ``other:`` says otherwise (the police, a city-wide agency, may read every
kelurahan's mechanism, so it is refused with 403 there, not 404).

A row marked ``xfail`` states the answer the code SHOULD give (survivor safety), and the
test reports the difference as an expected failure until the code is fixed; a row that
starts to match must lose its ``xfail``.

Run with ``STATE_MATRIX_RECORD=/path.yaml`` to write the answers the code gives today (to
review a new row; never to copy blindly).
"""

import json
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.services import care, workflow
from sipakatau.mechanisms import services as mechanism_services
from tests import builders
from tests.factories import (
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    Persona,
    make_organisation,
    make_persona,
    make_user,
)
from tests.policy_file import load_policy

# The state matrix's keys: objects, api, not_stateful.
POLICY: dict[str, Any] = load_policy()["states"]
PREFIXES = ("/api/v1/cases", "/api/v1/referrals", "/api/v1/mechanisms", "/api/v1/public")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Every role, and the Lurah (a kelurahan officer who signs decrees).
ACTORS = [*Role.values, "lurah"]
AGENCY_ROLES = {Role.AGENCY_OFFICER, Role.AGENCY_MANAGER}


def state_changing_operations() -> list[str]:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method.upper() in WRITES and path.startswith(PREFIXES)
    )


def test_every_state_changing_operation_is_in_the_state_policy(db: None) -> None:
    listed = set(POLICY["api"]) | set(POLICY["not_stateful"])
    missing = [op for op in state_changing_operations() if op not in listed]
    where = "states: in src/sipakatau/access_policy.yaml (api or not_stateful)"
    assert not missing, f"Add these to {where}: {missing}"


def test_the_state_policy_names_only_real_operations(db: None) -> None:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    real = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    assert set(POLICY["api"]) | set(POLICY["not_stateful"]) <= real
    assert not set(POLICY["api"]) & set(POLICY["not_stateful"])
    for reason in POLICY["not_stateful"].values():
        assert isinstance(reason, str) and reason.strip(), "say why it is not stateful"


def test_every_row_states_every_state_of_its_object() -> None:
    for operation, row in POLICY["api"].items():
        states = POLICY["objects"][row["object"]]
        missing = [s for s in states if s not in row["states"] and s not in row.get("absent", {})]
        assert not missing, f"{operation}: no answer for states {missing}"
        for state, cells in row["states"].items():
            unknown = set(cells) - {*ACTORS, "others", "xfail", "hides"}
            assert not unknown, f"{operation} {state}: unknown roles {unknown}"


# --- The world: two kelurahan, three agencies --------------------------------------------


@dataclass
class World:
    unit: Organisation  # LBK-KK Bahagia, Watang Soreang: the objects' own unit
    other_unit: Organisation  # LBK-KK Ikhlas, Watang Bacukiki
    health: Organisation  # the agency referrals go to
    police: Organisation  # another agency: "other" for agency roles
    legal: Organisation  # a third agency, for referrals to nobody in this test
    worker: Membership  # the unit's caseworker who builds the objects (not an actor)
    coordinator: Membership  # the unit's coordinator who decides closures (not an actor)
    agency: Membership  # the health agency's officer who answers (not an actor)


def _member(organisation: Organisation, role: str, **kwargs: Any) -> Membership:
    user = make_user(organisation, role, **kwargs)
    return Membership.objects.select_related("organisation__area", "user").get(
        user=user, organisation=organisation
    )


def make_world() -> World:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    other = make_organisation("LBK-KK Ikhlas", area_code=WATANG_BACUKIKI)
    health = make_organisation(
        "Puskesmas Lakessi", type=OrganisationType.PUSKESMAS, area_code="73.72.03"
    )
    police = make_organisation(
        "Unit PPA Polres", type=OrganisationType.POLICE_PPA, area_code="73.72"
    )
    legal = make_organisation("LBH Parepare", type=OrganisationType.LEGAL_AID, area_code="73.72")
    return World(
        unit=unit,
        other_unit=other,
        health=health,
        police=police,
        legal=legal,
        worker=_member(unit, Role.CASEWORKER),
        coordinator=_member(unit, Role.COORDINATOR),
        agency=_member(health, Role.AGENCY_OFFICER),
    )


def actors(world: World) -> dict[tuple[str, str], Persona]:
    """One signed-in person per role and side. Agency roles sit in the health agency
    (own: the referral's recipient) or the police (other); every other role in a unit."""
    people: dict[tuple[str, str], Persona] = {}
    for role in ACTORS:
        for side in ("own", "other"):
            if role in AGENCY_ROLES:
                organisation = world.health if side == "own" else world.police
            else:
                organisation = world.unit if side == "own" else world.other_unit
            if role == "lurah":
                people[role, side] = make_persona(
                    organisation, Role.VILLAGE_OFFICER, is_signatory=True
                )
            else:
                people[role, side] = make_persona(organisation, role)
    return people


# --- Objects in each state, through the real services -------------------------------------


def _provider(world: World) -> int:
    from sipakatau.referrals.tests.support import provider_for

    return provider_for(world.health, services=("KESEHATAN", "PSIKOSOSIAL")).pk


def _case(world: World, state: str) -> dict[str, Any]:
    """A case of the unit with a victim, a perpetrator, consent for services and for a
    referral to health services, a plan item and a follow-up, moved into ``state``."""
    worker, coordinator = world.worker, world.coordinator
    case = builders.open_case(worker)
    victim = builders.add_party(worker, case, name="Siti Aminah")
    perpetrator = builders.add_party(worker, case, PartyRole.PERPETRATOR, name="Budi", sex="L")
    consent = care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=OrganisationType.PUSKESMAS,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    item = care.plan_item_add(actor=worker, case=case, service_type="PSIKOSOSIAL")
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=worker.user, due_on=date.today() + timedelta(days=3)
    )
    closure = None
    if state != "new":
        builders.assess(worker, case)
    if state in ("active", "monitoring", "closure_pending", "closed", "reopened"):
        workflow.case_activate(actor=worker, case=case)
    if state == "monitoring":
        workflow.case_monitor(actor=worker, case=case)
    if state in ("closure_pending", "closed", "reopened"):
        closure = workflow.closure_request(
            actor=worker, case=case, reason="SERVICES_COMPLETED", summary="Layanan selesai"
        )
    if closure is not None and state in ("closed", "reopened"):
        workflow.closure_decide(actor=coordinator, closure=closure, approve=True)
    if state == "reopened":
        workflow.case_reopen(actor=coordinator, case=case, reason="Ada kejadian baru")
    case.refresh_from_db()
    assert case.status == {"closure_pending": "active"}.get(state, state), case.status
    context = {
        "case_id": case.pk,
        "victim_party_id": victim.pk,
        "perpetrator_party_id": perpetrator.pk,
        "consent_id": consent.pk,
        "item_id": item.pk,
        "follow_up_id": follow_up.pk,
        "worker_id": worker.user_id,
        "provider_id": _provider(world),
    }
    if closure is not None:
        context["closure_id"] = closure.pk
    return context


# The referred survivor's first name: shared with the recipient while the referral is open,
# gone from every answer once the sender cancelled it or the consent was withdrawn.
SHARED_NAME = "Kenangawati"


def _referral(world: World, state: str) -> dict[str, Any]:
    from sipakatau.referrals.services import answering, ending
    from sipakatau.referrals.tests.support import case_with_victim, refer

    worker, agency = world.worker, world.agency
    case, victim = case_with_victim(worker, name=f"{SHARED_NAME} Qorib")
    consent = care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=OrganisationType.PUSKESMAS,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    from sipakatau.directory.models import Provider

    referral = refer(
        worker,
        case,
        Provider.objects.get(pk=_provider(world)),
        service_type="KESEHATAN",
        fields=("VICTIM_FIRST_NAME",),
    )
    if state in ("accepted", "in_service", "completed"):
        answering.referral_accept(actor=agency, referral=referral)
    if state in ("in_service", "completed"):
        answering.referral_start_service(actor=agency, referral=referral)
    if state == "completed":
        answering.referral_complete(actor=agency, referral=referral, service_given="Konseling")
    if state == "declined":
        answering.referral_decline(actor=agency, referral=referral, reason="Penuh")
    if state == "cancelled":
        ending.referral_cancel(actor=worker, referral=referral)
    if state == "withdrawn":
        care.consent_withdraw(actor=worker, consent=consent, reason="Korban menarik")
    referral.refresh_from_db()
    assert referral.status == state, referral.status
    return {"referral_id": referral.pk, "case_id": case.pk}


def _mechanism(world: World, state: str) -> dict[str, Any]:
    from sipakatau.directory.codes import ServiceType
    from sipakatau.directory.models import Provider

    version = builders.draft_version(world.unit)
    drafter = builders.officer(world.unit)
    provider = Provider.objects.get(pk=_provider(world))
    entry = mechanism_services.pathway_entry_add(
        actor=drafter, version=version, service_type=ServiceType.KESEHATAN, provider=provider
    )
    comment = mechanism_services.comment_add(actor=drafter, version=version, text="Usul uji")
    lurah = builders.officer(world.unit, signs=True)
    if state == "in_discussion":
        version = mechanism_services.version_transition(
            actor=lurah, version=version, to="in_discussion"
        )
    elif state == "approved":
        version = builders.approved_version(world.unit)
    elif state == "issued":
        version = builders.issued_version(world.unit)
    version.refresh_from_db()
    assert version.status == state, version.status
    return {
        "version_id": version.pk,
        "mechanism_id": version.mechanism_id,
        "step_id": version.steps.order_by("position").first().pk,  # type: ignore[union-attr]
        "duty_id": version.duties.first().pk,  # type: ignore[union-attr]
        "entry_id": entry.pk,
        "comment_id": comment.pk,
        "provider_id": provider.pk,
    }


def _public_report(world: World, state: str) -> dict[str, Any]:
    import uuid

    from sipakatau.public.services import public_report_submit
    from sipakatau.public.services.decisions import public_report_close, public_report_link

    report = public_report_submit(
        idempotency_key=uuid.uuid4().hex,
        kelurahan_code=world.unit.area.code,
        about_self=True,
        what_happened="Laporan uji",
        address=f"state-{uuid.uuid4().hex}",
    ).report
    assert report.organisation_id == world.unit.pk
    other_case = builders.open_case(world.worker)
    builders.add_party(world.worker, other_case)
    if state == "handling":
        public_report_link(actor=world.worker, report=report, case=other_case)
    if state in ("spam", "closed"):
        public_report_close(actor=world.worker, report=report, status=state)
    report.refresh_from_db()
    assert report.status == state, report.status
    return {"report_id": report.pk, "case_id": builders.open_case(world.worker).pk}


BUILDERS = {
    "case": _case,
    "referral": _referral,
    "mechanism_version": _mechanism,
    "public_report": _public_report,
}


# --- Sending one cell ---------------------------------------------------------------------


def _fill(value: Any, context: dict[str, Any]) -> Any:
    text = json.dumps(value)
    for key, item in context.items():
        text = text.replace(f'"{{{key}}}"', json.dumps(item))
    return json.loads(text)


def _send(client: Client, operation: str, row: dict[str, Any], context: dict[str, Any]) -> Any:
    method, path = operation.split(" ", 1)
    names = row.get("path", {})  # {party_id: perpetrator_party_id}: which object of the state
    url = re.sub(r"\{(\w+)\}", lambda m: str(context[names.get(m.group(1), m.group(1))]), path)
    if row.get("multipart"):
        upload = SimpleUploadedFile("foto.png", builders.png(), content_type="image/png")
        return client.post(url, {"file": upload, "title": "Foto"})
    body = json.dumps(_fill(row.get("body", {}), context))
    if method == "GET":
        return client.get(url)
    send = {"POST": client.post, "PUT": client.put, "PATCH": client.patch}.get(method)
    if send is None:
        return client.delete(url)
    return send(url, body, content_type="application/json")


def _expected(cells: dict[str, Any], role: str) -> int:
    answer = cells.get(role, cells.get("others"))
    assert answer is not None, f"no answer for {role}"
    return int(answer)


@pytest.fixture(autouse=True)
def _no_report_rate_limits(settings: Any) -> None:
    settings.PUBLIC_REPORTS_PER_ADDRESS = 10_000
    settings.PUBLIC_REPORTS_PER_KELURAHAN = 10_000


def _cases() -> list[tuple[str, str]]:
    return [(kind, state) for kind, states in POLICY["objects"].items() for state in states]


RECORD = os.environ.get("STATE_MATRIX_RECORD")


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "state"), _cases())
def test_each_state_answers_as_the_state_policy_says(
    kind: str, state: str, deadline_rules: None, programmes: None
) -> None:
    world = make_world()
    people = actors(world)
    context = BUILDERS[kind](world, state)
    rows = {op: row for op, row in POLICY["api"].items() if row["object"] == kind}

    differences: list[str] = []
    expected_failures: dict[str, str] = {}
    xfail_rows_matching: list[str] = []
    recorded: dict[str, dict[str, Any]] = {}
    for operation, row in rows.items():
        cells = row["states"].get(state)
        if cells is None:
            assert state in row.get("absent", {}), f"{operation}: no row for {state}"
            continue
        row_differences: list[str] = []
        answers: dict[str, Any] = {"other": {}}
        for role in ACTORS:
            for side in ("own", "other"):
                with transaction.atomic():
                    response = _send(people[role, side].client, operation, row, context)
                    transaction.set_rollback(True)
                if side == "own":
                    answers[role] = response.status_code
                else:
                    answers["other"][role] = response.status_code
                # Another unit's object is out of scope (404), except where a row says
                # what a city-wide agency may see of a kelurahan's mechanism.
                other = row.get("other", {}).get(role, 404)
                if isinstance(other, dict):
                    other = other[state]
                expected = _expected(cells, role) if side == "own" else other
                if response.status_code != expected and side == "other":
                    # Out of scope is never excused by an xfail of the own side.
                    differences.append(
                        f"{operation} [{state}] as {role} (other): "
                        f"{response.status_code}, policy {expected}"
                    )
                elif response.status_code != expected:
                    row_differences.append(
                        f"{operation} [{state}] as {role} ({side}): "
                        f"{response.status_code}, policy {expected}: {response.content[:160]!r}"
                    )
                text = response.content.decode("utf-8", "replace").lower()
                for hidden in cells.get("hides", []):
                    if hidden.lower() in text:
                        row_differences.append(
                            f"{operation} [{state}] as {role} ({side}): shows {hidden!r}"
                        )
        recorded[operation] = answers
        if "xfail" in cells:
            if row_differences:
                expected_failures[operation] = cells["xfail"]
            else:
                xfail_rows_matching.append(operation)
        else:
            differences += row_differences

    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(yaml.safe_dump({f"{kind}/{state}": recorded}, sort_keys=False))
    assert not differences, "\n".join(differences)
    assert not xfail_rows_matching, f"fixed? remove their xfail: {xfail_rows_matching}"
    if expected_failures:
        pytest.xfail("; ".join(f"{op}: {why}" for op, why in expected_failures.items()))
