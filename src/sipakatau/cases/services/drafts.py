"""Intake drafts that were never completed: removed after SIPAKATAU_INTAKE_DRAFT_DAYS.

A draft holds what a volunteer typed on the first intake screens (who the victim is,
how to reach her). Kept for ever it would be personal data with no case to serve, so it
goes, with the people recorded only for it; the audit trail keeps that it existed and
that it was removed (the events name ids, never values, so the chain stays whole).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from sipakatau.audit import services as audit
from sipakatau.people.models import Person

from ..deadline_tally import tally_kept
from ..models import Case, CaseParty
from .search_scope import search_scopes_keep

DEFAULT_DRAFT_DAYS = 14


def draft_days() -> int:
    return int(getattr(settings, "SIPAKATAU_INTAKE_DRAFT_DAYS", DEFAULT_DRAFT_DAYS))


def stale_intake_drafts(now: datetime | None = None) -> QuerySet[Case]:
    """Drafts started more than ``draft_days()`` ago and never completed."""
    before = (now or timezone.now()) - timedelta(days=draft_days())
    return Case.objects.filter(intake_completed_at__isnull=True, created_at__lt=before)


def _recorded_only_for(person: Person, case: Case) -> bool:
    """Nothing but this draft knows the person: no other case, no household, no civil
    document. Anyone else stays in the registry."""
    return not (
        CaseParty.objects.filter(person=person).exclude(case=case).exists()
        or person.household_rows.exists()
        or person.civil_documents.exists()
        or person.document_help.exists()
    )


@dataclass(frozen=True)
class DraftRemoved:
    case_id: int
    people: int


@transaction.atomic
def intake_draft_remove(*, case_id: int) -> DraftRemoved | None:
    """Remove one stale draft (by the system), or nothing if it was completed meanwhile:
    the row is locked first, so a volunteer finishing the intake at that moment wins."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case.is_draft:
        return None
    people = list(Person.objects.filter(case_parties__case=case).distinct().order_by("pk"))
    leaving = [person for person in people if _recorded_only_for(person, case)]
    audit.log(None, "case.draft_deleted", case, fields=["parties", "incident"])
    with tally_kept(case):
        case.delete()
    removed = 0
    for person in people:
        if person in leaving:
            person_id = person.pk
            try:
                with transaction.atomic():
                    person.delete()
            except ProtectedError:
                pass  # something recorded after the check holds the person: keep her
            else:
                audit.log(None, "person.deleted", ("people.person", person_id))
                removed += 1
                continue
        # Staying in the registry: no longer found by name from this unit unless another
        # of its cases has her.
        search_scopes_keep(person)
    return DraftRemoved(case_id=case_id, people=removed)


def stale_intake_drafts_remove(now: datetime | None = None) -> list[DraftRemoved]:
    """Each draft in its own transaction: one that cannot go does not keep the others."""
    removed = []
    for case_id in stale_intake_drafts(now).values_list("pk", flat=True):
        result = intake_draft_remove(case_id=case_id)
        if result is not None:
            removed.append(result)
    return removed
