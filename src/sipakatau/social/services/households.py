"""Households, their members over time, DTSEN knowledge and enrolments."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number, validate_kk
from sipakatau.people.models import Person

from ..codes import DtsenStatus, EnrolmentStatus, KnowledgeSource, Relationship
from ..models import DtsenRecord, Enrolment, Household, HouseholdMember, Programme
from ..queries import may_create_household, may_manage_household
from .common import require

DUPLICATE_KK = gettext_lazy(
    "This family card (KK) number is already registered. "
    "Look for the household instead of adding it again."
)
TWO_HOUSEHOLDS = gettext_lazy("This person is already in another household now. Move them instead.")


def _kk_taken(number: str, exclude: int | None = None) -> bool:
    lookups = blind_index.indexes_for_lookup("kk", clean_number(number))
    found = Household.objects.filter(kk_index__in=lookups)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


def _rt_rw(value: str, label: str) -> str:
    digits = value.strip().lstrip("0") or "0"
    if not digits.isdigit() or not 0 < int(digits) < 1000:
        raise ValidationError({label: _("Write the number, for example 002.")})
    return f"{int(digits):03d}"


@transaction.atomic
def household_create(
    *,
    actor: Membership,
    kk_number: str,
    kelurahan: Area,
    rw: str,
    rt: str,
    address: str = "",
) -> Household:
    require(may_create_household(actor, kelurahan))
    errors: dict[str, list[str]] = {}
    try:
        number = validate_kk(kk_number)
    except ValidationError as exc:
        errors["kk_number"] = exc.messages
        number = ""
    try:
        rw = _rt_rw(rw, "rw")
        rt = _rt_rw(rt, "rt")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # The duplicate is refused without saying where it is: the person typing knows the
    # number, but not necessarily that family's kelurahan or members.
    if _kk_taken(number):
        raise ValidationError({"kk_number": [DUPLICATE_KK]})
    household = Household(
        kk_number=number,
        kk_index=blind_index.kk_index(number),
        kelurahan=kelurahan,
        rw=rw,
        rt=rt,
        address=" ".join(address.split()),
        organisation=actor.organisation,
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            household.save(force_insert=True)
    except IntegrityError as exc:  # a second request with the same KK won the race
        raise ValidationError({"kk_number": [DUPLICATE_KK]}) from exc
    audit.log(
        actor,
        "household.created",
        household,
        fields=["kk_number", "kelurahan", "rw", "rt", "address"],
    )
    return household


def _join(
    actor: Membership, household: Household, person: Person, relationship: str, start: date
) -> HouseholdMember:
    if relationship not in Relationship.values:
        raise ValidationError({"relationship": _("Choose the relationship from the list.")})
    if (
        relationship == Relationship.HEAD
        and household.members.filter(end_date__isnull=True, relationship=Relationship.HEAD).exists()
    ):
        raise ValidationError({"relationship": _("This household already has a head.")})
    if HouseholdMember.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError({"person": [TWO_HOUSEHOLDS]})
    try:
        with transaction.atomic():
            member = HouseholdMember.objects.create(
                household=household, person=person, relationship=relationship, start_date=start
            )
    except IntegrityError as exc:  # one_current_household_per_person
        raise ValidationError({"person": [TWO_HOUSEHOLDS]}) from exc
    audit.log(
        actor, "household.member_added", member, fields=["person", "relationship", "start_date"]
    )
    return member


@transaction.atomic
def household_member_add(
    *,
    actor: Membership,
    household: Household,
    person: Person,
    relationship: str,
    start_date: date | None = None,
) -> HouseholdMember:
    require(may_manage_household(actor, household))
    # Lock the person's rows so that two adds of the same person queue up.
    list(Person.objects.select_for_update().filter(pk=person.pk))
    return _join(actor, household, person, relationship, start_date or timezone.localdate())


@transaction.atomic
def household_member_end(
    *, actor: Membership, member: HouseholdMember, end_date: date | None = None
) -> HouseholdMember:
    """The person left the household (moved away, died); the row stays as history."""
    member = (
        HouseholdMember.objects.select_for_update().select_related("household").get(pk=member.pk)
    )
    require(may_manage_household(actor, member.household))
    if member.end_date is not None:
        raise ValidationError(_("This person already left this household."))
    end = end_date or timezone.localdate()
    if end < member.start_date:
        raise ValidationError({"end_date": _("The end cannot be before the person joined.")})
    member.end_date = end
    member.save(update_fields=["end_date"])
    audit.log(actor, "household.member_ended", member, fields=["end_date"])
    return member


@transaction.atomic
def household_member_move(
    *,
    actor: Membership,
    member: HouseholdMember,
    to_household: Household,
    relationship: str,
    on: date | None = None,
) -> HouseholdMember:
    """End the current row and start one in the other household, the same day: history
    keeps both. The actor must manage both households."""
    require(may_manage_household(actor, to_household))
    if member.household_id == to_household.pk:
        raise ValidationError({"to_household": _("The person is already in this household.")})
    day = on or timezone.localdate()
    ended = household_member_end(actor=actor, member=member, end_date=day)
    return _join(actor, to_household, ended.person, relationship, day)


@transaction.atomic
def dtsen_record(
    *,
    actor: Membership,
    household: Household,
    status: str,
    desil: int | None,
    source: str,
    known_on: date,
) -> DtsenRecord:
    require(may_manage_household(actor, household))
    errors: dict[str, str] = {}
    if status not in DtsenStatus.values:
        errors["status"] = _("Choose from the list.")
    if source not in {
        KnowledgeSource.KATA_WARGA,
        KnowledgeSource.CEK_BANSOS,
        KnowledgeSource.DATA_DINSOS,
    }:
        errors["source"] = _("Choose where this is known from.")
    if desil is not None and not 1 <= desil <= 10:
        errors["desil"] = _("The desil is a number from 1 to 10.")
    elif desil is not None and status != DtsenStatus.LISTED:
        errors["desil"] = _("Only a household in DTSEN has a desil.")
    if known_on > timezone.localdate():
        errors["known_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    record = DtsenRecord.objects.create(
        household=household,
        status=status,
        desil=desil,
        source=source,
        known_on=known_on,
        recorded_by=actor.user,
    )
    audit.log(
        actor, "household.dtsen_recorded", record, fields=["status", "desil", "source", "known_on"]
    )
    return record


def enrolment_set(
    *,
    actor: Membership,
    programme: Programme,
    status: str,
    source: str,
    known_on: date,
    household: Household | None = None,
    person: Person | None = None,
) -> Enrolment:
    """Inside a caller's transaction: create or change the one row of this subject."""
    subject = {"household": household} if household is not None else {"person": person}
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        programme=programme,
        **subject,
        defaults={
            "status": status,
            "source": source,
            "known_on": known_on,
            "recorded_by": actor.user,
        },
    )
    if not created:
        enrolment.status, enrolment.source, enrolment.known_on = status, source, known_on
        enrolment.recorded_by = actor.user
        enrolment.save(update_fields=["status", "source", "known_on", "recorded_by", "updated_at"])
    audit.log(
        actor,
        "enrolment.created" if created else "enrolment.changed",
        enrolment,
        fields=["programme", "status", "source", "known_on"],
    )
    return enrolment


