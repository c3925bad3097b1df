"""Every write to people.

Each service checks that the acting membership may do it, validates (a bad NIK is an
error; an odd but possible NIK is a warning returned to the caller), keeps the blind
indexes in step with the encrypted values, and writes the audit event — field *names*
only, never values — in the same transaction.
"""

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import MANAGE_HOUSEHOLDS, RECORD_PEOPLE
from sipakatau.audit import services as audit
from sipakatau.lib import blind_index
from sipakatau.lib.nik import NikWarning, validate_kk, validate_nik
from sipakatau.lib.phone import PhoneError, normalise_phone

from .models import Person, PersonNameToken, ScopedNameToken, Sex

MAX_AGE = 130


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP  # "leave this field as it is" in person_update


@dataclass(frozen=True)
class PersonSaved:
    person: Person
    # Things to look at again (an odd NIK); the person was saved anyway.
    warnings: tuple[NikWarning, ...]


@dataclass
class _Values:
    name: str
    sex: str
    nik: str | None
    kk_number: str | None
    phone: str | None
    address: str | None
    birth_date: date | None
    age_estimate: int | None


def _require_recorder(actor: Membership) -> None:
    if not actor.is_active or actor.role not in RECORD_PEOPLE:
        raise PermissionDenied


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _validate(values: _Values) -> tuple[_Values, tuple[NikWarning, ...]]:
    """Clean every value; collect every error at once so a form can show them together."""
    errors: dict[str, list[str]] = {}
    warnings: tuple[NikWarning, ...] = ()

    name = " ".join(values.name.split())
    if not name:
        errors["name"] = [_("Fill in the name.")]
    elif not blind_index.name_tokens(name):
        errors["name"] = [_("Write the name in letters.")]
    if values.sex not in Sex.values:
        errors["sex"] = [_("Choose the sex from the list.")]
    today = timezone.localdate()
    if values.birth_date is not None and values.birth_date > today:
        errors["birth_date"] = [_("The birth date cannot be in the future.")]
    if values.age_estimate is not None and not 0 <= values.age_estimate <= MAX_AGE:
        errors["age_estimate"] = [
            _("The age must be between 0 and %(max)d years.") % {"max": MAX_AGE}
        ]

    nik = _blank_to_none(values.nik)
    if nik is not None:
        try:
            check = validate_nik(
                nik,
                sex=values.sex if values.sex != Sex.UNKNOWN else None,
                birth_date=values.birth_date,
                today=today,
            )
        except ValidationError as exc:
            errors["nik"] = exc.messages
        else:
            nik, warnings = check.nik, check.warnings

    kk_number = _blank_to_none(values.kk_number)
    if kk_number is not None:
        try:
            kk_number = validate_kk(kk_number)
        except ValidationError as exc:
            errors["kk_number"] = exc.messages

    phone = _blank_to_none(values.phone)
    if phone is not None:
        try:
            phone = normalise_phone(phone)
        except PhoneError:
            errors["phone"] = [
                _(
                    "This is not a telephone number. "
                    "Write it like 0812 3456 7890 or +62 812 3456 7890."
                )
            ]

    if errors:
        raise ValidationError(errors)
    cleaned = _Values(
        name=name,
        sex=values.sex,
        nik=nik,
        kk_number=kk_number,
        phone=phone,
        address=_blank_to_none(values.address),
        birth_date=values.birth_date,
        age_estimate=values.age_estimate,
    )
    return cleaned, warnings


def _apply(person: Person, values: _Values) -> None:
    person.name = values.name
    person.sex = values.sex
    person.nik = values.nik
    person.kk_number = values.kk_number
    person.phone = values.phone
    person.address = values.address
    person.birth_date = values.birth_date
    person.age_estimate = values.age_estimate
    person.nik_index = blind_index.nik_index(values.nik) if values.nik else None
    person.kk_index = blind_index.kk_index(values.kk_number) if values.kk_number else None
    person.phone_index = blind_index.phone_index(values.phone) if values.phone else None


def _index_name(person: Person) -> None:
    wanted = blind_index.name_indexes(person.name)
    existing = set(person.name_tokens.values_list("token_hash", flat=True))
    if wanted != existing:
        person.name_tokens.exclude(token_hash__in=wanted).delete()
        PersonNameToken.objects.bulk_create(
            PersonNameToken(person=person, token_hash=token) for token in sorted(wanted - existing)
        )
    _index_scoped_name(person, wanted)


