"""One use case, one service, one transaction — the service's (STYLE.md). A page or an API
endpoint parses, fetches, calls one service and answers; it never opens a transaction of
its own, so every module of views and API is read and any ``transaction.atomic`` in it
(decorator, ``with`` or call) fails this test."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "sipakatau"


def screen_modules(root: Path = ROOT) -> list[Path]:
    """``views.py``, ``views/*.py``, ``api.py`` and ``api/*.py`` of every app (tests and
    migrations left out)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if path.stem in {"views", "api"} or path.parent.name in {"views", "api"}:
            found.append(path)
    return found


def _is_atomic(node: ast.AST, aliases: set[str]) -> bool:
    """``transaction.atomic``, ``django.db.transaction.atomic``, or ``atomic`` imported
    from ``django.db.transaction`` under any name."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr == "atomic"
    return isinstance(node, ast.Name) and node.id in aliases


def transactions_in(path: Path) -> list[int]:
    """The lines where the module opens a transaction."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.db.transaction"
        for alias in node.names
        if alias.name == "atomic"
    }
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines.update(d.lineno for d in node.decorator_list if _is_atomic(d, aliases))
        elif isinstance(node, ast.With | ast.AsyncWith):
            lines.update(
                item.context_expr.lineno
                for item in node.items
                if _is_atomic(item.context_expr, aliases)
            )
        elif isinstance(node, ast.Attribute) and node.attr == "atomic":
            lines.add(node.lineno)
    return sorted(lines)


def test_no_view_or_api_module_opens_a_transaction() -> None:
    modules = screen_modules()
    assert len(modules) > 10, "the views and API modules were not found"
    found = {
        str(path.relative_to(ROOT)): lines for path in modules if (lines := transactions_in(path))
    }
    assert found == {}, "move the use case into one service that owns its transaction"


def test_the_reader_finds_every_way_to_open_one(tmp_path: Path) -> None:
    # Given an app with a view module, an API package, and modules that are neither
    (tmp_path / "people" / "api").mkdir(parents=True)
    (tmp_path / "people" / "tests").mkdir()
    (tmp_path / "people" / "views.py").write_text(
        "from django.db import transaction\n"
        "\n"
        "@transaction.atomic\n"
        "def page(request):\n"
        "    with transaction.atomic():\n"
        "        pass\n"
    )
    (tmp_path / "people" / "api" / "intake.py").write_text(
        "from django.db.transaction import atomic as in_one_go\n"
        "\n"
        "def endpoint(request):\n"
        "    with open('x'), in_one_go(durable=True):\n"
        "        pass\n"
    )
    (tmp_path / "people" / "services.py").write_text(
        "from django.db import transaction\n\n@transaction.atomic\ndef person_add(): pass\n"
    )
    (tmp_path / "people" / "tests" / "test_views.py").write_text(
        "from django.db import transaction\n\nwith transaction.atomic():\n    pass\n"
    )

    # when they are read
    found = {
        str(path.relative_to(tmp_path)): transactions_in(path) for path in screen_modules(tmp_path)
    }

    # then only the view and the endpoint are named, with every line that opens one
    assert found == {"people/api/intake.py": [4], "people/views.py": [3, 5]}
