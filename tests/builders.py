"""The domain builders every test package uses: cases, mechanisms and API clients made
through the real services, never written to the database by hand. A pytest plugin (the
root conftest.py loads it), so its fixtures reach every test; the plain functions are
imported: ``from tests.builders import open_case, add_party``.

The people who act (the fixed personas of STYLE.md) are in ``conftest.py`` and
``tests/factories.py``.
"""

import importlib
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone, translation
from PIL import Image

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.accounts.tokens import api_token_issue
from sipakatau.cases.codes import Channel, ConsentMethod, ConsentPurpose, PartyRole, ServiceType
from sipakatau.cases.models import Case, CaseParty, DeadlineRule
from sipakatau.cases.services import care, intake
from sipakatau.mechanisms import services as mechanism_services
from sipakatau.mechanisms.codes import CommentStatus
from sipakatau.mechanisms.codes import Status as MechanismStatus
from sipakatau.mechanisms.models import Mechanism, MechanismVersion
from sipakatau.people.services import person_create
from tests.factories import Persona, make_persona, make_user

# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def deadline_rules(db: None) -> None:
    """The default deadline rules, as their data migration loads them. A transactional
    test elsewhere in the suite empties every table when it ends, rules included."""
    if not DeadlineRule.objects.filter(rule_set="default").exists():
        migration = importlib.import_module(
            "sipakatau.cases.migrations.0002_default_deadline_rules"
        )
        migration.load(django_apps, None)


@pytest.fixture
def programmes(db: None) -> None:
    """The social-protection programmes, as their data migration loads them (a transactional
    test elsewhere in the suite empties every table when it ends)."""
    from sipakatau.social.models import Programme

    if not Programme.objects.exists():
        importlib.import_module("sipakatau.social.migrations.0002_programmes").load(
            django_apps, None
        )


@pytest.fixture
def in_english() -> Iterator[None]:
    """Messages in English, so tests can match them (Bahasa Indonesia is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


@pytest.fixture
def second_coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator2")


# --- Cases --------------------------------------------------------------------------------


def open_case(actor: Membership, **kwargs: object) -> Case:
    kwargs.setdefault("channel", Channel.WALK_IN)
    return intake.case_open(actor=actor, **kwargs)  # type: ignore[arg-type]


def add_party(
    actor: Membership,
    case: Case,
    role: str = PartyRole.VICTIM,
    *,
    name: str = "Siti Aminah",
    sex: str = "P",
    age: int | None = 30,
    birth_date: date | None = None,
    nik: str | None = None,
) -> CaseParty:
    person = person_create(
        actor=actor,
        name=name,
        sex=sex,
        age_estimate=None if birth_date else age,
        birth_date=birth_date,
        nik=nik,
    ).person
    return intake.party_add(actor=actor, case=case, person=person, role=role)


def consent_for_services(
    actor: Membership, case: Case, victim: CaseParty, **kwargs: object
) -> None:
    care.consent_record(
        actor=actor,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
        **kwargs,  # type: ignore[arg-type]
    )


def assess(actor: Membership, case: Case, risk_level: str = "MEDIUM") -> None:
    care.assessment_record(
        actor=actor, case=case, risk_level=risk_level, risk_criteria=[], needs={}
    )


def plan(actor: Membership, case: Case) -> None:
    care.plan_item_add(
        actor=actor,
        case=case,
        service_type=ServiceType.PSIKOSOSIAL,
        due_on=timezone.localdate() + timedelta(days=7),
    )


def ready_case(volunteer: Membership, worker: Membership) -> Case:
    """Assessed, with consent for services of its one adult victim and a plan item."""
    case = open_case(volunteer)
    victim = add_party(volunteer, case)
    consent_for_services(volunteer, case, victim)
    assess(worker, case)
    plan(worker, case)
    case.refresh_from_db()
    return case


def full_case(actor: Membership) -> Case:
    """A case with something in every section, for pages that show them all."""
    case = open_case(actor, danger_now=True, immediate_needs=["SAFETY"])
    victim = add_party(actor, case, name="Siti Aminah", nik="7372034505900001")
    perpetrator = add_party(
        actor, case, PartyRole.PERPETRATOR, name="Budi Santoso", sex="L", age=35
    )
    intake.perpetrator_link_set(
        actor=actor, case=case, victim=victim, perpetrator=perpetrator, relationship="SUAMI_ISTRI"
    )
    intake.incident_record(
        actor=actor,
        case=case,
        occurred_on=date.today() - timedelta(days=2),
        place_type="RUMAH_TANGGA",
        narrative="Dipukul dengan sapu di dapur",
        violence_forms=["FISIK"],
    )
    consent_for_services(actor, case, victim)
    care.note_add(actor=actor, case=case, body="Catatan rahasia pertama")
    care.attachment_add(actor=actor, case=case, title="Surat", filename="surat.png", data=png())
    return case


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    """A small real PNG (a photo of a signed form, as far as the services can tell)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, format="PNG")
    return out.getvalue()