def _index_scoped_name(person: Person, tokens: set[str], scopes: set[int] | None = None) -> None:
    """The person's name tokens in each of ``scopes`` (by default the scopes she is in
    already), and in no other: a new name, a new index key or a new scope changes the
    rows in the same transaction as the change."""
    existing = set(person.scoped_name_tokens.values_list("scope_id", "token_hash"))
    if scopes is None:
        scopes = {scope for scope, _token in existing}
    wanted = {(scope, token) for scope in scopes for token in tokens}
    if wanted == existing:
        return
    if existing - wanted:
        # A row is unwanted when its scope or its token is.
        person.scoped_name_tokens.exclude(scope_id__in=scopes).delete()
        person.scoped_name_tokens.exclude(token_hash__in=tokens).delete()
    ScopedNameToken.objects.bulk_create(
        ScopedNameToken(scope_id=scope, token_hash=token, person=person)
        for scope, token in sorted(wanted - existing)
    )


def _current(person: Person) -> _Values:
    return _Values(
        name=person.name,
        sex=person.sex,
        nik=person.nik,
        kk_number=person.kk_number,
        phone=person.phone,
        address=person.address,
        birth_date=person.birth_date,
        age_estimate=person.age_estimate,
    )


def person_create(
    *,
    actor: Membership,
    name: str,
    sex: str = Sex.UNKNOWN,
    nik: str | None = None,
    kk_number: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    birth_date: date | None = None,
    age_estimate: int | None = None,
) -> PersonSaved:
    _require_recorder(actor)
    return _insert(
        actor, _Values(name, sex, nik, kk_number, phone, address, birth_date, age_estimate)
    )


def person_create_from_kk(
    *,
    actor: Membership,
    name: str,
    sex: str = Sex.UNKNOWN,
    nik: str | None = None,
    birth_date: date | None = None,
    age_estimate: int | None = None,
) -> PersonSaved:
    """A household member as printed on a KK, recorded by whoever keeps the kelurahan's
    households — kelurahan staff too, who record no one else. The KK gives only these
    fields; the person is linked to no case, so recording them reveals nothing."""
    if not actor.is_active or actor.role not in MANAGE_HOUSEHOLDS:
        raise PermissionDenied
    return _insert(actor, _Values(name, sex, nik, None, None, None, birth_date, age_estimate))


def _insert(actor: Membership, given: _Values) -> PersonSaved:
    values, warnings = _validate(given)
    with transaction.atomic():
        person = Person()
        _apply(person, values)
        person.save(force_insert=True)
        _index_name(person)
        audit.log(
            actor,
            "person.created",
            person,
            fields=[name for name, value in vars(values).items() if value not in (None, "")],
        )
    return PersonSaved(person=person, warnings=warnings)


def person_update(
    *,
    actor: Membership,
    person: Person,
    name: str | _Keep = KEEP,
    sex: str | _Keep = KEEP,
    nik: str | _Keep | None = KEEP,
    kk_number: str | _Keep | None = KEEP,
    phone: str | _Keep | None = KEEP,
    address: str | _Keep | None = KEEP,
    birth_date: date | _Keep | None = KEEP,
    age_estimate: int | _Keep | None = KEEP,
) -> PersonSaved:
    """Change the given fields (``KEEP``, the default, leaves a field alone; ``None`` or an
    empty string clears it)."""
    _require_recorder(actor)
    before = _current(person)
    proposed = _Values(**vars(before))
    given = {
        "name": name,
        "sex": sex,
        "nik": nik,
        "kk_number": kk_number,
        "phone": phone,
        "address": address,
        "birth_date": birth_date,
        "age_estimate": age_estimate,
    }
    for field, value in given.items():
        if value is not KEEP:
            setattr(proposed, field, value)
    values, warnings = _validate(proposed)
    changed = [field for field, value in vars(values).items() if getattr(before, field) != value]
    if not changed:
        return PersonSaved(person=person, warnings=warnings)
    with transaction.atomic():
        _apply(person, values)
        person.save()
        if "name" in changed:
            _index_name(person)
        audit.log(actor, "person.updated", person, fields=changed)
    return PersonSaved(person=person, warnings=warnings)


def person_reindex(*, person: Person) -> None:
    """Recompute every blind index of ``person`` under the newest index key.

    For the operator after adding an index key (see docs/security.md ("The keys")); no audit
    event, because nothing about the person changes.
    """
    with transaction.atomic():
        _apply(person, _current(person))
        person.save(update_fields=["nik_index", "kk_index", "phone_index"])
        _index_name(person)


def person_scopes_set(*, person: Person, scopes: set[int]) -> None:
    """Make ``person`` findable by name from exactly these organisations (their ids).

    The case services call it whenever the units a person is part of may change (a party
    added to a case, a case removed); the scope says nothing new about the person, so no
    audit event: the change that moved her has its own."""
    with transaction.atomic():
        # The person's row is the lock: two cases taking her in at the same moment (or a
        # new name) write her rows one after the other, never the same row twice.
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        tokens = set(person.name_tokens.values_list("token_hash", flat=True))
        _index_scoped_name(person, tokens, scopes)
