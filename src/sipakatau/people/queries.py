"""Finding people by what someone knows about them, without plaintext in the database.

Every search goes through a blind index (``lib.blind_index``): the value asked for is
normalised and MACed the same way as when it was stored, and only the MACs are compared.

Scoped by organisation only as far as the caller says (``scope``, ``among``): the
case-management module decides who may see which person and must wrap these candidates
in its own scoped query before showing anything.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number
from sipakatau.lib.phone import PhoneError, normalise_phone

from .models import Person, PersonNameToken, ScopedNameToken

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
    scope: int | None = None,
    among: QuerySet[Any] | None = None,
    excluding: Collection[int] = (),
) -> list[Candidate]:
    """People who share any given identifier or resemble the given name, best first.

    ``scope`` (an organisation's id: the people of its cases, ``ScopedNameToken``),
    ``among`` (a query of person ids) and ``excluding`` (person ids) limit the search to
    the people of the caller's scope *before* the best are chosen: ranked over a whole
    city, the many people elsewhere who share a common name would push the caller's own
    out of the list. ``scope`` is the fast one: the name is looked up in that scope's own
    index range, whatever the size of the unit; ``among`` costs a join with every person
    it names. An identifier that cannot be normalised (a malformed telephone number)
    matches nobody.
    """
    candidates: dict[int, Candidate] = {}
    in_scope = Person.objects.all()
    tokens: QuerySet[Any] = PersonNameToken.objects.all()
    if scope is not None:
        in_scope = in_scope.filter(
            Exists(ScopedNameToken.objects.filter(person=OuterRef("pk"), scope_id=scope))
        )
        tokens = scoped_name_tokens(scope)
    if among is not None:
        in_scope = in_scope.filter(pk__in=among)
        tokens = tokens.filter(person_id__in=among)
    if excluding:
        in_scope = in_scope.exclude(pk__in=excluding)
        tokens = tokens.exclude(person_id__in=excluding)

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
        for row in name_scores(name, tokens)[: MAX_CANDIDATES * 2]:
            candidate = candidates.setdefault(
                row["person_id"], Candidate(person=Person(pk=row["person_id"]))
            )
            candidate.name_score = row["score"]

    best = sorted(candidates.values(), key=lambda c: (-c.rank[0], -c.rank[1], c.person.pk))
    best = best[:MAX_CANDIDATES]
    # Only the ids: every caller wants them, and loading the rest would decrypt every
    # encrypted field of fifty people (a field read later still loads, deferred).
    people = Person.objects.only("pk").in_bulk([c.person.pk for c in best])
    for candidate in best:
        candidate.person = people.get(candidate.person.pk, candidate.person)
    return [candidate for candidate in best if candidate.person.pk in people]


def name_scores(name: str, tokens: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """``{"person_id", "score"}`` of the people whose name shares an index with ``name``
    (a word or its sound; the score counts them), best first, among ``tokens`` (the rows
    of ``PersonNameToken`` or of one scope's ``ScopedNameToken``)."""
    if tokens is None:
        tokens = PersonNameToken.objects.all()
    return (
        tokens.filter(token_hash__in=blind_index.name_indexes_for_lookup(name))
        .values("person_id")
        # A person has each token once (in a scope), by the tables' unique constraints:
        # a plain count, which PostgreSQL hashes, where a DISTINCT one would sort.
        .annotate(score=Count("token_hash"))
        .order_by("-score", "person_id")
    )


def scoped_name_tokens(scope: int) -> QuerySet[ScopedNameToken]:
    """The name index of the people of one organisation's cases."""
    return ScopedNameToken.objects.filter(scope_id=scope)
