"""What every referrals endpoint shares: the router, and a referral as the API answers it
(the projection for everyone, the sender's part for the sending unit only)."""

from typing import Any

from ninja import Router

from sipakatau.accounts.models import Membership

from .. import queries
from ..models import Referral
from ..projection import projection_items

router = Router(tags=["referrals"])


def referral_and_side(
    membership: Membership, referral_id: int, *, record_read: bool = False
) -> tuple[Referral, bool]:
    """One referral in scope (404 otherwise), and whether it is answered as its sender."""
    referral = queries.referral_for(membership, referral_id, record_read=record_read)
    return referral, queries.is_sender_view(membership, referral)


def _items(referral_fields: list[str], projection: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "field": item.field,
            "label": item.label,
            "text": item.text,
            "value": projection[item.field],
        }
        for item in projection_items(referral_fields, projection)
    ]


def referral_out(referral: Referral, *, sender_view: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": referral.pk,
        "register_number": referral.register_number,
        "status": referral.status,
        "service_type": referral.service_type,
        "urgency": referral.urgency,
        "sender_id": referral.sender_id,
        "sender_name": str(referral.sender),
        "provider_id": referral.provider_id,
        "provider_name": referral.provider.name,
        "recipient_id": referral.recipient_id,
        "created_at": referral.created_at,
        "due_at": referral.due_at,
        "overdue": referral.is_overdue(),
        "answered_at": referral.answered_at,
        "started_at": referral.started_at,
        "completed_at": referral.completed_at,
        "ended_at": referral.ended_at,
        "shared_fields": list(referral.shared_fields),
        "shared": _items(referral.shared_fields, referral.projection),
        "decline_reason": referral.decline_reason,
        "service_given": referral.service_given,
        "feedback": referral.feedback,
        "sender_part": None,
    }
    if sender_view:
        data["sender_part"] = {
            "case_id": referral.case_id,
            "case_register_number": referral.case.register_number,
            "subject_party_id": referral.subject_id,
            "shared_needs": list(referral.shared_needs or []),
            "reason": referral.reason,
            "consent_id": referral.consent_id,
            "override_legal_basis": referral.override_legal_basis,
            "override_reason": referral.override_reason,
            "created_by_id": referral.created_by_id,
        }
    return data
