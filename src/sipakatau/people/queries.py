"""Finding people by what someone knows about them, without plaintext in the database.

Every search goes through a blind index (``lib.blind_index``): the value asked for is
normalised and MACed the same way as when it was stored, and only the MACs are compared.

Not yet scoped by organisation: the case-management module decides who may see which
person and must wrap these candidates in its own scoped query before showing anything.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number
from sipakatau.lib.phone import PhoneError, normalise_phone

from .models import Person, PersonNameToken

MAX_CANDIDATES = 50


@dataclass
class Candidate:
    person: Person
    # Which exact identifiers matched: a subset of {"nik", "kk", "phone"}.
    matched: set[str] = field(default_factory=set)
    # How many name indexes (words and their sounds) matched; more is a closer name.
    name_score: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return (len(self.matched), self.name_score)


def people_matching(
    *,
    nik: str | None = None,
    kk: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    among: QuerySet[Any] | None = None,
) -> list[Candidate]:
    """People who share any given identifier or resemble the given name, best first.

    ``among`` (a query of person ids) limits the search to the people of the caller's
    scope *before* the best are chosen: ranked over a whole city, the many people
    elsewhere who share a common name would push the caller's own out of the list.
    An identifier that cannot be normalised (a malformed telephone number) matches nobody.
    """
    candidates: dict[int, Candidate] = {}
    in_scope = Person.objects.all() if among is None else Person.objects.filter(pk__in=among)
    tokens = PersonNameToken.objects.all()
    if among is not None:
        tokens = tokens.filter(person_id__in=among)

    def add(person_ids: list[int], reason: str) -> None:
        for pk in person_ids:
            candidates.setdefault(pk, Candidate(person=Person(pk=pk))).matched.add(reason)

    exact: list[tuple[str, str, str]] = []
    if nik and clean_number(nik):
        exact.append(("nik", "nik_index", clean_number(nik)))
    if kk and clean_number(kk):
        exact.append(("kk", "kk_index", clean_number(kk)))
    for reason, column, value in exact:
        lookups = blind_index.indexes_for_lookup(reason, value)
        add(
            list(in_scope.filter(**{f"{column}__in": lookups}).values_list("pk", flat=True)),
            reason,
        )
    if phone:
        try:
            normalised = normalise_phone(phone)
        except PhoneError:
            normalised = None
        if normalised:
            lookups = blind_index.indexes_for_lookup("phone", normalised)
            add(
                list(in_scope.filter(phone_index__in=lookups).values_list("pk", flat=True)),
                "phone",
            )

    if name:
        hashes = blind_index.name_indexes_for_lookup(name)
        scores = (
            tokens.filter(token_hash__in=hashes)
            .values("person_id")
            .annotate(score=Count("token_hash", distinct=True))
            .order_by("-score", "person_id")[: MAX_CANDIDATES * 2]
        )
        for row in scores:
            candidate = candidates.setdefault(
                row["person_id"], Candidate(person=Person(pk=row["person_id"]))
            )
            candidate.name_score = row["score"]

    best = sorted(candidates.values(), key=lambda c: (-c.rank[0], -c.rank[1], c.person.pk))
    best = best[:MAX_CANDIDATES]
    people = Person.objects.in_bulk([c.person.pk for c in best])
    for candidate in best:
        candidate.person = people.get(candidate.person.pk, candidate.person)
    return [candidate for candidate in best if candidate.person.pk in people]
