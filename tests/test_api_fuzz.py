"""schemathesis against the API's own OpenAPI document (issue 18), in process through the
WSGI application: every operation, under a token of every role and anonymously.

Every check schemathesis has is on: no server error; status code, content type, headers
and body as documented; data the schema allows is taken (positive_data_acceptance) and
data it forbids is refused (negative_data_rejection); an operation that needs
authentication refuses the request without the credential and with a wrong one
(ignored_auth: the token is given through schemathesis' auth mechanism, so it knows which
credential is ours); a missing required header and an undeclared method are refused
(missing_required_header, unsupported_method, allow_header_conformance); and, over chains
of calls, an object deleted stays gone and an object created can be read (use_after_free,
ensure_resource_availability).

Passes per operation: valid random data; invalid data (schemathesis' negative mode); the
coverage phase (boundary values, each required header missing, undeclared methods); and
valid data with the path naming real objects of one unit, where the path names only kinds
the world below has. The short run (CI) keeps ``SIPAKATAU_FUZZ_EXAMPLES`` (2) examples
per pass, and sends invalid data and the coverage phase under one role only (the
coordinator, who may do most) and valid data anonymously; ``SIPAKATAU_FUZZ_FULL=1`` runs
every pass under every role (``make fuzz``, with more examples and chains). Each failure
found becomes a regression test in tests/test_api_bad_input.py.
"""

