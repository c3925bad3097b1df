"""A demo referral: the Bahagia active demo case referred to Dinsos for social
assistance, sharing the first name, the age group, the needs and the kelurahan, on the
survivor's recorded consent. Created through the real services; running it again adds
nothing."""

from django.db import transaction

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import Case, Status
from sipakatau.cases.services import care
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.referrals.codes import SharedField, Urgency
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services.common import consent_covers
from sipakatau.referrals.services.creating import referral_create

from .directory import demo_directory


def demo_referrals() -> int:
    """Returns how many referrals were added (0 or 1)."""
    worker = Membership.objects.select_related("organisation", "user").get(
        user__username="bahagia.pendamping", is_active=True
    )
    case = (
        Case.objects.filter(organisation=worker.organisation, status=Status.ACTIVE)
        .order_by("reported_at")
        .first()
    )
    dinsos = Organisation.objects.filter(type=OrganisationType.DINSOS).order_by("pk").first()
    if case is None or dinsos is None or Referral.objects.filter(case=case).exists():
        return 0
    provider = Provider.objects.filter(organisation=dinsos).first()
    if provider is None:
        demo_directory()
        provider = Provider.objects.filter(organisation=dinsos).first()
    if provider is None:
        return 0
    victim = case.parties.filter(role=PartyRole.VICTIM).order_by("pk").first()
    if victim is None:
        return 0
    with transaction.atomic():
        if not consent_covers(case, provider):
            care.consent_record(
                actor=worker,
                case=case,
                subject=victim,
                purpose=ConsentPurpose.REFERRAL,
                recipient_type=OrganisationType.DINSOS,
                method=ConsentMethod.VERBAL_WITNESSED,
                witness_name="Kader (contoh)",
            )
        referral_create(
            actor=worker,
            case=case,
            provider=provider,
            service_type=ServiceType.BANSOS,
            urgency=Urgency.ROUTINE,
            reason="Lansia tanpa penghasilan tetap; belum terdaftar DTKS (contoh).",
            shared_fields=[
                SharedField.VICTIM_FIRST_NAME,
                SharedField.VICTIM_AGE_BAND,
                SharedField.NEEDS,
                SharedField.KELURAHAN,
            ],
        )
    return 1
