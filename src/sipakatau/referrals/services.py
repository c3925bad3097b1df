"""Every write to a referral. Each service checks who may act, validates, writes in one
transaction with its audit event (field names, never values), and queues its
notifications in that transaction (register number, link, unit name and due time only).

    sent ──accept──▶ accepted ──start──▶ in_service ──complete──▶ completed
      └──decline──▶ declined
    sent / accepted / in_service ──cancel (sender)──▶ cancelled
                                 ──consent withdrawn──▶ withdrawn
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role, User
from sipakatau.audit.services import Actor, audit_record
from sipakatau.cases.codes import ConsentPurpose, NeedDomain, PartyRole
from sipakatau.cases.models import Case, CaseParty, Consent, Status
from sipakatau.cases.services.care import has_consent
from sipakatau.cases.services.common import CASE_STAFF, record, require_case_access, unit_zone
from sipakatau.cases.services.deadlines import add_working_days
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.notifications.services import notify

from .codes import NEED_OF_SERVICE, OPEN_STATUSES, ReferralStatus, SharedField, Urgency
from .models import Referral, ReferralDeadlineRule
from .projection import (
    NeedItem,
    SharedItem,
    build_projection,
    needs_offered,
    projection_items,
)
from .queries import AGENCY_ROLES

logger = logging.getLogger(__name__)

# Used only when the rule table has no row for an urgency (a fresh database emptied by
# hand): the same numbers the migration seeds, so a referral always gets a deadline.
DEFAULT_RULES = {
    Urgency.EMERGENCY: (2, ReferralDeadlineRule.Unit.HOURS),
    Urgency.URGENT: (24, ReferralDeadlineRule.Unit.HOURS),
    Urgency.ROUTINE: (3, ReferralDeadlineRule.Unit.WORKING_DAYS),
}


# --- Helpers ------------------------------------------------------------------------------


def recipient_type_of(provider: Provider) -> str:
    """The kind of service a consent must name: the provider's organisation type, or
    "other" for a service outside Sipakatau."""
    if provider.organisation_id is not None and provider.organisation is not None:
        return provider.organisation.type
    return str(OrganisationType.OTHER)


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


def _active_users(memberships: QuerySet[Membership]) -> list[User]:
    return [
        m.user
        for m in memberships.filter(is_active=True, user__is_active=True).select_related("user")
    ]


def agency_people(organisation_id: int | None) -> list[User]:
    """Who reads an organisation's referral inbox."""
    if organisation_id is None:
        return []
    return _active_users(
        Membership.objects.filter(organisation_id=organisation_id, role__in=AGENCY_ROLES)
    )


def coordinators_of(organisation_id: int, *, except_user: int | None = None) -> list[User]:
    users = _active_users(
        Membership.objects.filter(organisation_id=organisation_id, role=Role.COORDINATOR)
    )
    return [user for user in users if user.pk != except_user]


def _sender_people(referral: Referral) -> list[User]:
    """The worker who sent it and the case's worker: who waits for the answer."""
    users: dict[int, User] = {referral.created_by_id: referral.created_by}
    assigned = referral.case.assigned_to
    if assigned is not None:
        users[assigned.pk] = assigned
    return [user for user in users.values() if user.is_active]


def _unit_name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.short_name or organisation.name


def _link(referral: Referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.pk])


def _tell(users: Iterable[AbstractBaseUser], template: str, referral: Referral, unit: str) -> None:
    notify(
        users=users,
        template=template,
        context={
            "register_number": referral.register_number,
            "link": _link(referral),
            "unit_name": unit,
            "due_at": referral.due_at,
        },
    )


def _system() -> Actor:
    return Actor(label="system")


def _audit(actor: Membership | None, action: str, referral: Referral, fields: list[str]) -> None:
    if actor is None:
        audit_record(
            action=action,
            actor=_system(),
            object_type="referrals.referral",
            object_id=referral.pk,
            fields=fields,
        )
    else:
        record(actor, action, referral, fields)


def require_sender(actor: Membership, referral: Referral) -> None:
    """A caseworker or coordinator of the unit whose case it is."""
    require_case_access(actor, referral.case, CASE_STAFF)


