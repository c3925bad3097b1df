"""The access policy (src/sipakatau/access_policy.yaml: routes and api) is complete and true.

Every route Django can resolve and every operation in the OpenAPI document must have a
row; every row is checked with real users: one per role in LBK-KK Bahagia, acting on
objects of their own organisation and of LBK-KK Ikhlas. Each answer also carries the
security headers.
"""

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.mapping.tests.support import KINDS as MAPPING_KINDS
from sipakatau.mapping.tests.support import policy_target as mapping_target
from sipakatau.mapping.tests.support_analysis import KINDS as MAPPING_ANALYSIS_KINDS
from sipakatau.mapping.tests.support_analysis import policy_target as mapping_analysis_target
from tests.factories import (
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    make_organisation,
    make_persona,
    make_user,
)
from tests.policy_file import load_policy

# The one policy file; its loader refuses a route or operation written twice.
POLICY: dict[str, dict[str, Any]] = load_policy()
API_META_ROUTES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _walk(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from _walk(
                pattern.url_patterns,
                f"{namespace}:{inner}" if namespace and inner else inner or namespace,
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def page_routes() -> list[str]:
    names = sorted(set(_walk(get_resolver().url_patterns)))
    return [n for n in names if not n.startswith("api:") or n in API_META_ROUTES]


def api_operations() -> list[str]:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    )


def test_every_route_is_in_the_policy() -> None:
    missing = [name for name in page_routes() if name not in POLICY["routes"]]
    assert not missing, f"Add these routes to src/sipakatau/access_policy.yaml: {missing}"


def test_every_api_operation_is_in_the_policy(db: None) -> None:
    missing = [op for op in api_operations() if op not in POLICY["api"]]
    assert not missing, f"Add these API operations to src/sipakatau/access_policy.yaml: {missing}"


def test_the_policy_names_no_route_that_does_not_exist(db: None) -> None:
    assert set(POLICY["routes"]) <= set(page_routes())
    assert set(POLICY["api"]) <= set(api_operations())


@pytest.fixture(autouse=True)
def _no_report_rate_limits(settings: Any) -> None:
    """Every cell sends from the same test address; this test is about access, and the
    public report limits have tests of their own."""
    settings.PUBLIC_REPORTS_PER_ADDRESS = 10_000
    settings.PUBLIC_REPORTS_PER_KELURAHAN = 10_000


# --- Checking every cell ------------------------------------------------------------------


def _expected(row: dict[str, Any], role: str, scope: str) -> int:
    answer = row.get("roles", {}).get(role, row.get("others"))
    if isinstance(answer, dict):
        return int(answer[scope])
    assert answer is not None, f"no answer for role {role}"
    return int(answer)


CASE_KINDS = {"case", "follow_up", "plan_item", "consent", "attachment", "closure", "case_party"}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


def _case_target(kind: str, organisation: Organisation) -> int:
    """A case (or a record on one) made through the real services by a caseworker of
    ``organisation``."""
    from sipakatau.cases.services import care, intake, workflow
    from sipakatau.people.services import person_create

    worker = make_user(organisation, Role.CASEWORKER)
    actor = Membership.objects.select_related("organisation", "user").get(
        user=worker, organisation=organisation
    )
    case = intake.case_open(actor=actor, channel="WALK_IN")
    if kind == "case":
        return case.pk
    if kind == "follow_up":
        return care.follow_up_plan(
            actor=actor, case=case, assigned_to=worker, due_on=date.today()
        ).pk
    if kind == "plan_item":
        return care.plan_item_add(actor=actor, case=case, service_type="PSIKOSOSIAL").pk
    if kind == "attachment":
        return care.attachment_add(
            actor=actor, case=case, title="", filename="foto.png", data=_png()
        ).pk
    if kind == "closure":
        return workflow.closure_request(
            actor=actor, case=case, reason="NOT_A_CASE", summary="Bukan kasus"
        ).pk
    person = person_create(actor=actor, name="Korban Uji", age_estimate=30).person
    victim = intake.party_add(actor=actor, case=case, person=person, role="VICTIM")
    if kind == "case_party":
        return victim.pk
    return care.consent_record(
        actor=actor,
        case=case,
        subject=victim,
        purpose="SERVICES",
        method="VERBAL_WITNESSED",
        witness_name="Saksi",
    ).pk


def _provider_target(organisation: Organisation) -> int:
    """The organisation's own directory entry, located in its area, made through the real
    service by one of its administrators (once: an organisation has one entry)."""
    from sipakatau.directory.queries import provider_for_organisation
    from sipakatau.directory.services import provider_create

    existing = provider_for_organisation(organisation)
    if existing is not None:
        return existing.pk
    admin = make_user(organisation, Role.ADMIN)
    actor = Membership.objects.select_related("organisation__area", "user").get(
        user=admin, organisation=organisation
    )
    return provider_create(
        actor=actor,
        name=f"Layanan {organisation.name}",
        area=organisation.area,
        organisation=organisation,
        services={"PSIKOSOSIAL": ""},
    ).pk


def _referral_target(organisation: Organisation) -> int:
    """A referral from a case of ``organisation`` to ``organisation``'s own inbox, through
    the real services: "own" is then a referral FROM the actor's unit (for caseworkers and
    coordinators) and TO the actor's organisation (for agency roles); "other" is neither."""
    from sipakatau.referrals.tests.support import referral_between

    return referral_between(organisation, organisation).pk


def _public_report_target(organisation: Organisation) -> int:
    """A public report sent through the real service from the organisation's own
    kelurahan, so that it is routed to the organisation."""
    import uuid

    from sipakatau.public.services import public_report_submit

    return public_report_submit(
        idempotency_key=uuid.uuid4().hex,
        kelurahan_code=organisation.area.code,
        about_self=True,
        what_happened="Laporan uji",
        address=f"policy-{uuid.uuid4().hex}",
    ).report.pk


MECHANISM_KINDS = {
    "mechanism",
    "mechanism_version",
    "mechanism_approved",
    "mechanism_issued",
    "mechanism_step",
    "mechanism_pathway",
    "mechanism_duty",
    "mechanism_comment",
    "mechanism_meeting",
    "decree_token",
}


def _mechanism_target(kind: str, organisation: Organisation) -> int | str:
    """The mechanism of the organisation's kelurahan, built through the real services:
    a draft (with the template's steps and duties), or approved, or issued as a decree."""
    from sipakatau.directory.codes import ServiceType
    from sipakatau.mechanisms import services
    from tests import builders

    if kind == "mechanism_approved":
        return builders.approved_version(organisation).pk
    if kind in ("mechanism_issued", "decree_token"):
        version = builders.issued_version(organisation)
        return version.decree.verification_token if kind == "decree_token" else version.pk
    version = builders.draft_version(organisation)
    if kind == "mechanism":
        return version.mechanism_id
    if kind == "mechanism_version":
        return version.pk
    if kind == "mechanism_step":
        return version.steps.first().pk  # type: ignore[union-attr]
    if kind == "mechanism_duty":
        return version.duties.first().pk  # type: ignore[union-attr]
    drafter = builders.officer(organisation)
    if kind == "mechanism_pathway":
        from sipakatau.directory.models import Provider

        provider = Provider.objects.get(pk=_provider_target(organisation))
        existing = version.pathway.filter(provider=provider).first()
        if existing is not None:
            return existing.pk
        return services.pathway_entry_add(
            actor=drafter, version=version, service_type=ServiceType.KESEHATAN, provider=provider
        ).pk
    if kind == "mechanism_comment":
        return services.comment_add(actor=drafter, version=version, text="Usul uji").pk
    if kind == "mechanism_meeting":
        return services.meeting_record(
            actor=drafter, version=version, held_on=date(2026, 11, 2), place="Aula kelurahan"
        ).pk
    raise AssertionError(f"unknown object kind {kind}")


def _monthly_report_target(organisation: Organisation) -> int:
    """A draft monthly report of ``organisation``, for a month it has none of yet."""
    from sipakatau.reports.models import MonthlyReport
    from sipakatau.reports.services.monthly import monthly_report_generate

    n = MonthlyReport.objects.filter(organisation=organisation).count()
    month = date(2001 + n // 12, n % 12 + 1, 1)
    monthly_report_generate(month=month)
    return MonthlyReport.objects.get(organisation=organisation, month=month).pk


SOCIAL_KINDS = {"household", "household_member", "worklist_entry", "batch", "proposal_item", "rule"}


def _social_target(kind: str, organisation: Organisation) -> int:
    """Social-protection objects of ``organisation``'s kelurahan, made through the real
    services by its coordinator (the test's organisations are LBK-KKs): "own" is in the
    actor's kelurahan, "other" in the other kelurahan (404)."""
    from sipakatau.social import services as social
    from sipakatau.social.models import Programme, ProposalBatch, WorklistEntry

    if not Programme.objects.exists():  # emptied by a transactional test before this one
        import importlib

        from django.apps import apps

        importlib.import_module("sipakatau.social.migrations.0002_programmes").load(apps, None)
    coordinator = Membership.objects.select_related("organisation__area", "user").get(
        user=make_user(organisation, Role.COORDINATOR), organisation=organisation
    )
    kelurahan = organisation.area
    if kind == "rule":
        # A rule of a Dinsos office of the kelurahan's kecamatan: seen by that kelurahan.
        office = make_organisation(
            f"Dinsos {kelurahan.parent.code}",  # type: ignore[union-attr]
            type=OrganisationType.DINSOS,
            area_code=kelurahan.parent.code,  # type: ignore[union-attr]
        )
        officer = Membership.objects.select_related("organisation__area", "user").get(
            user=make_user(office, Role.AGENCY_OFFICER), organisation=office
        )
        return social.rule_save(
            actor=officer,
            programme=Programme.objects.get(code="PKH"),
            expression="members >= 1",
            description="Uji",
        ).pk
    n = Membership.objects.count()
    household = social.household_create(
        actor=coordinator, kk_number=f"7372{n:012d}", kelurahan=kelurahan, rw="1", rt="1"
    )
    member = social.household_member_register(
        actor=coordinator, household=household, relationship="KEPALA", name="Kepala Uji"
    )
    if kind == "household":
        return household.pk
    if kind == "household_member":
        return member.pk
    if kind == "worklist_entry":
        from sipakatau.cases.services import care, intake

        case = intake.case_open(actor=coordinator, channel="WALK_IN")
        intake.party_add(actor=coordinator, case=case, person=member.person, role="VICTIM")
        care.assessment_record(
            actor=coordinator,
            case=case,
            risk_level="LOW",
            risk_criteria=[],
            needs={"ECONOMIC": "Uji"},
        )
        return WorklistEntry.objects.get(household=household).pk
    dinsos = make_organisation("Dinsos Uji", type=OrganisationType.DINSOS, area_code="73.72")
    months = ProposalBatch.objects.filter(kelurahan=kelurahan).count()
    batch = social.batch_create_for_month(
        actor=coordinator,
        kelurahan=kelurahan,
        month=date(2001 + months // 12, months % 12 + 1, 1),
        dinsos=dinsos,
    )
    if kind == "batch":
        return batch.pk
    return social.batch_add_item(
        actor=coordinator,
        batch=batch,
        household=household,
        programme=Programme.objects.get(code="PKH"),
    ).pk


def _role_request_target(organisation: Organisation) -> int:
    """A kader's role in ``organisation`` asked for by one of its administrators, waiting
    for a second person (accounts.services.role_requests)."""
    from sipakatau.accounts.models import RoleRequest
    from sipakatau.accounts.services.users import user_create

    admin = Membership.objects.select_related("organisation__area", "user").get(
        user=make_user(organisation, Role.ADMIN), organisation=organisation
    )
    user = user_create(
        actor=admin,
        username=f"calon{RoleRequest.objects.count()}",
        full_name="Calon Kader",
        password="kopi susu gula aren 77",
        organisation=organisation,
        role=Role.VOLUNTEER,
    )
    return RoleRequest.objects.get(user=user).pk


def _prepared_file_target(organisation: Organisation) -> int:
    """A file asked for by another member of ``organisation``."""
    from sipakatau.jobs.services import prepared_file_queue

    asker = make_user(organisation, Role.AGENCY_OFFICER)
    prepared = prepared_file_queue(
        actor=Membership.objects.get(user=asker, organisation=organisation),
        kind="test",
        task="sipakatau.referrals.tasks.export_inbox",
        file_name="rujukan.csv",
        content_type="text/csv",
    )
    return prepared.pk


def _target(kind: str, actor_org: Organisation, other_org: Organisation, scope: str) -> Any:
    organisation = actor_org if scope == "own" else other_org
    if kind == "organisation":
        return organisation.pk
    if kind in CASE_KINDS:
        return _case_target(kind, organisation)
    if kind == "provider":
        return _provider_target(organisation)
    if kind == "referral":
        return _referral_target(organisation)
    if kind == "public_report":
        return _public_report_target(organisation)
    if kind in MECHANISM_KINDS:
        return _mechanism_target(kind, organisation)
    if kind == "monthly_report":
        return _monthly_report_target(organisation)
    if kind == "export_request":
        from sipakatau.reports.tests.support import export_request_in

        return export_request_in(organisation).pk
    if kind in SOCIAL_KINDS:
        return _social_target(kind, organisation)
    if kind in MAPPING_KINDS:
        return mapping_target(kind, organisation)
    if kind in MAPPING_ANALYSIS_KINDS:
        return mapping_analysis_target(kind, organisation)
    if kind == "role_request":
        return _role_request_target(organisation)
    if kind == "prepared_file":
        return _prepared_file_target(organisation)
    target = make_user(organisation, Role.VOLUNTEER)
    if kind == "user":
        return target.pk
    if kind == "membership":
        return Membership.objects.get(user=target, organisation=organisation).pk
    raise AssertionError(f"unknown object kind {kind}")


def assert_security_headers(response: Any, where: str) -> None:
    headers = response.headers
    assert "default-src 'none'" in headers.get("Content-Security-Policy", ""), where
    assert "script-src 'self'" in headers["Content-Security-Policy"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert "no-store" in headers.get("Cache-Control", ""), where
    assert headers.get("X-Frame-Options") == "DENY", where


def _organisations() -> tuple[Organisation, Organisation]:
    own = make_organisation(
        "LBK-KK Bahagia", type=OrganisationType.LBK_KK, area_code=WATANG_SOREANG
    )
    other = make_organisation(
        "LBK-KK Ikhlas", type=OrganisationType.LBK_KK, area_code=WATANG_BACUKIKI
    )
    return own, other


def _send(
    client: Client,
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    if method == "POST":
        if body is not None:
            return client.post(
                url, json.dumps(body), content_type="application/json", headers=headers
            )
        return client.post(url)
    if method in ("PUT", "PATCH"):
        send = client.put if method == "PUT" else client.patch
        return send(url, json.dumps(body or {}), content_type="application/json", headers=headers)
    if method == "DELETE":
        return client.delete(url)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(POLICY["routes"]))
def test_route_answers_as_the_policy_says(route: str) -> None:
    row = POLICY["routes"][route]
    method = row.get("method", "GET")
    own_org, other_org = _organisations()
    kind = row.get("object")
    scopes = ["own", "other"] if kind else ["own"]

    def url(scope: str) -> str:
        if not kind:
            return reverse(route)
        return reverse(route, kwargs={"pk": _target(kind, own_org, other_org, scope)})

    response = _send(Client(), method, url("own"))
    assert response.status_code == row["anonymous"], f"{route} anonymous"
    assert_security_headers(response, f"{route} anonymous")

    for role in Role.values:
        for scope in scopes:
            persona = make_persona(own_org, role)
            response = _send(persona.client, method, url(scope))
            where = f"{route} as {role} on {scope}"
            assert response.status_code == _expected(row, role, scope), where
            assert_security_headers(response, where)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(POLICY["api"]))
def test_api_operation_answers_as_the_policy_says(operation: str) -> None:
    row = POLICY["api"][operation]
    method, path = operation.split(" ", 1)
    own_org, other_org = _organisations()
    kind = row.get("object")
    scopes = ["own", "other"] if kind else ["own"]

    def url(scope: str) -> str:
        if not kind:
            return path
        pk = _target(kind, own_org, other_org, scope)
        # Each path names one object ({user_id}, {case_id}, {follow_up_id}, …).
        return re.sub(r"\{\w+_id\}", str(pk), path)

    counter = iter(range(1000))

    def parts() -> tuple[dict[str, Any] | None, dict[str, str] | None]:
        """The body and the headers of one request; "{n}" differs for every request (an
        idempotency key, a unique name)."""
        if "body" not in row:
            return None, None
        n = str(next(counter))
        text = json.dumps(row["body"]).replace('"{own_organisation}"', str(own_org.pk))
        headers = {name: value.replace("{n}", n) for name, value in row.get("headers", {}).items()}
        return json.loads(text.replace("{n}", n)), headers or None

    response = _send(Client(), method, url("own"), *parts())
    assert response.status_code == row["anonymous"], f"{operation} anonymous"

    for role in Role.values:
        for scope in scopes:
            persona = make_persona(own_org, role)
            response = _send(persona.client, method, url(scope), *parts())
            where = f"{operation} as {role} on {scope}"
            assert response.status_code == _expected(row, role, scope), (
                f"{where}: {response.content[:200]!r}"
            )
            assert_security_headers(response, where)