import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Config, GenerationMode
from schemathesis.auths import AuthContext, AuthStorage, set_on_generated_case
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis.builder import HypothesisTestMode
from schemathesis.generation.meta import CoverageScenario
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.accounts.tokens import api_token_issue
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SIPAKATAU_FUZZ_EXAMPLES", "2"))
FULL = os.environ.get("SIPAKATAU_FUZZ_FULL", "") == "1"
ALL_PASSES = ("positive", "negative", "coverage", "real")
# Every check schemathesis has for one answer. The stateful ones (use_after_free,
# ensure_resource_availability) need a sequence of calls: see the state machine below.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    ignored_auth,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]
# A chain of calls adds the two checks that need one: an object deleted stays gone, an
# object created can be read.
STATEFUL_CHECKS = [*CHECKS, use_after_free, ensure_resource_availability]
CHAINS = int(os.environ.get("SIPAKATAU_FUZZ_CHAINS", "20"))
ANONYMOUS = "anonymous"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# Requests the document calls valid that the API refuses with 422 for a reason no JSON
# Schema can state: positive_data_acceptance accepts a 422 from these operations only
# (its default list already holds 401, 403, 404 and 409). Every other operation must take
# every request its schema allows. By reason:
REFUSED_FOR_STATE = [
    # The object named must exist, or be this unit's, this case's, this version's: a
    # cursor from this very list, an area code, a person of the unit, a party of the case,
    # a provider of the directory, a comment of this version, a code of a code list
    # (tables, not literals: docs/data-dictionary.md), reports of this inbox.
    "GET /api/v1/cases",
    "POST /api/v1/cases/search",
    "GET /api/v1/referrals/received",
    "GET /api/v1/directory/providers",
    "POST /api/v1/directory/providers",
    "POST /api/v1/directory/providers/{provider_id}",
    "POST /api/v1/cases",
    "POST /api/v1/cases/{case_id}/assign",
    "POST /api/v1/cases/{case_id}/follow-ups",
    "POST /api/v1/cases/{case_id}/consents",
    "POST /api/v1/cases/{case_id}/identity",
    "POST /api/v1/cases/{case_id}/relationships",
    "POST /api/v1/cases/{case_id}/incident",
    "POST /api/v1/cases/{case_id}/classification",
    "POST /api/v1/cases/{case_id}/plan-items",
    "POST /api/v1/cases/{case_id}/assessments",
    "PUT /api/v1/cases/parties/{party_id}/particulars",
    "PUT /api/v1/cases/{case_id}/incident/details",
    "POST /api/v1/mechanisms",
    "POST /api/v1/mechanisms/versions/{version_id}/comments",
    "POST /api/v1/mechanisms/versions/{version_id}/duties",
    "POST /api/v1/mechanisms/versions/{version_id}/pathway",
    "POST /api/v1/referrals/cases/{case_id}",
    "POST /api/v1/referrals/cases/{case_id}/preview",
    "POST /api/v1/public/inbox/flood",
    "POST /api/v1/public/reports",
    # A victim's particulars come from code lists; a step's deadlines need its action and
    # trigger, and an action is recorded by one step of a version only.
    "POST /api/v1/cases/{case_id}/parties",
    "POST /api/v1/mechanisms/versions/{version_id}/steps",
    # A perpetrator's relation is to a victim of the same case; a decree keeps at least
    # one consideration (Menimbang) and one legal basis (Mengingat) that is not blank.
    "PUT /api/v1/cases/parties/{party_id}/perpetrator",
    "PATCH /api/v1/mechanisms/versions/{version_id}",
    # A KK number must be a real one (16 digits holding a region code and a date) and
    # not another household's; a classification code one of the archive office's.
    "POST /api/v1/social/households",
    "PATCH /api/v1/mechanisms/{mechanism_id}",
    # The report code and PIN must be a pair the site gave out.
    "POST /api/v1/public/messages",
    "POST /api/v1/public/track",
    # The object's state must allow the step (a case that is not assessed cannot become
    # active, a referral answered once cannot be answered again, a version that is the
    # first has nothing to compare with, a meeting is recorded after it was held): the
    # services answer 422 with the reason.
    "POST /api/v1/cases/{case_id}/activate",
    "POST /api/v1/cases/{case_id}/monitor",
    "POST /api/v1/cases/{case_id}/reopen",
    "POST /api/v1/cases/{case_id}/closures",
    "GET /api/v1/mechanisms/versions/{version_id}/diff",
    "POST /api/v1/mechanisms/versions/{version_id}/issue",
    "POST /api/v1/mechanisms/versions/{version_id}/new-version",
    "POST /api/v1/mechanisms/versions/{version_id}/transition",
    "POST /api/v1/mechanisms/versions/{version_id}/meetings",
    "POST /api/v1/referrals/{referral_id}/accept",
    "POST /api/v1/referrals/{referral_id}/cancel",
    "POST /api/v1/referrals/{referral_id}/complete",
    "POST /api/v1/referrals/{referral_id}/decline",
    "POST /api/v1/referrals/{referral_id}/start",
    # An upload's content must be what its type says (a PDF, an image, a workbook): the
    # document can say "binary", not "a readable PNG". (An empty file is no longer a reason:
    # the document says ``minLength: 1``, so schemathesis sends one as invalid data, and
    # every upload refuses it, tests/test_api_strict_input.py.)
    "POST /api/v1/cases/{case_id}/attachments",
    "POST /api/v1/directory/import",
    "POST /api/v1/mapping/questionnaires",
    "POST /api/v1/mapping/questionnaires/{questionnaire_id}/imports",
    "PUT /api/v1/mechanisms/{mechanism_id}/crest",
]
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONFIG = {
    # A NUL in any text is refused with 422 (lib/middleware.py: PostgreSQL cannot store
    # it); the document says so in its description, but JSON Schema has no way to say it
    # of every string short of a pattern on each, so schemathesis is told not to send one.
    "generation": {"allow-x00": False},
    "operations": [
        {
            "include-name": REFUSED_FOR_STATE,
            "checks": {
                "positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}
            },
        }
    ],
}


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)  # operations that once answered 2xx
    # (role, operation) whose refusal of a missing and of a wrong credential ignored_auth
    # has seen once: it probes on every 2xx otherwise (schemathesis' engine keeps the
    # same set; a hand-made loop has to).
    enforced: set[tuple[str, str]] = field(default_factory=set)


def role_auth(membership: Membership | None) -> AuthStorage | None:
    """The role's bearer token, given through schemathesis' auth mechanism rather than as
    a header of the call: then it knows the credential is ours (ignored_auth sends the
    request again without it and with a wrong one, and expects 401), and it drops the
    session cookie it would otherwise make up for the document's other way in. One token
    for each operation and pass, issued when the first case asks: one of the operations
    revokes the token it is sent with."""
    if membership is None:
        return None
    issued: list[str] = []

    class RoleToken:
        def get(self, case: Any, context: Any) -> str:
            if not issued:
                issued.append(api_token_issue(membership=membership).token)
            return issued[0]

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    storage: AuthStorage = AuthStorage()
    storage.auth(refresh_interval=None)(RoleToken)
    return storage


