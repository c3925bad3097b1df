"""Intake through the API: open a case, add people, record and classify what happened."""

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import P, Status
from ninja.params import HeaderEx

from sipakatau.accounts.access import acting
from sipakatau.accounts.models import Membership

from .. import queries
from ..models import Case, CaseParty, Incident, PerpetratorLink
from ..services import classification, edits, intake
from ..services.gbvims_details import IncidentDetails
from ..services.intake import NewPerson, NewProfile, Particulars
from .common import area_of_code, party_in_case, router
from .schemas import (
    CaseOpenIn,
    CaseOut,
    ClassificationIn,
    IncidentDetailsIn,
    IncidentIn,
    IncidentOut,
    ParticularsIn,
    PartyAddedOut,
    PartyIn,
    PartyOut,
    PerpetratorEditIn,
    PerpetratorOut,
    RelationshipIn,
    RelationshipOut,
)

# Idempotency keys are the client's own strings; each becomes a UUID (the intake key)
# under this namespace, salted with the membership so two clients never share one.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f6c3e-8a43-4d0e-9d7e-3a6c1f2b7e10")


def _intake_key(
    membership: Membership, header: str | None, body_key: uuid.UUID | None
) -> uuid.UUID | None:
    if header is None:
        return body_key
    header = header.strip()
    if not header or len(header) > 200:
        raise ValidationError({"Idempotency-Key": _("Send a key of 1 to 200 characters.")})
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{membership.pk}:{header}")


@router.post(
    "",
    response={201: CaseOut},
    summary="Open a case (intake screen 1); a repeated Idempotency-Key returns the same case",
)
def case_open(
    request: HttpRequest,
    payload: CaseOpenIn,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key")] = None,
) -> Status[Case]:
    membership = acting(request)
    key = _intake_key(membership, idempotency_key, payload.intake_key)
    case = intake.case_open(
        actor=membership,
        channel=payload.channel,
        reported_at=payload.reported_at,
        danger_now=payload.danger_now,
        immediate_needs=payload.immediate_needs,
        intake_key=key,
    )
    return Status(201, case)


@router.post(
    "/{case_id}/parties",
    response={201: PartyAddedOut},
    summary="Add a person to the case (victim, perpetrator, guardian, …) with their profile",
)
def party_add(request: HttpRequest, case_id: int, payload: PartyIn) -> Status[CaseParty]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    person = payload.person
    profile = payload.profile
    created = intake.party_create(
        actor=membership,
        case=case,
        role=payload.role,
        # PersonIn has exactly NewPerson's fields (the arguments of person_create).
        person=NewPerson(**person.model_dump()),
        profile=None
        if profile is None
        else NewProfile(
            area=area_of_code(profile.area_code, "area_code"),
            wg_answers=profile.wg_answers,
            disability_kinds=profile.disability_kinds,
            communication_needs=profile.communication_needs,
            do_not_contact=profile.do_not_contact,
            contact_channels=profile.contact_channels,
            contact_times=profile.contact_times,
            contact_note=profile.contact_note,
        ),
        particulars=None
        if payload.particulars is None
        else Particulars(**payload.particulars.model_dump()),
        perpetrator_occupation=payload.perpetrator_occupation,
    )
    party = created.party
    party.warnings = [str(warning.message) for warning in created.warnings]  # type: ignore[attr-defined]
    return Status(201, party)


@router.post(
    "/{case_id}/incident",
    response=IncidentOut,
    summary="Record what happened (intake screen 3); sending it again replaces it",
)
def incident_record(request: HttpRequest, case_id: int, payload: IncidentIn) -> Incident:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return intake.incident_record(
        actor=membership,
        case=case,
        occurred_on=payload.occurred_on,
        occurred_on_is_estimate=payload.occurred_on_is_estimate,
        place_type=payload.place_type,
        area=area_of_code(payload.area_code, "area_code"),
        outside_city=payload.outside_city,
        narrative=payload.narrative,
        violence_forms=payload.violence_forms,
        details=None if payload.gbvims is None else IncidentDetails(**payload.gbvims.model_dump()),
    )


@router.post(
    "/{case_id}/relationships",
    response=RelationshipOut,
    summary="How a suspected perpetrator relates to a victim (SIMFONI code)",
)
def relationship_set(
    request: HttpRequest, case_id: int, payload: RelationshipIn
) -> PerpetratorLink:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    victim = party_in_case(case, payload.victim_party_id, "victim_party_id")
    perpetrator = party_in_case(case, payload.perpetrator_party_id, "perpetrator_party_id")
    return intake.perpetrator_link_set(
        actor=membership,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship=payload.relationship,
        relation_detail=payload.relation_detail,
    )


@router.post(
    "/{case_id}/classification",
    response=IncidentOut,
    summary="GBVIMS classification (first yes wins) and TPKS offences",
)
def classify(request: HttpRequest, case_id: int, payload: ClassificationIn) -> Incident:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return classification.incident_classify(
        actor=membership,
        case=case,
        answers=payload.answers,
        goods_exchanged=payload.goods_exchanged,
        abduction=payload.abduction,
        tpks_offences=payload.tpks_offences,
    )


# --- Corrections after intake (caseworkers and coordinators of the unit) ----------------


@router.put(
    "/{case_id}/incident/details",
    response=IncidentOut,
    summary="Correct the GBVIMS intake fields after intake (all of them at once)",
    description="A field left out is blank (not asked). Caseworkers and coordinators of the "
    "case's unit; audited as `incident.gbvims_details_set` with the fields that changed.",
)
def incident_details_set(
    request: HttpRequest, case_id: int, payload: IncidentDetailsIn
) -> Incident:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return edits.incident_details_set(
        actor=membership, case=case, details=IncidentDetails(**payload.model_dump())
    )


@router.put(
    "/parties/{party_id}/particulars",
    response=PartyOut,
    summary="Correct a victim's SIMFONI-PPA particulars (all four at once)",
    description="Caseworkers and coordinators of the case's unit; audited as "
    "`case.particulars_set` with the fields that changed.",
)
def particulars_set(request: HttpRequest, party_id: int, payload: ParticularsIn) -> CaseParty:
    membership = acting(request)
    party = queries.party_for(membership, party_id)
    return edits.party_particulars_set(
        actor=membership, party=party, particulars=Particulars(**payload.model_dump())
    )


@router.put(
    "/parties/{party_id}/perpetrator",
    response=PerpetratorOut,
    summary="Correct a suspected perpetrator's occupation and relation to a victim",
    description="The party is the suspected perpetrator. With `victim_party_id` and "
    "`relationship`, the relation to that victim is set too (SIMFONI category and finer "
    "relation), and the incident's stored GBVIMS context is derived again; a "
    "`victim_party_id` that is not a victim of this case answers 422. Caseworkers and "
    "coordinators of the case's unit.",
)
def perpetrator_edit(
    request: HttpRequest, party_id: int, payload: PerpetratorEditIn
) -> dict[str, object]:
    membership = acting(request)
    party = queries.party_for(membership, party_id)
    case = party.case
    victim = None
    if payload.victim_party_id is not None:
        victim = party_in_case(case, payload.victim_party_id, "victim_party_id")
    edits.perpetrator_edit(
        actor=membership,
        party=party,
        occupation=payload.occupation,
        victim=victim,
        relationship=payload.relationship,
        relation_detail=payload.relation_detail,
    )
    return {
        "id": party.pk,
        "occupation": party.occupation,
        "relationships": list(case.perpetrator_links.filter(perpetrator=party).order_by("pk")),
    }
