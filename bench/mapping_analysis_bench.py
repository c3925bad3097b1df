"""What the needs-mapping analysis costs: every table of the template questionnaire over
many generated responses (issue 15).

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/mapping_analysis_bench.py [--responses 20000]

Responses are generated in memory (random but seeded) as the database hands them to the
analysis: (rw, answers as JSON text), decoded here as the JSON field decodes them. No
database is touched, so the figures are the analysis itself (frequencies of every
question, the needs ranking, cross-tabs by RW, age band and disability, suppression into
text tables) — loading the rows from the database comes on top. Once for time, once
under tracemalloc for the peak memory. Figures go to standard output; record them in
docs/benchmarks.md.
"""

import argparse
import json
import random
import time
import tracemalloc

import django


def generate(n: int, seed: int = 15) -> list[tuple[str, str]]:
    from sipakatau.mapping.forms.needs_template import CHOICES, SURVEY, WG_DOMAINS

    rng = random.Random(seed)
    out = []
    wg_names = {name for name, _label in WG_DOMAINS}
    path: list[str] = []
    questions: list[tuple[str, str, str]] = []
    for row in SURVEY:
        kind = row["type"]
        if kind.startswith("begin "):
            path.append(row["name"])
        elif kind.startswith("end "):
            path.pop()
        elif kind.split()[0] in ("select_one", "select_multiple", "integer"):
            questions.append(("/".join([*path, row["name"]]), kind.split()[0], kind.split()[-1]))
    for _ in range(n):
        rw = f"{rng.randint(1, 7):03d}"
        answers: dict[str, object] = {}
        for q_path, kind, list_name in questions:
            name = q_path.rsplit("/", 1)[-1]
            if kind == "integer":
                answers[q_path] = rng.randint(10, 90) if name == "umur" else int(rw)
            elif kind == "select_one":
                values = [v for v, _l in CHOICES[list_name]]
                weights = [70, 20, 7, 3] if name in wg_names else None
                answers[q_path] = rng.choices(values, weights=weights)[0]
            else:
                values = [v for v, _l in CHOICES[list_name]]
                answers[q_path] = rng.sample(values, rng.randint(1, 3))
        out.append((rw, json.dumps(answers)))
    return out


def run(rows: list[tuple[str, str]]) -> int:
    from sipakatau.mapping import xlsform
    from sipakatau.mapping.analysis import Analysis
    from sipakatau.mapping.forms.needs_template import build_xlsx

    definition = xlsform.read_workbook(build_xlsx())
    questions = xlsform.flatten(definition)
    analysis = Analysis(
        questions, xlsform.choice_lists(definition), ((rw, json.loads(a)) for rw, a in rows)
    )
    tables = analysis.tables()
    return sum(len(t.rows) for t in tables)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=20_000)
    args = parser.parse_args()
    django.setup()
    rows = generate(args.responses)
    started = time.perf_counter()
    table_rows = run(rows)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run(rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"responses: {args.responses}")
    print(f"table rows produced: {table_rows}")
    print(f"analysis time: {seconds:.2f} s")
    print(f"peak memory (tracemalloc): {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
