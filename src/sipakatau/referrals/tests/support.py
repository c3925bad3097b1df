"""Referrals made through the real services, for the tests of this app (and the access
policy test). Providers are made with the ORM: the directory's own services are tested
there."""

import importlib
import shutil
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.areas.models import Area
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import Case, CaseParty, Consent
from sipakatau.cases.services import care, intake
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider, ProviderService
from sipakatau.people.services import person_create
from sipakatau.referrals.codes import SharedField, Urgency
from sipakatau.referrals.models import Referral, ReferralDeadlineRule
from sipakatau.referrals.services.creating import referral_create
from tests.factories import Persona, make_persona, make_user


@pytest.fixture
def referral_rules(db: None) -> None:
    """The seeded deadline rules; a transactional test elsewhere empties every table."""
    if not ReferralDeadlineRule.objects.exists():
        migration = importlib.import_module(
            "sipakatau.referrals.migrations.0002_default_deadline_rules"
        )
        migration.load(django_apps, None)


def provider_for(
    organisation: Organisation | None,
    *,
    name: str | None = None,
    services: tuple[str, ...] = (ServiceType.BANSOS, ServiceType.PSIKOSOSIAL),
) -> Provider:
    """The organisation's directory entry (its inbox), or an outside service."""
    if organisation is not None:
        existing = Provider.objects.filter(organisation=organisation).first()
        if existing is not None:
            return existing
    area = organisation.area if organisation is not None else Area.objects.get(code="73.72")
    provider = Provider.objects.create(
        name=name or (organisation.name if organisation else "Outside service"),
        organisation=organisation,
        area=area,
        address="Jl. Contoh 1",
    )
    for service in services:
        ProviderService.objects.create(provider=provider, service_type=service)
    return provider


def member(persona: Persona) -> Membership:
    return persona.membership


def case_with_victim(
    worker: Membership,
    *,
    name: str = "Siti Aminah",
    needs: dict[str, str] | None = None,
    age: int = 30,
) -> tuple[Case, CaseParty]:
    case = intake.case_open(actor=worker, channel="WALK_IN")
    person = person_create(actor=worker, name=name, sex="P", age_estimate=age).person
    victim = intake.party_add(actor=worker, case=case, person=person, role=PartyRole.VICTIM)
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="MEDIUM",
        risk_criteria=[],
        needs=needs if needs is not None else {"ECONOMIC": "Belum menerima bantuan sosial"},
    )
    return case, victim


def consent_for_referral(
    worker: Membership, case: Case, victim: CaseParty, recipient_type: str
) -> Consent:
    return care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=recipient_type,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )


def refer(
    worker: Membership,
    case: Case,
    provider: Provider,
    *,
    fields: tuple[str, ...] = (SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS),
    urgency: str = Urgency.ROUTINE,
    service_type: str = ServiceType.BANSOS,
    **kwargs: Any,
) -> Referral:
    kwargs.setdefault("reason", "Perlu bantuan sosial")
    return referral_create(
        actor=worker,
        case=case,
        provider=provider,
        service_type=service_type,
        urgency=urgency,
        shared_fields=list(fields),
        **kwargs,
    )


def referral_between(sender: Organisation, recipient: Organisation) -> Referral:
    """A referral from a new case of ``sender`` to ``recipient``'s inbox, made by a new
    caseworker of the sender through the real services (consent included)."""
    worker = make_user(sender, Role.CASEWORKER)
    actor = Membership.objects.select_related("organisation", "user").get(
        user=worker, organisation=sender
    )
    case, victim = case_with_victim(actor)
    consent_for_referral(actor, case, victim, recipient.type)
    provider = provider_for(recipient)
    service = provider.services.values_list("service_type", flat=True).first()
    assert service is not None
    return refer(actor, case, provider, service_type=service)


def agency_persona(organisation: Organisation, role: str = Role.AGENCY_OFFICER) -> Persona:
    return make_persona(organisation, role)


def long_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(data: bytes) -> str:
    """The text of a PDF as poppler reads it, one space between words (so a value that
    wraps over two lines is still found)."""
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def exported_inbox(client: Any) -> str:
    """The inbox export as the officer gets it: asked for on the inbox page, prepared by its
    job (run here, as the queue would), downloaded from its page."""
    from django.urls import reverse

    from sipakatau.referrals.tasks import export_inbox

    asked = client.post(reverse("referrals:inbox_export"))
    assert asked.status_code == 302, asked.status_code
    pk = int(asked["Location"].rstrip("/").split("/")[-1])
    export_inbox(pk)
    downloaded = client.get(reverse("jobs:file_download", args=[pk]))
    assert downloaded.status_code == 200, downloaded.status_code
    return str(downloaded.content.decode("utf-8"))
