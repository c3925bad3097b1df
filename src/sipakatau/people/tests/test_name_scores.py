"""name_scores reads at most NAME_ROWS_PER_INDEX + 1 people of each index of the name
(issue 19): below that the ranking is the exact one it always was; above it, the person
with the whole name still comes first, and the search says that it was cut short."""

import random
from typing import Any

import pytest
from django.db.models import Count, QuerySet

from sipakatau.lib import blind_index
from sipakatau.people import queries
from sipakatau.people.models import Person, ScopedNameToken
from sipakatau.people.queries import name_scores, scoped_name_tokens
from tests.factories import Persona

WORDS = ["siti", "aminah", "lamba", "nur", "hayati", "daeng", *(f"nama{n}" for n in range(34))]


def _unit_of(names: list[str], scope: int) -> list[Person]:
    # Test data only: the index rows as the services write them (``name_indexes``).
    people = Person.objects.bulk_create(Person(name=name) for name in names)
    ScopedNameToken.objects.bulk_create(
        ScopedNameToken(scope_id=scope, token_hash=index, person=person)
        for person in people
        for index in blind_index.name_indexes(person.name)
    )
    return people


def _every_match_counted(name: str, tokens: QuerySet[Any]) -> list[tuple[int, int]]:
    """The ranking before the bound: every row of every index of the name, counted."""
    rows = (
        tokens.filter(token_hash__in=blind_index.name_indexes_for_lookup(name))
        .values("person_id")
        .annotate(score=Count("token_hash"))
        .order_by("-score", "person_id")
    )
    return [(row["person_id"], row["score"]) for row in rows]


def test_the_ranking_is_the_exact_one_while_no_index_is_common(
    bahagia_caseworker: Persona,
) -> None:
    # Given a unit of 600 people named with three of 40 words: ~45 share each word
    scope = bahagia_caseworker.organisation.pk
    rng = random.Random(19)
    names = [" ".join(rng.sample(WORDS, 3)).title() for _ in range(600)]
    _unit_of(names, scope)
    tokens = scoped_name_tokens(scope)
    searched = names[:20] + [name.split()[0] for name in names[:10]]
    searched += [" ".join(name.split()[:2]) for name in names[:10]]

    for name in searched:
        # When the name is searched
        scores = name_scores(name, tokens)

        # Then it is the same ranking as counting every match: no index was cut short
        assert not scores.capped, name
        assert scores.best == _every_match_counted(name, tokens), name


def test_the_whole_name_ranks_first_when_one_word_is_common(
    bahagia_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a unit where "Siti" is more common than a search reads (10 here), and the one
    # Siti Aminah Lamba is the oldest of them all
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 10)
    scope = bahagia_caseworker.organisation.pk
    wanted, *_others = _unit_of(
        ["Siti Aminah Lamba"]
        + [f"Siti Nama{n}" for n in range(30)]
        + ["Aminah Daeng", "Nur Lamba", "Siti Aminah"],
        scope,
    )
    tokens = scoped_name_tokens(scope)

    # When her whole name is searched
    scores = name_scores("Siti Aminah Lamba", tokens)

    # Then she comes first, with the score of every index she shares, and the search
    # says that "Siti" was cut short
    assert scores.capped
    assert scores.best[0] == (wanted.pk, len(blind_index.name_indexes("Siti Aminah Lamba")))
    # and everyone ranked has her exact score: her common words were counted too
    exact = dict(_every_match_counted("Siti Aminah Lamba", tokens))
    assert [(person, exact[person]) for person, _score in scores.best] == scores.best


def test_a_name_of_common_words_only_gives_the_most_recent_people_sharing_them(
    bahagia_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given 30 people called Siti, more than a search reads (10 here)
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 10)
    scope = bahagia_caseworker.organisation.pk
    sitis = _unit_of([f"Siti Nama{n}" for n in range(30)], scope)

    # When "Siti" is searched
    scores = name_scores("Siti", scoped_name_tokens(scope))

    # Then the ten most recent are the candidates (best first, then by id), exactly scored
    assert scores.capped
    assert [person for person, _score in scores.best] == sorted(p.pk for p in sitis[-10:])
    assert {score for _person, score in scores.best} == {len(blind_index.name_indexes("Siti"))}


def test_the_search_of_people_says_when_a_name_was_cut_short(
    bahagia_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 2)
    scope = bahagia_caseworker.organisation.pk
    _unit_of(["Siti Aminah", "Siti Lamba", "Siti Daeng", "Juleha"], scope)

    assert queries.people_found(name="siti", scope=scope).name_capped
    assert not queries.people_found(name="juleha", scope=scope).name_capped
    assert not queries.people_found(nik="7372034107900042", scope=scope).name_capped


def test_a_search_among_nobody_finds_nobody(bahagia_caseworker: Persona) -> None:
    # A volunteer without cases searches among no people at all.
    scope = bahagia_caseworker.organisation.pk
    _unit_of(["Siti Aminah"], scope)

    assert queries.people_found(name="siti", scope=scope, among=set()).candidates == []
    assert (
        queries.people_found(name="siti", scope=scope, among=Person.objects.none()).candidates == []
    )


def test_with_a_common_word_only_the_best_candidates_have_it_counted(
    bahagia_caseworker: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given "Siti" more common than a search reads (10 here), 8 more people sharing
    # "Aminah" (uncommon), more than the candidates counted (5 here), and the whole name
    # held by the oldest of them
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 10)
    monkeypatch.setattr(queries, "NAME_CANDIDATES_COUNTED", 5)
    scope = bahagia_caseworker.organisation.pk
    wanted, *_ = _unit_of(
        ["Siti Aminah Lamba"]
        + [f"Siti Nama{n}" for n in range(30)]
        + [f"Aminah Nama{n}" for n in range(8)],
        scope,
    )
    tokens = scoped_name_tokens(scope)
    looked_up: list[int] = []
    counted = queries.name_indexes_of

    def spy(tokens: QuerySet[Any], people: list[int]) -> QuerySet[Any]:
        looked_up.extend(people)
        return counted(tokens, people)

    monkeypatch.setattr(queries, "name_indexes_of", spy)

    # When her whole name is searched
    scores = name_scores("Siti Aminah Lamba", tokens)

    # Then only five candidates had their common words read (her first: she shares the
    # most uncommon ones), she still ranks first with her exact score, and the search
    # says it was cut short
    assert len(looked_up) == 5 and wanted.pk in looked_up
    assert scores.capped
    assert scores.best[0] == (wanted.pk, len(blind_index.name_indexes("Siti Aminah Lamba")))
    exact = dict(_every_match_counted("Siti Aminah Lamba", tokens))
    assert [(person, exact[person]) for person, _score in scores.best] == scores.best
