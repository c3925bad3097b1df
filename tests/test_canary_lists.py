"""Canary records of one tenant appear in no list, search, count, autocomplete or export
of another.

The canary survivor (tests/canary.py) is planted in LBK-KK Ikhlas (Watang Bacukiki,
"kelurahan B"): her case, a referral of it to a legal-aid agency ("agency C"), a public
report about her, her household in the social-protection register and a mapping
submission. Then every role of LBK-KK Bahagia (Watang Soreang, "kelurahan A"), of a
health agency ("agency D") and the officers of the police's PPA unit ("agency E", a third
agency), and an anonymous visitor, open every page and every API list
that takes no object (walked from the URL resolver and the OpenAPI document, so a new
list is covered the day it is added), search by her name, NIK, KK and telephone, and
download the exports. Her name, NIK, KK, telephone, address and register numbers must
appear nowhere: in HTML, JSON, CSV, XLSX cells or PDF text.

The positive control proves that the scan sees: her own unit's caseworker finds her.
"""

import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.services import care, intake
from sipakatau.people.services import person_create
from tests.canary import CANARY, scan
from tests.factories import (
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    Persona,
    make_organisation,
    make_persona,
    make_user,
)

# Pages that change something on GET-less methods only, or end the session.
SKIP_ROUTES = {"accounts:logout", "set_language", "accounts:switch_membership"}


@dataclass
class Planted:
    case_number: str
    referral_number: str
    tracking_code: str

    def needles(self) -> list[str]:
        return [*CANARY.needles(), self.case_number, self.referral_number, self.tracking_code]


def _member(organisation: Organisation, role: str) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(
        user=make_user(organisation, role), organisation=organisation
    )


def plant(unit: Organisation, agency: Organisation) -> Planted:
    """The canary's records in ``unit`` (kelurahan B) and ``agency`` (agency C), made
    through the real services."""
    from sipakatau.public.services import public_report_submit
    from sipakatau.referrals.tests.support import provider_for, refer
    from sipakatau.social import services as social

    worker = _member(unit, Role.CASEWORKER)
    coordinator = _member(unit, Role.COORDINATOR)
    case = intake.case_open(actor=worker, channel="WALK_IN")
    person = person_create(
        actor=worker,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        address=CANARY.address,
        birth_date=date(1990, 7, 1),
    ).person
    victim = intake.party_add(actor=worker, case=case, person=person, role=PartyRole.VICTIM)
    care.assessment_record(
        actor=worker, case=case, risk_level="MEDIUM", risk_criteria=[], needs={"ECONOMIC": "Uji"}
    )
    care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=agency.type,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    referral = refer(
        worker,
        case,
        provider_for(agency, services=("BANTUAN_HUKUM",)),
        service_type="BANTUAN_HUKUM",
        fields=("VICTIM_FULL_NAME", "VICTIM_CONTACT"),
    )
    report = public_report_submit(
        idempotency_key=uuid.uuid4().hex,
        kelurahan_code=unit.area.code,
        about_self=False,
        what_happened=f"{CANARY.name} dipukul, rumahnya di {CANARY.address}",
        address=f"canary-{uuid.uuid4().hex}",
    ).report
    household = social.household_create(
        actor=coordinator, kk_number=CANARY.kk_number, kelurahan=unit.area, rw="1", rt="1"
    )
    social.household_member_register(
        actor=coordinator, household=household, relationship="KEPALA", name=CANARY.name
    )
    _mapping_submission(unit)
    case.refresh_from_db()
    return Planted(
        case_number=case.number_label,
        referral_number=referral.register_number,
        tracking_code=report.tracking_code,
    )


