"""Making a referral: the preview of exactly what the recipient will read, the answer
deadline, and sending it. What the form offers is read in ``queries.need_items_for``."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.audit import services as audit
from sipakatau.cases.codes import ConsentPurpose, NeedDomain, PartyRole
from sipakatau.cases.models import Case, CaseParty, Consent, Status
from sipakatau.cases.services.common import unit_zone
from sipakatau.cases.services.deadlines import add_working_days
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider

from ..codes import NEED_OF_SERVICE, SharedField, Urgency
from ..models import Referral, ReferralDeadlineRule
from ..projection import SharedItem, build_projection, needs_offered, projection_items
from ..queries import may_refer
from .common import (
    agency_people,
    consent_covers,
    coordinators_of,
    recipient_type_of,
    tell,
    unit_name,
)

logger = logging.getLogger(__name__)

# Used only when the rule table has no row for an urgency (a fresh database emptied by
# hand): the same numbers the migration seeds, so a referral always gets a deadline.
DEFAULT_RULES = {
    Urgency.EMERGENCY: (2, ReferralDeadlineRule.Unit.HOURS),
    Urgency.URGENT: (24, ReferralDeadlineRule.Unit.HOURS),
    Urgency.ROUTINE: (3, ReferralDeadlineRule.Unit.WORKING_DAYS),
}


def referral_due_at(*, urgency: str, start: datetime, organisation: Organisation) -> datetime:
    rule = ReferralDeadlineRule.objects.filter(urgency=urgency).first()
    if rule is not None:
        amount, unit = rule.amount, rule.unit
    else:
        logger.warning("No referral deadline rule for %s: using the default", urgency)
        amount, unit = DEFAULT_RULES[Urgency(urgency)]
    if unit == ReferralDeadlineRule.Unit.HOURS:
        return start + timedelta(hours=amount)
    if unit == ReferralDeadlineRule.Unit.DAYS:
        return start + timedelta(days=amount)
    return add_working_days(start, amount, unit_zone(organisation))


def _subject_of(case: Case, subject: CaseParty | None) -> CaseParty:
    if subject is None:
        subject = (
            case.parties.filter(role=PartyRole.VICTIM)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if subject is None:
            raise ValidationError(_("Record the victim first: a referral is for a person."))
    if subject.case_id != case.pk or subject.role != PartyRole.VICTIM:
        raise ValidationError({"subject": _("Choose a victim in this case.")})
    return subject


def _clean_fields(shared_fields: Iterable[str], summary: str, *, with_needs: bool) -> list[str]:
    chosen = set(shared_fields)
    if with_needs:
        chosen.add(SharedField.NEEDS)
    errors: dict[str, str] = {}
    if not chosen:
        errors["shared_fields"] = _("Choose at least one thing to share.")
    elif chosen - set(SharedField.values):
        errors["shared_fields"] = _("Choose what to share from the list.")
    if SharedField.SUMMARY in chosen and not summary.strip():
        errors["summary"] = _("Write the summary, or do not tick it.")
    if errors:
        raise ValidationError(errors)
    return [code for code in SharedField.values if code in chosen]


def _clean_needs(
    case: Case, shared_fields: Iterable[str], needs: Iterable[str] | None, service_type: str
) -> list[str]:
    """The needs to share, one item per need domain, in the catalogue's order. ``None``
    (an API client that ticks "NEEDS" without naming any) means the need the service is
    for. Each item must be a need of the latest assessment: nothing else is offered, so
    anything else is refused, never dropped in silence."""
    offered = needs_offered(case)
    if needs is None:
        if SharedField.NEEDS not in set(shared_fields):
            return []
        suggested = NEED_OF_SERVICE.get(service_type, "")
        needs = [suggested] if suggested in offered else []
    chosen = set(needs)
    if chosen - set(NeedDomain.values):
        raise ValidationError({"needs": _("Choose the needs to share from the list.")})
    refused = [domain for domain in NeedDomain.values if domain in chosen - set(offered)]
    if refused:
        raise ValidationError(
            {
                "needs": _(
                    "These needs are not in the latest assessment, so they cannot be "
                    "shared: %(needs)s."
                )
                % {"needs": ", ".join(refused)}
            }
        )
    if SharedField.NEEDS in set(shared_fields) and not chosen:
        raise ValidationError(
            {"needs": _("Tick the needs this service should know, or do not share needs.")}
        )
    return [domain for domain in offered if domain in chosen]


def referral_preview(
    *,
    actor: Membership,
    case: Case,
    shared_fields: Iterable[str],
    summary: str = "",
    subject: CaseParty | None = None,
    needs: Iterable[str] | None = None,
    service_type: str = "",
) -> list[SharedItem]:
    """Exactly what the recipient would read, before anything is sent."""
    if not may_refer(actor, case):
        raise PermissionDenied
    shared_fields = list(shared_fields)
    chosen_needs = _clean_needs(case, shared_fields, needs, service_type)
    fields = _clean_fields(shared_fields, summary, with_needs=bool(chosen_needs))
    subject = _subject_of(case, subject)
    projection = build_projection(
        case=case, subject=subject, fields=fields, summary=summary, needs=chosen_needs
    )
    return projection_items(fields, projection)


def require_basis(
    *, case: Case, provider: Provider, override_legal_basis: str, override_reason: str
) -> bool:
    """True when consent covers the referral; else the override must be complete."""
    if consent_covers(case, provider):
        return True
    if not override_legal_basis.strip() or not override_reason.strip():
        raise ValidationError(
            {
                "override_legal_basis": _(
                    "Not every victim has agreed to a referral to this kind of service. "
                    "Record the consent first, or give the legal basis and the reason "
                    "for referring without it."
                )
            }
        )
    return False


@dataclass(frozen=True)
class ReferralDraft:
    """The page's preview: what the recipient would read, and whether consent covers it
    (if not, the override given is complete)."""

    items: list[SharedItem]
    covered: bool


def referral_prepare(
    *,
    actor: Membership,
    case: Case,
    provider: Provider,
    shared_fields: Iterable[str],
    summary: str = "",
    subject: CaseParty | None = None,
    needs: Iterable[str] | None = None,
    service_type: str = "",
    override_legal_basis: str = "",
    override_reason: str = "",
) -> ReferralDraft:
    """Everything ``referral_create`` would refuse about what is shared and on which
    basis, checked before anything is sent; nothing is written."""
    items = referral_preview(
        actor=actor,
        case=case,
        shared_fields=shared_fields,
        summary=summary,
        subject=subject,
        needs=needs,
        service_type=service_type,
    )
    covered = require_basis(
        case=case,
        provider=provider,
        override_legal_basis=override_legal_basis,
        override_reason=override_reason,
    )
    return ReferralDraft(items=items, covered=covered)


@transaction.atomic
def referral_create(
    *,
    actor: Membership,
    case: Case,
    provider: Provider,
    service_type: str,
    urgency: str,
    reason: str,
    shared_fields: Iterable[str],
    summary: str = "",
    subject: CaseParty | None = None,
    needs: Iterable[str] | None = None,
    override_legal_basis: str = "",
    override_reason: str = "",
) -> Referral:
    """Refer a case. UU 27/2022 PDP Pasal 20 ayat (2) and Pasal 22: sharing rests on the
    consent of every victim for referral to this kind of service; without it only another
    lawful basis, recorded with the reason, lets a referral go — and the unit's
    coordinators are told at once."""
    if not may_refer(actor, case):
        raise PermissionDenied
    # The case row is locked before its status is read, as the closure approval locks it
    # before counting open referrals: of the two at once, one waits for the other and
    # then sees the case closed, or the referral open (never a closed case with an open
    # referral). The lock also keeps the register numbers of one case apart.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Status.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it first."))
    errors: dict[str, str] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = _("Choose the service from the list.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent it is.")
    if not reason.strip():
        errors["reason"] = _("Say why you refer.")
    if not provider.is_active:
        errors["provider"] = _("This provider is no longer active.")
    elif service_type and not provider.services.filter(service_type=service_type).exists():
        errors["provider"] = _("This provider does not give this service.")
    if errors:
        raise ValidationError(errors)
    shared_fields = list(shared_fields)
    chosen_needs = _clean_needs(case, shared_fields, needs, service_type)
    fields = _clean_fields(shared_fields, summary, with_needs=bool(chosen_needs))
    subject = _subject_of(case, subject)
    recipient_type = recipient_type_of(provider)
    consent = (
        Consent.objects.filter(
            case=case,
            subject=subject,
            purpose=ConsentPurpose.REFERRAL,
            recipient_type=recipient_type,
            withdrawn_at__isnull=True,
        )
        .order_by("-given_at")
        .first()
    )
    covered = require_basis(
        case=case,
        provider=provider,
        override_legal_basis=override_legal_basis,
        override_reason=override_reason,
    )
    # Covered means every victim, the subject included, has an active consent.
    if not covered or consent is None:
        covered, consent = False, None
    now = timezone.now()
    number = f"{locked.register_number}-R{locked.referrals.count() + 1}"
    referral = Referral.objects.create(
        register_number=number,
        case=case,
        sender=case.organisation,
        subject=subject,
        provider=provider,
        recipient=provider.organisation,
        recipient_type=recipient_type,
        service_type=service_type,
        urgency=urgency,
        reason=reason.strip(),
        shared_fields=fields,
        shared_needs=chosen_needs,
        projection=build_projection(
            case=case, subject=subject, fields=fields, summary=summary, needs=chosen_needs
        ),
        consent=consent,
        override_legal_basis="" if covered else override_legal_basis.strip(),
        override_reason="" if covered else override_reason.strip(),
        due_at=referral_due_at(urgency=urgency, start=now, organisation=case.organisation),
        created_by=actor.user,
    )
    audit.log(
        actor,
        "referral.created",
        referral,
        fields=["provider", "service_type", "urgency", "reason", "consent", *fields],
    )
    tell(
        agency_people(referral.recipient_id),
        "referral_received",
        referral,
        unit_name(case.organisation),
    )
    if not covered:
        audit.log(
            actor, "referral.override", referral, fields=["override_legal_basis", "override_reason"]
        )
        tell(
            coordinators_of(case.organisation_id, except_user=actor.user_id),
            "referral_override",
            referral,
            unit_name(case.organisation),
        )
    return referral
