"""The apps import one way, downwards (DESIGN.md §3, "Imports run one way"), and no two apps
import each other. Every module of every app is read, function-level imports included: an
import hidden inside a function still ties the floors together.

One difference from the floors as DESIGN.md draws them: ``audit`` stands on the ground floor
beside ``lib``. It imports nothing but ``lib``, and every app below the old third floor must
write audit events (a sign-in in ``accounts``, an area import in ``areas``, a reveal in
``people``: DESIGN.md §5), so the audit trail is a foundation, not a neighbour of ``directory``.

``jobs`` (not yet in DESIGN.md's list) stands beside ``notifications``: its schedule names
the other apps' jobs by dotted path only, and its prepared files (an export a job makes
for the one who asked) are used by ``referrals`` and the apps above.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "sipakatau"

FLOORS = [
    {"lib", "areas", "audit"},
    {"accounts", "people"},
    {"notifications", "directory", "jobs"},
    {"mechanisms", "mapping"},
    {"cases"},
    {"referrals", "social", "public"},
    {"reports"},
    {"api", "demo"},
]
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def app_imports(root: Path = ROOT) -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) → the modules where that import stands."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                names = module.split(".")
                if names[0] == "sipakatau" and len(names) > 1 and names[1] != app:
                    found[(app, names[1])].add(str(path.relative_to(root)))
    return found


def test_every_app_has_a_floor() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - FLOOR.keys() == set(), "give the new app a floor in FLOORS and in DESIGN.md"


def test_no_app_imports_an_app_on_a_higher_floor() -> None:
    upward = [
        f"{importer} (floor {FLOOR[importer]}) imports {imported} (floor {FLOOR[imported]}) "
        f"in {', '.join(sorted(modules))}"
        for (importer, imported), modules in app_imports().items()
        if imported in FLOOR and FLOOR[imported] > FLOOR[importer]
    ]
    assert upward == []


def test_no_two_apps_import_each_other() -> None:
    edges = app_imports()
    circles = sorted({tuple(sorted(pair)) for pair in edges if pair[::-1] in edges})
    assert circles == []


def test_the_reader_finds_an_import_hidden_in_a_function(tmp_path: Path) -> None:
    # The reader itself must not go blind: a function-level import counts, tests and
    # migrations do not, and an app's imports of itself are not edges.
    (tmp_path / "people" / "tests").mkdir(parents=True)
    (tmp_path / "people" / "profile.py").write_text(
        "from sipakatau.people.models import Person\n"
        "def f():\n    from sipakatau.cases.models import Case\n"
    )
    (tmp_path / "people" / "tests" / "test_x.py").write_text("import sipakatau.reports\n")
    assert dict(app_imports(tmp_path)) == {("people", "cases"): {"people/profile.py"}}
