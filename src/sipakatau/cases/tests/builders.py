"""Cases made through the real services, for the service tests of this app."""

import importlib
import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation
from PIL import Image

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.cases.codes import Channel, ConsentMethod, ConsentPurpose, PartyRole, ServiceType
from sipakatau.cases.models import Case, CaseParty, DeadlineRule
from sipakatau.cases.services import care, intake
from sipakatau.people.services import person_create
from tests.factories import Persona, make_persona


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
) -> CaseParty:
    person = person_create(
        actor=actor,
        name=name,
        sex=sex,
        age_estimate=None if birth_date else age,
        birth_date=birth_date,
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


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    """A small real PNG (a photo of a signed form, as far as the services can tell)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, format="PNG")
    return out.getvalue()
