"""What the case list's search by name costs in-process (``cases.queries.case_ids_matching``)
for the coordinator of the pilot unit, on a database the generator filled.

Run from the repository root, against a database of its own (never the real one):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB SIPAKATAU_VAR_DIR=VAR \\
        PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_ENV=development \\
        .venv/bin/python bench/search_by_name_bench.py [--names 40] [--rounds 3] [--save FILE]

The database is one made as ``bench/http_bench.py`` makes it (``demo_load``, then
``generate(N, seed=19, one_unit="73.72.03.1003")``), with the ``SIPAKATAU_VAR_DIR`` whose
keys wrote it. It searches the full names, the first names and the first two words of
the unit's first ``--names`` generated victims, ``--rounds`` times (the first round
warms up and is not timed), and prints the median and p95 in milliseconds, and the
median of each search's fastest round (steadier on a loaded machine). It also counts
the rows of the unit's name index that match each search (what a ranking that counts
every match reads) and how many of them a search reads when each index is cut at
``NAME_ROWS_PER_INDEX`` + 1 (issue 19), mean and largest. ``--save`` writes what each
search found (JSON), to compare two versions of the code.

``--role volunteer`` searches as the pilot unit's kader (``bahagia.kader``) instead, who
sees only the cases whose intake she took and those of her follow-ups
(``cases_visible_to``). The generator gives her none, so first ``--follow-ups`` (40) of
the unit's generated follow-ups, spread over its years, are handed to her (test data,
written directly as the generator writes; done once, kept in the database). She searches
the names of her cases' victims and then the same names as the coordinator (most of them
not hers: found nowhere). Both roles then time the first page of the case list as the API
gives it (``cases_listed`` without a filter, 26 rows: a page and the one after it),
``--rounds`` times.
"""

import argparse
import json
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save", help="write what each search found to this JSON file")
    parser.add_argument("--role", choices=["coordinator", "volunteer"], default="coordinator")
    parser.add_argument("--follow-ups", type=int, default=40, help="given to the volunteer")
    options = parser.parse_args()
    django.setup()
    from sipakatau.accounts.models import Membership
    from sipakatau.cases import queries
    from sipakatau.cases.models import CaseParty

    coordinator = Membership.objects.select_related("organisation", "user").get(
        user__username="bahagia.koordinator", is_active=True
    )
    searcher = coordinator
    victims = CaseParty.objects.filter(
        case__organisation_id=coordinator.organisation_id,
        case__register_number__startswith="GEN/",
        role="VICTIM",
    ).select_related("person")
    names = [party.person.name for party in victims.order_by("pk")[: options.names]]
    if options.role == "volunteer":
        searcher = Membership.objects.select_related("organisation", "user").get(
            user__username="bahagia.kader", is_active=True
        )
        _give_follow_ups(searcher, options.follow_ups)
        hers = victims.filter(case__in=queries.cases_visible_to(searcher)).order_by("pk")
        names = [party.person.name for party in hers[: options.names]] + names
    searched = names + [n.split()[0] for n in names] + [" ".join(n.split()[:2]) for n in names]
    timings: list[float] = []
    fastest: dict[str, float] = {}
    found: dict[str, list[int]] = {}
    too_many = 0
    for round_ in range(options.rounds):
        for text in searched:
            started = time.perf_counter()
            ids = queries.case_ids_matching(searcher, text)
            if round_:
                timings.append((time.perf_counter() - started) * 1000)
                fastest[text] = min(fastest.get(text, 1e9), timings[-1])
            found[text] = ids
    search = getattr(queries, "case_search", None)
    if search is not None:
        too_many = sum(search(searcher, text).too_many for text in searched)
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    print(
        f"{len(searched)} searches x {options.rounds - 1} rounds: "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms, median of the fastest rounds "
        f"{statistics.median(fastest.values()):.1f} ms; "
        f"'too many' on {too_many} of {len(searched)}"
    )
    pages: list[float] = []
    for round_ in range(options.rounds):
        started = time.perf_counter()
        shown = list(queries.cases_listed(searcher, queries.CaseFilter())[:26])
        if round_:
            pages.append((time.perf_counter() - started) * 1000)
    print(
        f"{options.role} ({len(shown)} rows on the case list's first page): "
        f"median {statistics.median(pages):.1f} ms, max {max(pages):.1f} ms"
    )
    matched, read = _index_rows(coordinator.organisation_id, searched)
    print(
        f"index rows matching a search: mean {statistics.mean(matched):,.0f}, "
        f"max {max(matched):,}; read when cut at {CUT + 1:,} an index: "
        f"mean {statistics.mean(read):,.0f}, max {max(read):,}"
    )
    if options.save:
        with open(options.save, "w") as out:
            json.dump(found, out, indent=0)


CUT = 1000  # people.queries.NAME_ROWS_PER_INDEX at issue 19


def _give_follow_ups(volunteer: object, count: int) -> None:
    """Hand ``count`` of the unit's generated follow-ups, evenly spaced by id, to the
    volunteer, unless she holds some already (benchmark data only)."""
    from sipakatau.cases.models import FollowUp

    user_id = volunteer.user_id  # type: ignore[attr-defined]
    if FollowUp.objects.filter(
        assigned_to_id=user_id, case__register_number__startswith="GEN/"
    ).exists():
        return
    generated = FollowUp.objects.filter(
        case__organisation_id=volunteer.organisation_id,  # type: ignore[attr-defined]
        case__register_number__startswith="GEN/",
    ).order_by("pk")
    ids = list(generated.values_list("pk", flat=True))
    step = max(1, len(ids) // max(1, count))
    FollowUp.objects.filter(pk__in=ids[::step][:count]).update(assigned_to_id=user_id)


def _index_rows(scope: int, searched: list[str]) -> tuple[list[int], list[int]]:
    from django.db.models import Count

    from sipakatau.lib import blind_index
    from sipakatau.people.models import ScopedNameToken

    matched, read = [], []
    for text in searched:
        per_index = (
            ScopedNameToken.objects.filter(
                scope_id=scope, token_hash__in=blind_index.name_indexes_for_lookup(text)
            )
            .values("token_hash")
            .annotate(n=Count("person_id"))
            .values_list("n", flat=True)
        )
        matched.append(sum(per_index))
        read.append(sum(min(n, CUT + 1) for n in per_index))
    return matched, read


if __name__ == "__main__":
    main()