def _mapping_submission(unit: Organisation) -> None:
    """A mapping submission imported in kelurahan B whose free text names the canary."""
    from sipakatau.mapping import services as mapping
    from sipakatau.mapping.tests.support import active_questionnaire

    questionnaire = active_questionnaire(unit)
    data = f"_uuid,prioritas/catatan\ncanary-1,{CANARY.name} {CANARY.phone}\n".encode()
    run = mapping.submissions_import(
        actor=_member(unit, Role.COORDINATOR),
        questionnaire=questionnaire,
        data=data,
        file_name="kanari.csv",
    )
    mapping.submissions_import_run(run.pk)  # the job, as the queue runs it after the commit
    from sipakatau.mapping.models import Submission

    # The planted text was kept (free text goes to the encrypted ``private``).
    latest = Submission.objects.filter(questionnaire=questionnaire).order_by("-pk").first()
    assert latest is not None and CANARY.name in json.dumps(latest.private), latest


# --- What the other tenant can ask for ----------------------------------------------------


def _walk(patterns: list[Any], namespace: str | None = None) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from _walk(
                pattern.url_patterns,
                f"{namespace}:{inner}" if namespace and inner else inner or namespace,
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def list_pages() -> list[str]:
    """Every named page that takes no object: lists, dashboards, exports, searches."""
    names = set()
    for name, _pattern in _walk(get_resolver().url_patterns):
        if name in SKIP_ROUTES or name.startswith("api:"):
            continue
        try:
            reverse(name)
        except NoReverseMatch:  # it takes an object: no list
            continue
        names.add(name)
    return sorted(names)


def list_operations(client: Client) -> list[str]:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    return sorted(
        path
        for path, operations in document["paths"].items()
        if "get" in operations and "{" not in path and "openapi" not in path
    )


def searches(needle: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, url, body) of every search that takes identity in a POST body."""
    return [
        ("api case search", "/api/v1/cases/search", {"search": needle}),
        ("api received search", "/api/v1/referrals/received/search", {"q": needle}),
        (
            "api duplicates",
            "/api/v1/cases/duplicates",
            {"name": needle, "birth_year": 1990, "kelurahan_code": WATANG_BACUKIKI},
        ),
    ]


def page_searches(needle: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("case list search", reverse("cases:case_list") + "?tab=unit", {"q": needle}),
        ("referral inbox search", reverse("referrals:inbox"), {"q": needle}),
        ("household KK search", reverse("social:household_list"), {"kk_number": needle}),
    ]


def text_of(response: Any) -> str:
    """What a person would read: the HTML or JSON, every cell of a spreadsheet, the text
    of a PDF, the rows of a CSV."""
    kind = response.headers.get("Content-Type", "")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind or data[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return " ".join(cells)
    if "pdf" in kind or data[:4] == b"%PDF":
        from sipakatau.referrals.tests.support import pdf_text

        return pdf_text(data)
    return data.decode("utf-8", "replace")


@pytest.fixture(autouse=True)
def _no_report_rate_limits(settings: Any) -> None:
    settings.PUBLIC_REPORTS_PER_ADDRESS = 10_000
    settings.PUBLIC_REPORTS_PER_KELURAHAN = 10_000


@dataclass
class Tenants:
    unit_a: Organisation
    unit_b: Organisation
    agency_c: Organisation
    agency_d: Organisation
    agency_e: Organisation


@pytest.fixture
def tenants(db: None, deadline_rules: None, programmes: None) -> Tenants:
    return Tenants(
        unit_a=make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG),
        unit_b=make_organisation("LBK-KK Ikhlas", area_code=WATANG_BACUKIKI),
        agency_c=make_organisation(
            "LBH Parepare", type=OrganisationType.LEGAL_AID, area_code="73.72"
        ),
        agency_d=make_organisation(
            "Puskesmas Lakessi", type=OrganisationType.PUSKESMAS, area_code="73.72.03"
        ),
        agency_e=make_organisation(
            "Unit PPA Polres Parepare", type=OrganisationType.POLICE_PPA, area_code="73.72"
        ),
    )


def other_tenant_people(tenants: Tenants) -> dict[str, Client]:
    """Every role of kelurahan A, the Lurah, every agency role of agency D, the officers
    of a third agency (E, the police), and nobody."""
    people: dict[str, Client] = {"anonymous": Client()}
    for role in Role.values:
        people[f"A {role}"] = make_persona(tenants.unit_a, role).client
    people["A lurah"] = make_persona(tenants.unit_a, Role.VILLAGE_OFFICER, is_signatory=True).client
    for role in (Role.AGENCY_OFFICER, Role.AGENCY_MANAGER, Role.ADMIN, Role.AUDITOR):
        people[f"D {role}"] = make_persona(tenants.agency_d, role).client
    for role in (Role.AGENCY_OFFICER, Role.AGENCY_MANAGER):
        people[f"E {role}"] = make_persona(tenants.agency_e, role).client
    return people


def reads(client: Client, needles: list[str]) -> Iterator[tuple[str, str]]:
    """(where, text) of everything ``client`` can list, search or export."""
    for name in list_pages():
        response = client.get(reverse(name))
        yield f"page {name} ({response.status_code})", text_of(response)
    for path in list_operations(client):
        response = client.get(path)
        yield f"api GET {path} ({response.status_code})", text_of(response)
    for needle in needles:
        for label, url, body in searches(needle):
            response = client.post(url, json.dumps(body), content_type="application/json")
            yield f"{label} for {needle!r} ({response.status_code})", text_of(response)
        for label, url, body in page_searches(needle):
            response = client.post(url, body, follow=True)
            yield f"{label} for {needle!r} ({response.status_code})", text_of(response)
        # The directory's search and the place picker take their words in the address.
        response = client.get(reverse("directory:search"), {"q": needle})
        yield f"directory search for {needle!r}", text_of(response)


SEARCH_NEEDLES = [CANARY.name, CANARY.nik, CANARY.kk_number, CANARY.phone]


def test_canary_records_of_another_tenant_appear_nowhere(tenants: Tenants) -> None:
    # Given the canary's records in kelurahan B and agency C
    planted = plant(tenants.unit_b, tenants.agency_c)
    needles = planted.needles()
    # When everyone of kelurahan A and agency D lists, searches and exports everything
    found: list[str] = []
    for who, client in other_tenant_people(tenants).items():
        for where, text in reads(client, [*SEARCH_NEEDLES, planted.case_number]):
            for hit in scan(needles, text):
                # A search form may repeat the words typed into it: only a hit outside
                # the echoed search box counts.
                if _echo_only(text, hit.needle, [*SEARCH_NEEDLES, planted.case_number]):
                    continue
                found.append(f"{who}: {where}: {hit.needle!r}")
    # Then none of them sees her (an auditor reads only her own organisation's trail)
    assert not found, "\n".join(sorted(set(found)))


def _echo_only(text: str, needle: str, typed: list[str]) -> bool:
    """True when every occurrence of ``needle`` is inside an input's value attribute (the
    page echoing what was typed), never in the results."""
    if not any(needle.lower() in word.lower() for word in typed):
        return False
    stripped = re.sub(r'value="[^"]*"', "", text, flags=re.IGNORECASE)
    return needle.lower() not in stripped.lower()


def test_the_scan_sees_the_canary_where_she_may_be_seen(tenants: Tenants) -> None:
    """The positive control: her own unit's caseworker and the agency she was referred to
    find her with the same requests, so an empty scan above means something."""
    planted = plant(tenants.unit_b, tenants.agency_c)
    own: Persona = make_persona(tenants.unit_b, Role.CASEWORKER)
    agency: Persona = make_persona(tenants.agency_c, Role.AGENCY_OFFICER)
    response = own.client.post(
        "/api/v1/cases/search",
        json.dumps({"search": CANARY.nik}),
        content_type="application/json",
    )
    assert planted.case_number in response.content.decode()
    inbox = agency.client.get("/api/v1/referrals/received")
    assert CANARY.name in inbox.content.decode()
    seen = [
        where
        for where, text in reads(own.client, [CANARY.nik])
        if planted.case_number in text or CANARY.name in text
    ]
    assert any(where.startswith("case list search") for where in seen), seen
    assert any(where.startswith("page social:household_list") for where in seen), seen