def coverage_cases(operation: Any, auth: AuthStorage | None) -> Iterator[Any]:
    """schemathesis' coverage phase: boundary values, every required header missing, and
    the methods the path does not declare (missing_required_header and unsupported_method
    look only at these). The short run keeps those two kinds and the first case of each
    other kind; the long run sends them all."""
    config = operation.schema.config
    generation = config.generation_for(operation=operation, phase=HypothesisTestMode.COVERAGE.value)
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=generation.modes,
        generation_config=generation,
        auth_storage=auth,
        override=Override(),
        feedback=FeedbackSources(),
    )
    seen: set[str] = set()
    for case in generator:
        scenario = getattr(case.meta.phase.data, "scenario", None)
        always = scenario in (
            CoverageScenario.UNSPECIFIED_HTTP_METHOD,
            CoverageScenario.MISSING_PARAMETER,
        )
        if FULL or always or scenario not in seen:
            seen.add(scenario)
            yield case


def modes(operation: Any, ids: dict[str, int], wanted: tuple[str, ...]) -> list[str]:
    names = [parameter.name for parameter in operation.path_parameters]
    real = bool(names) and all(name in ids for name in names)
    return [mode for mode in wanted if mode != "real" or real]


def strategy(operation: Any, mode: str, ids: dict[str, int], auth: AuthStorage | None) -> Any:
    if mode == "real":
        path = {parameter.name: ids[parameter.name] for parameter in operation.path_parameters}
        return operation.as_strategy(path_parameters=path, auth_storage=auth)
    generation = GenerationMode.NEGATIVE if mode == "negative" else GenerationMode.POSITIVE
    return operation.as_strategy(generation_mode=generation, auth_storage=auth)


def fuzz(
    schema: Any,
    membership: Membership | None,
    who: str,
    tally: Tally,
    ids: dict[str, int],
    wanted: tuple[str, ...],
) -> None:
    """Run every operation of ``schema`` as ``membership`` (None: anonymously); record the
    first failure of each operation and pass instead of stopping at it."""
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode in modes(operation, ids, wanted):
            label = f"{who} {mode} {operation.label}"
            auth = role_auth(membership)
            began = time.monotonic()
            try:
                if mode == "coverage":
                    for case in coverage_cases(operation, auth):
                        check(case, who, operation, tally)
                else:
                    run_pass(strategy(operation, mode, ids, auth), who, operation, tally)
            except (Exception, BaseExceptionGroup) as error:  # every failure is collected
                tally.failures[label] = str(error)[:1500]
            tally.seconds[label] = time.monotonic() - began


def fresh_idempotency_key(case: Any) -> None:
    """A client sends a new Idempotency-Key with each new request; the same key with
    another request is refused (422 ``key_reused``) by design. The coverage phase sends
    the same boundary value with many bodies, so a valid key is made fresh here; a key
    generated to be invalid is left as it is."""
    headers = case.headers or {}
    negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    if isinstance(headers.get(IDEMPOTENCY_HEADER), str) and not negative:
        headers[IDEMPOTENCY_HEADER] = uuid.uuid4().hex


def check(case: Any, who: str, operation: Any, tally: Tally) -> None:
    fresh_idempotency_key(case)
    response = case.call()
    tally.requests += 1
    answered = 200 <= response.status_code < 300
    if answered:
        tally.answered.add(operation.label)
    key = (who, operation.label)
    excluded = [ignored_auth] if key in tally.enforced else []
    case.validate_response(response, checks=CHECKS, excluded_checks=excluded)
    if who == ANONYMOUS and operation.definition.raw.get("security"):
        assert not answered, f"anonymous got {response.status_code}"
    if answered:
        tally.enforced.add(key)


def run_pass(strategy: Any, who: str, operation: Any, tally: Tally) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not FULL,  # the CI run repeats itself; the long run explores
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        check(case, who, operation, tally)

    run()


@pytest.fixture(autouse=True)
def quiet() -> Any:
    """Thousands of refusals are the point here; only errors are worth printing."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture(autouse=True)
def connection_kept() -> Any:
    """The requests go through the real WSGI handler, whose signals close a connection
    found inside a transaction (on PostgreSQL) — the test's own. Django's test client
    keeps it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def personas(
    bahagia: Organisation,
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    dp3a_officer: Persona,
    lurah: Persona,
    auditor: Persona,
    city_admin: Persona,
) -> dict[str, Persona]:
    return {
        "volunteer": bahagia_volunteer,
        "caseworker": bahagia_caseworker,
        "coordinator": make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator"),
        "agency_officer": dp3a_officer,
        "village_officer": lurah,
        "auditor": auditor,
        "admin": city_admin,
    }


