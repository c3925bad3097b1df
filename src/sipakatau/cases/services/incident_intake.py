"""Intake screen 3 as one step: what happened, the suspected perpetrator if known, and the
victims' consent for services if given now. One transaction: a refused consent leaves
no incident or perpetrator half-recorded."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area

from ..codes import ConsentPurpose, PartyRole
from ..models import Case, CaseParty, Consent, Incident
from .consents import ConsentGiven, consents_record
from .gbvims_details import IncidentDetails
from .intake import NewPerson, case_intake_complete, incident_record, party_create


class PartRefused(ValidationError):
    """A refusal of one part of the step (``part``: "incident", "perpetrator" or
    "consent"), so that the page shows it on that part's form."""

    def __init__(self, part: str, error: ValidationError) -> None:
        super().__init__(error)
        self.part = part


@transaction.atomic
def incident_intake_record(
    *,
    actor: Membership,
    case: Case,
    occurred_on: date | None,
    occurred_on_is_estimate: bool = False,
    place_type: str = "",
    area: Area | None = None,
    outside_city: bool = False,
    narrative: str = "",
    violence_forms: list[str] | None = None,
    details: IncidentDetails | None = None,
    perpetrator: NewPerson | None = None,
    perpetrator_occupation: str = "",
    perpetrator_victim: CaseParty | None = None,
    relationship: str = "",
    relation_detail: str = "",
    consent: ConsentGiven | None = None,
) -> Incident:
    """The consent, if given, is for every victim who has none for services yet. A
    refusal of the GBVIMS ``details`` is the incident's."""
    try:
        incident = incident_record(
            actor=actor,
            case=case,
            occurred_on=occurred_on,
            occurred_on_is_estimate=occurred_on_is_estimate,
            place_type=place_type,
            area=area,
            outside_city=outside_city,
            narrative=narrative,
            violence_forms=violence_forms,
            details=details,
        )
    except ValidationError as error:
        raise PartRefused("incident", error) from error
    if perpetrator is not None:
        try:
            party_create(
                actor=actor,
                case=case,
                role=PartyRole.PERPETRATOR,
                person=perpetrator,
                victim=perpetrator_victim,
                relationship=relationship,
                relation_detail=relation_detail,
                perpetrator_occupation=perpetrator_occupation,
            )
        except ValidationError as error:
            raise PartRefused("perpetrator", error) from error
    if consent is not None:
        # Read after the incident: the ages "at the time of the incident" were just
        # recomputed, and they decide who is a child.
        consented = Consent.objects.filter(
            case=case, purpose=ConsentPurpose.SERVICES, withdrawn_at__isnull=True
        ).values("subject_id")
        subjects = list(
            case.parties.filter(role=PartyRole.VICTIM)
            .exclude(pk__in=consented)
            .select_related("person")
            .order_by("role", "pk")
        )
        try:
            consents_record(
                actor=actor,
                case=case,
                subjects=subjects,
                purpose=ConsentPurpose.SERVICES,
                given=consent,
            )
        except ValidationError as error:
            raise PartRefused("consent", error) from error
    # The last screen is saved: the draft becomes a numbered case of the register.
    case_intake_complete(actor=actor, case=case)
    return incident
