"""Which units' months a change makes out of date, for ``rollup``.

Every saved or deleted row that a case figure counts marks the (unit, month) rollups it
belongs to as changed, through Django's model signals (connected in ``apps``), so no
service has to remember it:

- a case, its incident, parties, perpetrator links, deadlines and assessments: the month
  the case was reported in (and the old one, when a case moves or its date changes);
- a consent, a victim's person (sex, disability), a party's role: whether the case is
  counted at all, so also the months of its referrals, closures and public report;
- a closure: the month it was decided; a referral: the month it was sent; a report from
  the public: the month it arrived.

The deadlines met or moved by ``cases.services.deadlines`` in one UPDATE send
``cases.signals.deadlines_changed``.

A mark is written twice: inside the writer's transaction (it commits with the change),
and again once the transaction has committed — a reader that started counting between
the two did not see the change and must count again. The clock is this server's.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import (
    Assessment,
    Case,
    CaseDeadline,
    CaseParty,
    Closure,
    Consent,
    Incident,
    PerpetratorLink,
)
from sipakatau.cases.services.common import unit_zone
from sipakatau.people.models import Person
from sipakatau.public.models import PublicReport
from sipakatau.referrals.models import Referral

from .models import StatisticsRollup

Key = tuple[int, date]


def _months(moments: Iterable[tuple[int | None, datetime | None]]) -> set[Key]:
    """(unit, first day of the month in the unit's zone) of each (unit id, moment)."""
    known: list[tuple[int, datetime]] = [
        (unit, at) for unit, at in moments if unit is not None and at is not None
    ]
    zones = {
        pk: unit_zone(organisation)
        for pk, organisation in Organisation.objects.select_related("area")
        .in_bulk({unit for unit, _at in known})
        .items()
    }
    return {
        (unit, timezone.localtime(at, zones[unit]).date().replace(day=1))
        for unit, at in known
        if unit in zones
    }


def _reported(case_ids: Iterable[int]) -> set[Key]:
    return _months(
        Case.objects.filter(pk__in=set(case_ids)).values_list("organisation", "reported_at")
    )


def _everything_of(case_ids: Iterable[int]) -> set[Key]:
    """Every month a case counts in: reported, its referrals sent, closures decided and
    the public's report it came from."""
    case_ids = set(case_ids)
    moments: list[tuple[int | None, datetime | None]] = []
    moments += Case.objects.filter(pk__in=case_ids).values_list("organisation", "reported_at")
    moments += Referral.objects.filter(case__in=case_ids).values_list("sender", "created_at")
    moments += Closure.objects.filter(case__in=case_ids).values_list(
        "case__organisation", "decided_at"
    )
    moments += PublicReport.objects.filter(case__in=case_ids).values_list(
        "organisation", "created_at"
    )
    return _months(moments)


def mark(keys: set[Key]) -> None:
    """Marks the rollups of ``keys`` as changed now, and again after the commit."""
    if not keys:
        return
    _write(keys)
    transaction.on_commit(lambda: _write(keys))


def _write(keys: set[Key]) -> None:
    now = timezone.now()
    StatisticsRollup.objects.bulk_create(
        [
            StatisticsRollup(organisation_id=unit, month=month, changed_at=now)
            for unit, month in sorted(keys)
        ],
        update_conflicts=True,
        unique_fields=["organisation", "month"],
        update_fields=["changed_at"],
    )


# --- Receivers (connected in ReportsConfig.ready) ----------------------------------------


def case_before_save(instance: Case, **kwargs: Any) -> None:
    """Remembers where a case counted before, in case this save moves it."""
    if instance.pk is not None and not kwargs.get("raw"):
        instance._counted_before = _reported([instance.pk])  # type: ignore[attr-defined]


def case_changed(instance: Case, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before: set[Key] = getattr(instance, "_counted_before", set())
    mark(before | _months([(instance.organisation_id, instance.reported_at)]))


def case_row_changed(instance: Model, **kwargs: Any) -> None:
    """An incident, party, link, deadline or assessment: the case's month."""
    if not kwargs.get("raw"):
        mark(_reported([instance.case_id]))  # type: ignore[attr-defined]


def counting_changed(instance: Consent | CaseParty, **kwargs: Any) -> None:
    """A consent or a party (its role): whether the case counts, everywhere it counts."""
    if not kwargs.get("raw"):
        mark(_everything_of([instance.case_id]))


def person_changed(instance: Person, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    case_ids = CaseParty.objects.filter(person=instance, role=PartyRole.VICTIM).values_list(
        "case", flat=True
    )
    mark(_reported(case_ids))


def closure_changed(instance: Closure, **kwargs: Any) -> None:
    """The month it was decided in, and the case's month (its status)."""
    if kwargs.get("raw"):
        return
    case = Case.objects.filter(pk=instance.case_id).values_list("organisation", "reported_at")
    for organisation, reported_at in case:
        mark(_months([(organisation, reported_at), (organisation, instance.decided_at)]))


def referral_changed(instance: Referral, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        mark(_months([(instance.sender_id, instance.created_at)]))


def public_report_changed(instance: PublicReport, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        mark(_months([(instance.organisation_id, instance.created_at)]))


def deadlines_changed(case: Case, **kwargs: Any) -> None:
    mark(_reported([case.pk]))


CASE_ROWS: tuple[type[Model], ...] = (Incident, PerpetratorLink, CaseDeadline, Assessment)