def require_answerer(actor: Membership, referral: Referral) -> None:
    """The recipient organisation's officers and managers answer. For an outside service
    (no inbox) the sending unit records the answer it got by letter or telephone."""
    if referral.recipient_id is None:
        require_sender(actor, referral)
        return
    if (
        not actor.is_active
        or actor.role not in AGENCY_ROLES
        or actor.organisation_id != referral.recipient_id
    ):
        raise PermissionDenied


# --- Making a referral --------------------------------------------------------------------


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


def need_items(case: Case, *, service_type: str = "") -> list[NeedItem]:
    """What the referral form offers, for a case the caller fetched through its scoped
    query: each need of the latest assessment, the one the service is for ticked."""
    suggested = NEED_OF_SERVICE.get(service_type, "")
    return [
        NeedItem(
            code=domain,
            label=str(NeedDomain(domain).label),
            text=text,
            suggested=domain == suggested,
        )
        for domain, text in needs_offered(case).items()
    ]


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
    require_case_access(actor, case, CASE_STAFF)
    shared_fields = list(shared_fields)
    chosen_needs = _clean_needs(case, shared_fields, needs, service_type)
    fields = _clean_fields(shared_fields, summary, with_needs=bool(chosen_needs))
    subject = _subject_of(case, subject)
    projection = build_projection(
        case=case, subject=subject, fields=fields, summary=summary, needs=chosen_needs
    )
    return projection_items(fields, projection)


def consent_covers(case: Case, provider: Provider) -> bool:
    """Every victim of the case agreed to a referral to this kind of service."""
    return has_consent(case, ConsentPurpose.REFERRAL, recipient_type_of(provider))


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
    require_case_access(actor, case, CASE_STAFF)
    errors: dict[str, str] = {}
    if case.status == Status.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it first."))
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
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
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
        _audit(
            actor,
            "referral.created",
            referral,
            ["provider", "service_type", "urgency", "reason", "consent", *fields],
        )
        _tell(
            agency_people(referral.recipient_id),
            "referral_received",
            referral,
            _unit_name(case.organisation),
        )
        if not covered:
            _audit(
                actor, "referral.override", referral, ["override_legal_basis", "override_reason"]
            )
            _tell(
                coordinators_of(case.organisation_id, except_user=actor.user_id),
                "referral_override",
                referral,
                _unit_name(case.organisation),
            )
    return referral


# --- Answering ------------------------------------------------------------------------------


def _move(
    actor: Membership | None,
    referral: Referral,
    action: str,
    allowed_from: set[str],
    message: str,
    **changes: object,
) -> None:
    """One step of the state machine above, with its audit event."""
    if referral.status not in allowed_from:
        raise ValidationError(message)
    for field, value in changes.items():
        setattr(referral, field, value)
    fields = list(changes)
    referral.save(update_fields=[*fields, "updated_at"])
    _audit(actor, action, referral, fields)


def _tell_sender(referral: Referral) -> None:
    _tell(_sender_people(referral), "referral_answered", referral, _unit_name(referral.recipient))


def referral_accept(*, actor: Membership, referral: Referral) -> Referral:
    require_answerer(actor, referral)
    with transaction.atomic():
        _move(
            actor,
            referral,
            "referral.accepted",
            {ReferralStatus.SENT},
            _("Only a referral waiting for an answer can be accepted."),
            status=ReferralStatus.ACCEPTED,
            answered_by=actor.user,
            answered_at=timezone.now(),
        )
        _tell_sender(referral)
    return referral


def referral_decline(*, actor: Membership, referral: Referral, reason: str) -> Referral:
    require_answerer(actor, referral)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the unit can find another service.")})
    with transaction.atomic():
        _move(
            actor,
            referral,
            "referral.declined",
            {ReferralStatus.SENT},
            _("Only a referral waiting for an answer can be declined."),
            status=ReferralStatus.DECLINED,
            decline_reason=reason.strip(),
            answered_by=actor.user,
            answered_at=timezone.now(),
        )
        _tell_sender(referral)
    return referral


def referral_start_service(*, actor: Membership, referral: Referral) -> Referral:
    require_answerer(actor, referral)
    with transaction.atomic():
        _move(
            actor,
            referral,
            "referral.started",
            {ReferralStatus.ACCEPTED},
            _("Accept the referral before the service starts."),
            status=ReferralStatus.IN_SERVICE,
            started_at=timezone.now(),
        )
    return referral


