"""schemathesis against the API's own OpenAPI document (issue 18), in process through the
WSGI application: every operation, under a token of every role and anonymously.

Checks on every answer: no server error, the status code and the content type are
documented, the body matches the documented schema; and an anonymous request never gets
a 2xx from an operation that needs authentication.

Passes per operation: valid random data; invalid data (schemathesis' negative mode);
and valid data with the path naming real objects of one unit, where the path names only
kinds the world below has. The short run (CI) keeps ``SIPAKATAU_FUZZ_EXAMPLES`` (2)
examples per pass, and sends invalid data under one role only (the coordinator, who may
do most) and valid data anonymously; ``SIPAKATAU_FUZZ_FULL=1`` runs every pass under
every role (``make fuzz``, with more examples). Each failure found becomes a regression
test in tests/test_api_bad_input.py.
"""

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sipakatau.accounts.models import Organisation, Role
from sipakatau.accounts.tokens import api_token_issue
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SIPAKATAU_FUZZ_EXAMPLES", "2"))
FULL = os.environ.get("SIPAKATAU_FUZZ_FULL", "") == "1"
ALL_PASSES = ("positive", "negative", "real")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ANONYMOUS = "anonymous"


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)  # operations that once answered 2xx


def passes(operation: Any, ids: dict[str, int], wanted: tuple[str, ...]) -> list[tuple[str, Any]]:
    found = []
    if "positive" in wanted:
        found.append(("positive", operation.as_strategy(generation_mode=GenerationMode.POSITIVE)))
    if "negative" in wanted:
        found.append(("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)))
    names = [parameter.name for parameter in operation.path_parameters]
    if "real" in wanted and names and all(name in ids for name in names):
        path = {name: ids[name] for name in names}
        found.append(("real", operation.as_strategy(path_parameters=path)))
    return found


def fuzz(
    schema: Any,
    headers: Callable[[], dict[str, str]],
    who: str,
    tally: Tally,
    ids: dict[str, int],
    wanted: tuple[str, ...],
) -> None:
    """Run every operation of ``schema`` with ``headers``; record the first failure of
    each operation and pass instead of stopping at it."""
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode, strategy in passes(operation, ids, wanted):
            label = f"{who} {mode} {operation.label}"
            began = time.monotonic()
            try:
                run_pass(operation, strategy, headers(), anonymous=who == ANONYMOUS, tally=tally)
            except (Exception, BaseExceptionGroup) as error:  # every failure is collected
                tally.failures[label] = str(error)[:1500]
            tally.seconds[label] = time.monotonic() - began


def run_pass(
    operation: Any, strategy: Any, sent: dict[str, str], *, anonymous: bool, tally: Tally
) -> None:
    needs_auth = bool(operation.definition.raw.get("security"))

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
        response = case.call(headers=sent)
        tally.requests += 1
        if 200 <= response.status_code < 300:
            tally.answered.add(operation.label)
        case.validate_response(response, checks=CHECKS, headers=sent)
        if anonymous and needs_auth:
            assert not 200 <= response.status_code < 300, f"anonymous got {response.status_code}"

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

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    tally = Tally()
    started = time.monotonic()

    fuzz(schema, dict, ANONYMOUS, tally, world, ALL_PASSES if FULL else ("positive",))
    for role, persona in personas.items():

        def token(persona: Persona = persona) -> dict[str, str]:
            # A fresh token for each operation: one of them revokes the token it is sent with.
            return {
                "Authorization": f"Bearer {api_token_issue(membership=persona.membership).token}"
            }

        wanted = ALL_PASSES if FULL or role == "coordinator" else ("positive", "real")
        fuzz(schema, token, role, tally, world, wanted)

    print(
        f"\nfuzzed {tally.operations} operations (all, per role), {tally.requests} requests, "
        f"{time.monotonic() - started:.0f} s, {len(tally.answered)} operations answered 2xx, "
        f"{len(tally.failures)} failures"
    )
    slowest = sorted(tally.seconds.items(), key=lambda item: -item[1])[:15]
    print("\n".join(f"{seconds:6.2f} s {label}" for label, seconds in slowest))
    report = "\n\n".join(f"{label}:\n{error}" for label, error in sorted(tally.failures.items()))
    assert not tally.failures, report