@transaction.atomic
def enrolment_record(
    *,
    actor: Membership,
    programme: Programme,
    status: str,
    source: str,
    known_on: date,
    household: Household | None = None,
    person: Person | None = None,
) -> Enrolment:
    """Whether a household (or one member) receives a programme, as far as known."""
    if (household is None) == (person is None):
        raise ValidationError(_("Say whether the household or one person receives it."))
    if household is not None:
        require(may_manage_household(actor, household))
        if programme.target_level != "HOUSEHOLD":
            raise ValidationError({"programme": _("This programme is given to a person.")})
    else:
        assert person is not None
        current = (
            HouseholdMember.objects.filter(person=person, end_date__isnull=True)
            .select_related("household")
            .first()
        )
        require(current is not None and may_manage_household(actor, current.household))
        if programme.target_level != "PERSON":
            raise ValidationError({"programme": _("This programme is given to a household.")})
    errors: dict[str, str] = {}
    if status not in EnrolmentStatus.values:
        errors["status"] = _("Choose from the list.")
    if source not in KnowledgeSource.values:
        errors["source"] = _("Choose where this is known from.")
    if known_on > timezone.localdate():
        errors["known_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return enrolment_set(
        actor=actor,
        programme=programme,
        status=status,
        source=source,
        known_on=known_on,
        household=household,
        person=person,
    )