# --- Mechanisms ---------------------------------------------------------------------------


def officer(organisation: Organisation, *, signs: bool = False) -> Membership:
    """A kelurahan officer of ``organisation`` (the Lurah when ``signs``)."""
    user = make_user(organisation, Role.VILLAGE_OFFICER, is_signatory=signs)
    return Membership.objects.get(user=user, organisation=organisation)


def draft_version(organisation: Organisation) -> MechanismVersion:
    """The working version of the kelurahan the organisation covers, started from the
    template when there is none yet."""
    mechanism = Mechanism.objects.filter(area=organisation.area).first()
    if mechanism is None:
        return mechanism_services.mechanism_start(
            actor=officer(organisation), area=organisation.area
        )
    return mechanism.versions.order_by("-number")[0]


def approved_version(organisation: Organisation) -> MechanismVersion:
    version = draft_version(organisation)
    lurah = officer(organisation, signs=True)
    if version.status == MechanismStatus.DRAFT:
        version = mechanism_services.version_transition(
            actor=lurah, version=version, to=MechanismStatus.IN_DISCUSSION
        )
    if version.status == MechanismStatus.IN_DISCUSSION:
        for comment in version.comments.exclude(status=CommentStatus.RESOLVED).filter(
            reply_to__isnull=True
        ):
            mechanism_services.comment_resolve(actor=lurah, comment=comment)
        version = mechanism_services.version_transition(
            actor=lurah, version=version, to=MechanismStatus.APPROVED
        )
    return version


def issued_version(organisation: Organisation, *, on: date | None = None) -> MechanismVersion:
    """The kelurahan's active version, issued as a decree when there is none yet."""
    mechanism = Mechanism.objects.filter(area=organisation.area).first()
    if mechanism is not None:
        issued = mechanism.versions.filter(status=MechanismStatus.ISSUED).first()
        if issued is not None:
            return issued
    version = approved_version(organisation)
    mechanism_services.decree_issue(
        actor=officer(organisation, signs=True),
        version=version,
        issued_on=on or date(2026, 11, 2),
        signer_name="Andi Lurah",
        signer_nip="198001012005011001",
        base_url="http://testserver",
    )
    version.refresh_from_db()
    return version


def set_first_contact_deadlines(
    version: MechanismVersion, organisation: Organisation, hours: dict[str, int]
) -> None:
    """Give the version's first-contact step these deadlines, in hours per risk level
    ("" is the rule for every other level), as the kelurahan's officer would."""
    step = version.steps.get(action="first_contact")
    mechanism_services.step_save(
        actor=officer(organisation),
        version=version,
        step=step,
        title=step.title,
        description=step.description,
        responsible=step.responsible,
        action=step.action,
        trigger=step.trigger,
        escalate_to=step.escalate_to,
        deadlines=[
            mechanism_services.DeadlineInput(risk_level=risk, amount=amount, unit="hours")
            for risk, amount in hours.items()
        ],
    )


# --- The API, as a client calls it --------------------------------------------------------

API = "/api/v1/cases"


def bearer(persona: Persona) -> Client:
    """A client with a fresh token of ``persona`` and no cookies; CSRF is enforced, to
    show that a bearer request needs none."""
    issued = api_token_issue(membership=persona.membership)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issued.token}")


def post(client: Client, url: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def created_id(response: Any) -> int:
    assert response.status_code == 201, response.content[:300]
    return int(response.json()["id"])