@pytest.fixture
def world(
    bahagia: Organisation, dp3a: Organisation, personas: dict[str, Persona]
) -> dict[str, int]:
    """Real objects of LBK-KK Bahagia (a case with something in every section, a
    referral to DP3A and its provider, the kelurahan's mechanism), by the name of their
    path parameter."""
    from sipakatau.referrals.tests.support import referral_between
    from tests.builders import draft_version, full_case

    case = full_case(personas["caseworker"].membership)
    referral = referral_between(bahagia, dp3a)
    version = draft_version(bahagia)
    return {
        "case_id": case.pk,
        "party_id": case.parties.order_by("pk")[0].pk,
        "attachment_id": case.attachments.order_by("pk")[0].pk,
        "consent_id": case.consents.order_by("pk")[0].pk,
        "provider_id": referral.provider_id,
        "referral_id": referral.pk,
        "version_id": version.pk,
        "mechanism_id": version.mechanism_id,
        "user_id": personas["volunteer"].user.pk,
    }


def test_the_api_keeps_its_document_under_every_role_and_anonymously(
    personas: dict[str, Persona], world: dict[str, int]
) -> None:
    from sipakatau.wsgi import application

    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", application, config=Config.from_dict(CONFIG)
    )
    from django.core.signals import request_started

    tally = Tally()
    started = time.monotonic()
    served: list[int] = []

    def count(**kwargs: Any) -> None:
        served.append(1)

    request_started.connect(count)

    fuzz(schema, None, ANONYMOUS, tally, world, ALL_PASSES if FULL else ("positive",))
    for role, persona in personas.items():
        wanted = ALL_PASSES if FULL or role == "coordinator" else ("positive", "real")
        fuzz(schema, persona.membership, role, tally, world, wanted)

    request_started.disconnect(count)
    print(
        f"\nfuzzed {tally.operations} operations (all, per role), {tally.requests} requests "
        f"(and {len(served) - tally.requests} more the checks sent: ignored_auth without "
        f"and with a wrong credential), {time.monotonic() - started:.0f} s, "
        f"{len(tally.answered)} operations answered 2xx, {len(tally.failures)} failures"
    )
    by_mode: dict[str, float] = {}
    for label, seconds in tally.seconds.items():
        mode = label.split()[1]
        by_mode[mode] = by_mode.get(mode, 0.0) + seconds
    print(", ".join(f"{mode} {seconds:.0f} s" for mode, seconds in sorted(by_mode.items())))
    slowest = sorted(tally.seconds.items(), key=lambda item: -item[1])[:15]
    print("\n".join(f"{seconds:6.2f} s {label}" for label, seconds in slowest))
    report = "\n\n".join(f"{label}:\n{error}" for label, error in sorted(tally.failures.items()))
    assert not tally.failures, report


def test_chains_of_calls_keep_the_document(
    personas: dict[str, Persona], world: dict[str, int]
) -> None:
    """schemathesis' stateful phase: chains of calls along the links it infers from the
    document (the id a POST answers, given to the next call), with every check and the
    two that need a chain, as the coordinator (who may do most) with her token given the
    same way. ``SIPAKATAU_FUZZ_CHAINS`` chains (20) of up to 6 calls; ``make fuzz`` more."""
    from sipakatau.wsgi import application

    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", application, config=Config.from_dict(CONFIG)
    )
    membership = personas["coordinator"].membership
    sent: list[int] = []

    class Chains(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.auth = role_auth(membership)  # a fresh token for each chain

        def before_call(self, case: Any) -> None:
            fresh_idempotency_key(case)
            context = AuthContext(operation=case.operation, app=case.operation.app)
            set_on_generated_case(case, context, self.auth)

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            sent.append(response.status_code)
            case.validate_response(
                response,
                checks=STATEFUL_CHECKS,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    started = time.monotonic()
    Chains.run(
        settings=settings(
            max_examples=CHAINS,
            stateful_step_count=6,
            deadline=None,
            derandomize=not FULL,
            database=None,
            phases=[Phase.generate],  # no shrinking: the first failure, as sent
            suppress_health_check=list(HealthCheck),
        )
    )
    print(
        f"\nchains: {CHAINS}, {len(sent)} requests, "
        f"{sum(200 <= code < 300 for code in sent)} answered 2xx, "
        f"{time.monotonic() - started:.0f} s, 0 failures"
    )
