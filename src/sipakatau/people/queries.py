"""Finding people by what someone knows about them, without plaintext in the database.

Every search goes through a blind index (``lib.blind_index``): the value asked for is
normalised and MACed the same way as when it was stored, and only the MACs are compared.

Scoped by organisation only as far as the caller says (``scope``, ``among``): the
case-management module decides who may see which person and must wrap these candidates
in its own scoped query before showing anything.
"""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number
from sipakatau.lib.phone import PhoneError, normalise_phone

from .models import Person, PersonNameToken, ScopedNameToken

MAX_CANDIDATES = 50
# How many people a name search reads for each index of the name (a word or its sound),
# the most recent first. An index shared by more people is "common" where it is looked up
# (in a unit: "Siti", "Muhammad"); the search then costs the same in a unit of 10,000
# cases or of 1,000,000 (issue 19). Below it the ranking is exact (``name_scores``).
NAME_ROWS_PER_INDEX = 1000
# When a word is common, how many of the people sharing an uncommon one have their common
# words counted too (the best by what they share, then the most recent): each is a read of
# her own rows, which in a big unit is a page the database may fetch from disk, so this
# bounds the search's cost at any size. People_found keeps the best 100.
NAME_CANDIDATES_COUNTED = 100


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


@dataclass
class PeopleFound:
    candidates: list[Candidate]
    # A word of the name was common where it was looked up (``name_scores``): some people
    # who share only common words may be left out; more of the name would find them.
    name_capped: bool = False


def people_matching(**given: Any) -> list[Candidate]:
    """``people_found``'s candidates."""
    return people_found(**given).candidates


def people_found(
    *,
    nik: str | None = None,
    kk: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    scope: int | None = None,
    among: QuerySet[Any] | Collection[int] | None = None,
    excluding: Collection[int] = (),
) -> PeopleFound:
    """People who share any given identifier or resemble the given name, best first.

    ``scope`` (an organisation's id: the people of its cases, ``ScopedNameToken``),
    ``among`` (a query of person ids, or the ids) and ``excluding`` (person ids) limit the
    search to the people of the caller's scope *before* the best are chosen: ranked over a whole
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

    scores = name_scores(name, tokens) if name else NameScores([], capped=False)
    for person_id, score in scores.best[: MAX_CANDIDATES * 2]:
        candidates.setdefault(person_id, Candidate(person=Person(pk=person_id))).name_score = score

    best = sorted(candidates.values(), key=lambda c: (-c.rank[0], -c.rank[1], c.person.pk))
    best = best[:MAX_CANDIDATES]
    # Only the ids: every caller wants them, and loading the rest would decrypt every
    # encrypted field of fifty people (a field read later still loads, deferred).
    people = Person.objects.only("pk").in_bulk([c.person.pk for c in best])
    for candidate in best:
        candidate.person = people.get(candidate.person.pk, candidate.person)
    found = [candidate for candidate in best if candidate.person.pk in people]
    return PeopleFound(found, name_capped=scores.capped)


@dataclass
class NameScores:
    # (person id, how many of the name's indexes she shares), best first, then by id.
    best: list[tuple[int, int]]
    # An index of the name was common (more than NAME_ROWS_PER_INDEX people).
    capped: bool


def name_scores(name: str, tokens: QuerySet[Any] | None = None) -> NameScores:
    """The people whose name shares an index with ``name`` (a word or its sound; the
    score counts them), best first, among ``tokens`` (the rows of ``PersonNameToken`` or
    of one scope's ``ScopedNameToken``), reading at most ``NAME_ROWS_PER_INDEX`` + 1 rows
    of each index, the most recent people first.

    When no index of the name is common, every match was read: the scores and the order
    are exact. Otherwise the candidates are the people sharing an uncommon index (the
    ``NAME_CANDIDATES_COUNTED`` sharing most of them, the most recent first), and the
    common ones are counted for them alone, from their own rows (``name_indexes_of``).
    When every index is common, the candidates are the most recent people sharing any of
    them, with exact scores too: each of them is among the most recent holders of each of
    her indexes, so the rows read hold them all."""
    if tokens is None:
        tokens = PersonNameToken.objects.all()
    newest = _newest_holders_of_each(tokens, sorted(blind_index.name_indexes_for_lookup(name)))
    common = [index for index, holders in newest.items() if len(holders) > NAME_ROWS_PER_INDEX]
    scores = Counter(
        person for index, holders in newest.items() if index not in common for person in holders
    )
    if scores and common:
        # The people sharing the most uncommon indexes, and the common ones they hold too.
        counted = sorted(scores, key=lambda person: (-scores[person], -person))
        scores = Counter({person: scores[person] for person in counted[:NAME_CANDIDATES_COUNTED]})
        held = name_indexes_of(tokens, list(scores))
        scores.update(person for person, index in held if index in common)
    elif common:
        # Only common indexes matched: the most recent people among their holders.
        read = Counter(
            person for holders in newest.values() for person in holders[:NAME_ROWS_PER_INDEX]
        )
        recent = sorted(read, reverse=True)[:NAME_ROWS_PER_INDEX]
        scores = Counter({person: read[person] for person in recent})
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return NameScores(best, capped=bool(common))


def newest_holders(tokens: QuerySet[Any], index: str) -> QuerySet[Any]:
    """``(index, person id)`` of the people holding ``index``, the most recent first, at
    most one more than ``NAME_ROWS_PER_INDEX`` (the one more tells that there are more):
    read backwards from the end of the index's range in ``(scope, token_hash, person)``,
    and no further."""
    holders = tokens.filter(token_hash=index).order_by("-person_id")
    return holders.values_list("token_hash", "person_id")[: NAME_ROWS_PER_INDEX + 1]


def _newest_holders_of_each(tokens: QuerySet[Any], indexes: list[str]) -> dict[str, list[int]]:
    """``newest_holders`` of each index, in one query: a round trip a word costs more than
    reading its rows once the database is busy. Each part stays a query of its own, with
    its ORDER BY and LIMIT (as a subquery: SQLite allows neither on a part of a UNION, and
    Django slices no part of one there)."""
    newest: dict[str, list[int]] = {index: [] for index in indexes}
    if not indexes:
        return newest
    try:
        parts = [newest_holders(tokens, index).query.sql_with_params() for index in indexes]
    except EmptyResultSet:  # the caller's limits leave nobody (an empty ``among``)
        return newest
    # Only SQL that Django compiled is put together; every value stays a parameter.
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({part}) AS newest_{n}"  # noqa: S608
        for n, (part, _) in enumerate(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        for index, person in cursor.fetchall():
            newest[index].append(person)
    return newest


def name_indexes_of(tokens: QuerySet[Any], people: list[int]) -> QuerySet[Any]:
    """``(person id, index)`` of every name index of ``people``: their few rows each, read
    through ``(person, scope)``, however many others share them. Not filtered by index in
    SQL: with the indexes given, both databases may misjudge a common one's range as small
    and read all of it (PostgreSQL did, 2,500 rows a word at 100,000 cases)."""
    return tokens.filter(person_id__in=people).values_list("person_id", "token_hash")


def scoped_name_tokens(scope: int) -> QuerySet[ScopedNameToken]:
    """The name index of the people of one organisation's cases."""
    return ScopedNameToken.objects.filter(scope_id=scope)
