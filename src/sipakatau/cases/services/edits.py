"""Correcting what intake recorded, after intake: a victim's SIMFONI particulars, a
suspected perpetrator's work and relation to a victim, and the incident's GBVIMS fields.

Intake may be taken by a volunteer; correcting the record of an opened case is the work
of the unit's caseworkers and coordinators (``queries.may_manage``). Each change is
audited with the names of the fields that changed, never their values.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit

from ..models import Case, CaseParty, Incident, PerpetratorLink
from ..queries import may_manage
from .common import require_open
from .gbvims_details import IncidentDetails, checked_details, details_apply
from .intake import (
    Particulars,
    checked_particulars,
    checked_perpetrator_occupation,
    perpetrator_link_set,
)


def _require_manage(actor: Membership, case: Case) -> None:
    if not may_manage(actor, case):
        raise PermissionDenied


@transaction.atomic
def incident_details_set(*, actor: Membership, case: Case, details: IncidentDetails) -> Incident:
    """The GBVIMS intake fields, all at once (a blank field is "not asked")."""
    _require_manage(actor, case)
    require_open(case)
    values = checked_details(details)
    incident = Incident.objects.select_for_update().filter(case=case).first()
    if incident is None:
        incident = Incident.objects.create(case=case)
    changed = details_apply(incident, values)
    if changed:
        incident.save()
        audit.log(actor, "incident.gbvims_details_set", incident, fields=changed)
    return incident


@transaction.atomic
def party_particulars_set(
    *, actor: Membership, party: CaseParty, particulars: Particulars
) -> CaseParty:
    """A victim's SIMFONI-PPA particulars, all at once (blank: not known)."""
    _require_manage(actor, party.case)
    require_open(party.case)
    values = checked_particulars(party.role, particulars)
    return _party_save(actor, party, values)


def _party_save(actor: Membership, party: CaseParty, values: dict[str, str]) -> CaseParty:
    locked = CaseParty.objects.select_for_update().get(pk=party.pk)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit.log(actor, "case.particulars_set", locked, fields=changed)
    for name in values:
        setattr(party, name, getattr(locked, name))
    return party


def perpetrator_link_edit(
    *,
    actor: Membership,
    case: Case,
    victim: CaseParty,
    perpetrator: CaseParty,
    relationship: str,
    relation_detail: str = "",
) -> PerpetratorLink:
    """SIMFONI's category and the finer relation, corrected after intake; the incident's
    stored GBVIMS context follows (``perpetrator_link_set``)."""
    _require_manage(actor, case)
    return perpetrator_link_set(
        actor=actor,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship=relationship,
        relation_detail=relation_detail,
    )


@transaction.atomic
def perpetrator_edit(
    *,
    actor: Membership,
    party: CaseParty,
    occupation: str,
    victim: CaseParty | None = None,
    relationship: str = "",
    relation_detail: str = "",
) -> CaseParty:
    """A suspected perpetrator's main occupation, and the relation to ``victim`` if one is
    given. All or nothing."""
    _require_manage(actor, party.case)
    require_open(party.case)
    values = {"occupation": checked_perpetrator_occupation(party.role, occupation)}
    _party_save(actor, party, values)
    if victim is not None and relationship:
        perpetrator_link_edit(
            actor=actor,
            case=party.case,
            victim=victim,
            perpetrator=party,
            relationship=relationship,
            relation_detail=relation_detail,
        )
    return party
