"""Households: duplicate KK refused, one current household per person (service and
database), moves keep history, and nobody outside the kelurahan reaches them."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from sipakatau.audit.models import AuditEvent
from sipakatau.social import services
from sipakatau.social.models import Household, HouseholdMember
from sipakatau.social.queries import household_for, households_visible_to
from tests.factories import Persona

from .conftest import household, kk, person


def test_a_household_keeps_its_kk_encrypted_and_indexed(bahagia_coordinator: Persona, ws) -> None:
    number = kk()
    created = household(bahagia_coordinator.membership, ws, number=number)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kk_number, kk_index FROM social_household WHERE id = %s", [created.pk]
        )
        stored, index = cursor.fetchone()
    assert number not in stored and len(index) == 32
    assert Household.objects.get(pk=created.pk).kk_number == number
    event = AuditEvent.objects.filter(action="household.created").get()
    assert number not in str(event.fields)


def test_it_refuses_a_second_household_with_the_same_kk(
    bahagia_coordinator: Persona, ws, wb, ikhlas_coordinator: Persona
) -> None:
    number = kk()
    household(bahagia_coordinator.membership, ws, number=number)
    # Written differently, and from another kelurahan: still the same family card.
    spaced = " ".join([number[:4], number[4:8], number[8:12], number[12:]])
    with pytest.raises(ValidationError) as refused:
        services.household_create(
            actor=ikhlas_coordinator.membership, kk_number=spaced, kelurahan=wb, rw="1", rt="1"
        )
    message = " ".join(refused.value.message_dict["kk_number"])
    assert "already registered" in message
    assert "Watang Soreang" not in message and "Siti" not in message
    assert Household.objects.count() == 1


def test_the_database_refuses_a_duplicate_kk_index_too(bahagia_coordinator: Persona, ws) -> None:
    first = household(bahagia_coordinator.membership, ws, head=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            kk_number=first.kk_number,
            kk_index=first.kk_index,
            kelurahan=ws,
            rw="001",
            rt="001",
            organisation=first.organisation,
            created_by=first.created_by,
        )


def test_a_person_is_in_one_current_household_and_a_move_keeps_history(
    bahagia_coordinator: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    first = household(actor, ws, head=None)
    second = household(actor, ws, head=None)
    ani = person(actor, "Ani")
    member = services.household_member_add(
        actor=actor, household=first, person=ani, relationship="ANAK", start_date=date(2021, 1, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.household_member_add(
            actor=actor, household=second, person=ani, relationship="ANAK"
        )
    assert "already in another household" in " ".join(refused.value.message_dict["person"])

    moved = services.household_member_move(
        actor=actor, member=member, to_household=second, relationship="KEPALA", on=date(2024, 5, 1)
    )
    rows = list(HouseholdMember.objects.filter(person=ani).order_by("start_date"))
    assert [(r.household_id, r.end_date) for r in rows] == [
        (first.pk, date(2024, 5, 1)),
        (second.pk, None),
    ]
    assert moved.relationship == "KEPALA"


def test_the_database_refuses_two_current_households(bahagia_coordinator: Persona, ws) -> None:
    actor = bahagia_coordinator.membership
    first, second = household(actor, ws, head=None), household(actor, ws, head=None)
    ani = person(actor, "Ani")
    HouseholdMember.objects.create(
        household=first, person=ani, relationship="ANAK", start_date=date(2020, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(
            household=second, person=ani, relationship="ANAK", start_date=date(2021, 1, 1)
        )
    # An ended row does not count.
    HouseholdMember.objects.filter(household=first).update(end_date=date(2021, 1, 1))
    HouseholdMember.objects.create(
        household=second, person=ani, relationship="ANAK", start_date=date(2021, 1, 1)
    )


def test_a_household_of_another_kelurahan_answers_404(
    bahagia_coordinator: Persona,
    ikhlas_coordinator: Persona,
    ikhlas_volunteer: Persona,
    lurah: Persona,
    auditor: Persona,
    dp3a_officer: Persona,
    dinsos_officer: Persona,
    ws,
) -> None:
    created = household(bahagia_coordinator.membership, ws)
    assert household_for(lurah.membership, created.pk) == created
    for outsider in (ikhlas_coordinator, ikhlas_volunteer, auditor, dp3a_officer, dinsos_officer):
        with pytest.raises(Http404):
            household_for(outsider.membership, created.pk)
    with pytest.raises(PermissionDenied):
        services.dtsen_record(
            actor=ikhlas_coordinator.membership,
            household=created,
            status="LISTED",
            desil=3,
            source="KATA_WARGA",
            known_on=date(2025, 1, 1),
        )


def test_a_volunteer_sees_and_records_documents_but_does_not_manage_households(
    bahagia_coordinator: Persona, bahagia_volunteer: Persona, ikhlas_volunteer: Persona, ws
) -> None:
    created = household(bahagia_coordinator.membership, ws)
    head = created.members.get().person
    assert list(households_visible_to(bahagia_volunteer.membership)) == [created]
    document = services.document_record(
        actor=bahagia_volunteer.membership, person=head, kind="KTP_EL", status="MISSING"
    )
    help_row = services.document_help_record(
        actor=bahagia_volunteer.membership,
        person=head,
        kind="KTP_EL",
        help_given="Diantar ke Disdukcapil",
        helped_on=date(2025, 3, 3),
        outcome="PENDING",
    )
    assert document.status == "MISSING" and help_row.help_given == "Diantar ke Disdukcapil"
    with pytest.raises(PermissionDenied):
        services.document_record(
            actor=ikhlas_volunteer.membership, person=head, kind="KK", status="HAS"
        )
    with pytest.raises(PermissionDenied):
        services.dtsen_record(
            actor=bahagia_volunteer.membership,
            household=created,
            status="LISTED",
            desil=2,
            source="CEK_BANSOS",
            known_on=date(2025, 1, 1),
        )


def test_bpjs_has_its_own_statuses_and_pbi(bahagia_coordinator: Persona, ws) -> None:
    actor = bahagia_coordinator.membership
    head = household(actor, ws).members.get().person
    with pytest.raises(ValidationError):
        services.document_record(actor=actor, person=head, kind="BPJS_KESEHATAN", status="HAS")
    row = services.document_record(
        actor=actor, person=head, kind="BPJS_KESEHATAN", status="INACTIVE", is_pbi=True
    )
    assert (row.status, row.is_pbi) == ("INACTIVE", True)


def test_dtsen_knowledge_keeps_its_source_and_refuses_a_wrong_desil(
    bahagia_coordinator: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    created = household(actor, ws)
    with pytest.raises(ValidationError):
        services.dtsen_record(
            actor=actor,
            household=created,
            status="LISTED",
            desil=11,
            source="KATA_WARGA",
            known_on=date(2025, 1, 1),
        )
    with pytest.raises(ValidationError):
        services.dtsen_record(
            actor=actor,
            household=created,
            status="NOT_LISTED",
            desil=3,
            source="KATA_WARGA",
            known_on=date(2025, 1, 1),
        )
    record = services.dtsen_record(
        actor=actor,
        household=created,
        status="LISTED",
        desil=3,
        source="CEK_BANSOS",
        known_on=date(2025, 1, 1),
    )
    assert record.get_source_display() == "Cek Bansos website or app"
