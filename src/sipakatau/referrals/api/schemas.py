"""The referrals API's request and response bodies."""

from typing import Any

from ninja import Field, Schema

from sipakatau.lib.api_types import JsonInt


class SharedFieldOut(Schema):
    code: str
    label: str


class SharedItemOut(Schema):
    field: str
    label: str
    text: str
    value: Any = Field(None, description="The stored value (codes, text or a small object)")


class NeedItemOut(Schema):
    code: str = Field(description="The need domain code, as sent back in `needs`")
    label: str
    text: str = Field(description="What the latest assessment says of this need")
    suggested: bool = Field(description="The need the service is for (ticked on the page)")


class SenderPartOut(Schema):
    """Only for the sending unit."""

    case_id: int
    case_register_number: str
    subject_party_id: int
    shared_needs: list[str] = Field(
        description="The need domains shared (empty on referrals made before needs were "
        "chosen one by one: those shared every need)"
    )
    reason: str
    consent_id: int | None
    override_legal_basis: str
    override_reason: str
    created_by_id: int


class ReferralOut(Schema):
    id: int
    register_number: str
    status: str
    service_type: str
    urgency: str
    sender_id: int
    sender_name: str
    provider_id: int
    provider_name: str
    recipient_id: int | None
    created_at: Any
    due_at: Any
    overdue: bool
    answered_at: Any = None
    started_at: Any = None
    completed_at: Any = None
    ended_at: Any = None
    shared_fields: list[str]
    shared: list[SharedItemOut]
    decline_reason: str
    service_given: str
    feedback: str
    sender_part: SenderPartOut | None = None


class ReferralIn(Schema):
    provider_id: JsonInt
    service_type: str
    urgency: str
    reason: str = Field(max_length=4000)
    shared_fields: list[str]
    needs: list[str] | None = Field(
        None,
        description="The need domains to share (see /cases/{case_id}/needs); naming one "
        "shares NEEDS. Omitted with NEEDS in shared_fields: the need the service is for.",
    )
    summary: str = Field("", max_length=4000)
    subject_party_id: JsonInt | None = None
    override_legal_basis: str = Field("", max_length=300)
    override_reason: str = Field("", max_length=4000)


class PreviewIn(Schema):
    shared_fields: list[str]
    needs: list[str] | None = Field(
        None,
        description="The need domains to share (see /cases/{case_id}/needs); naming one "
        "shares NEEDS. Omitted with NEEDS in shared_fields: the need the service is for.",
    )
    service_type: str = Field("", description="The service referred for (chooses the need)")
    summary: str = Field("", max_length=4000)
    subject_party_id: JsonInt | None = None
    provider_id: JsonInt | None = None


class PreviewOut(Schema):
    shared: list[SharedItemOut]
    consent_covers: bool | None = Field(
        None, description="Whether every victim agreed to this provider's kind (if given)"
    )


class SearchIn(Schema):
    q: str = Field(max_length=100, description="Referral number or shared details")


class DeclineIn(Schema):
    reason: str = Field(max_length=4000)


class CompleteIn(Schema):
    service_given: str = Field(max_length=4000)
    feedback: str = Field("", max_length=4000)