def referral_complete(
    *, actor: Membership, referral: Referral, service_given: str, feedback: str = ""
) -> Referral:
    """The service given and the feedback go back to the case (the unit reads them)."""
    require_answerer(actor, referral)
    if not service_given.strip():
        raise ValidationError({"service_given": _("Say what service was given.")})
    with transaction.atomic():
        _move(
            actor,
            referral,
            "referral.completed",
            {ReferralStatus.IN_SERVICE},
            _("Start the service before completing it."),
            status=ReferralStatus.COMPLETED,
            service_given=service_given.strip(),
            feedback=feedback.strip(),
            completed_at=timezone.now(),
        )
        _tell_sender(referral)
    return referral


# --- Ending from the sender's side ------------------------------------------------------------


def _end(actor: Membership | None, referral: Referral, status: str, action: str) -> Referral:
    # The recipient's copy goes: the purpose has ended (UU 27/2022 PDP Pasal 16 ayat (2))
    # or consent is withdrawn (Pasal 40). The field codes stay, so the record still says
    # what had been shared.
    _move(
        actor,
        referral,
        action,
        set(OPEN_STATUSES),
        _("This referral is already finished."),
        status=status,
        projection={},
        ended_at=timezone.now(),
    )
    _tell(
        agency_people(referral.recipient_id),
        "referral_withdrawn",
        referral,
        _unit_name(referral.sender),
    )
    return referral


def referral_cancel(*, actor: Membership, referral: Referral) -> Referral:
    require_sender(actor, referral)
    with transaction.atomic():
        return _end(actor, referral, ReferralStatus.CANCELLED, "referral.cancelled")


def referral_withdraw_for_consent(*, consent: Consent, actor: Membership | None = None) -> int:
    """Withdraw the open referrals that rested on ``consent``, or that no longer rest on
    the consent of every victim now that it is withdrawn. A referral made on another
    lawful basis (an override) did not rest on consent and stays."""
    if consent.purpose != ConsentPurpose.REFERRAL or consent.withdrawn_at is None:
        return 0
    still_covered = has_consent(consent.case, ConsentPurpose.REFERRAL, consent.recipient_type)
    referrals = Referral.objects.filter(
        case_id=consent.case_id,
        status__in=OPEN_STATUSES,
        consent__isnull=False,
        recipient_type=consent.recipient_type,
    ).select_related("sender", "case")
    count = 0
    with transaction.atomic():
        for referral in list(referrals):
            if still_covered and referral.consent_id != consent.pk:
                continue
            _end(actor, referral, ReferralStatus.WITHDRAWN, "referral.withdrawn")
            count += 1
    return count


def on_consent_withdrawn(consent: Consent, actor: Membership) -> None:
    """The hook ``cases.services.care.consent_withdraw`` calls in its transaction."""
    referral_withdraw_for_consent(consent=consent, actor=actor)


def open_referrals_of(case: Case) -> int:
    """The counter ``cases.services.workflow`` asks before a closure."""
    return Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()


# --- Escalation ---------------------------------------------------------------------------------


def overdue_referrals(now: datetime | None = None) -> QuerySet[Referral]:
    return Referral.objects.filter(
        status=ReferralStatus.SENT, escalated_at__isnull=True, due_at__lt=now or timezone.now()
    )


def referrals_escalate(*, now: datetime | None = None) -> int:
    """Tell both sides about each referral still unanswered after its deadline, once: the
    sending unit's coordinators and the recipient's officers and managers."""
    now = now or timezone.now()
    count = 0
    # A list, not a live cursor: rows are written while the loop runs (SQLite).
    for referral in list(overdue_referrals(now).select_related("sender", "recipient")):
        senders = coordinators_of(referral.sender_id)
        recipients = agency_people(referral.recipient_id)
        if not senders and not recipients:
            logger.warning("Overdue referral %s: nobody to tell on either side", referral.pk)
            continue
        with transaction.atomic():
            claimed = Referral.objects.filter(pk=referral.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not claimed:
                continue  # another worker escalated it meanwhile
            _tell(
                senders,
                "referral_overdue",
                referral,
                _unit_name(referral.recipient) or referral.provider.name,
            )
            _tell(recipients, "referral_overdue", referral, _unit_name(referral.sender))
            _audit(None, "referral.escalated", referral, ["escalated_at"])
            count += 1
    return count
