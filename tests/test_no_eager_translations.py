"""A text translated when its module is imported keeps the language of whichever request
imported it first: an English page then shows an Indonesian button, or the reverse.
Module-level and class-level texts must use ``gettext_lazy``; this test reads every module
and fails on an eager ``_()``/``gettext()`` outside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "sipakatau"
EAGER = {"_", "gettext", "ngettext", "pgettext"}


def eager_calls(source: str) -> list[int]:
    """Line numbers of eager translation calls outside any function or lambda, in a module
    that imports ``gettext`` (not ``gettext_lazy``) under one of those names."""
    tree = ast.parse(source)
    eager_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in {"gettext", "ngettext", "pgettext"}
    } & EAGER
    found: list[int] = []

    def visit(node: ast.AST, inside_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = inside_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if (
                not inside
                and isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in eager_names
            ):
                found.append(child.lineno)
            visit(child, inside)

    visit(tree, False)
    return found


def test_no_module_translates_a_text_when_it_is_imported() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts
        for line in eager_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use gettext_lazy at module or class level: " + ", ".join(offenders)


def test_the_check_finds_an_eager_text_and_passes_a_lazy_one() -> None:
    eager = (
        "from django.utils.translation import gettext as _\n"
        "LABELS = {'a': _('A')}\n"
        "def f():\n    return _('B')\n"
    )
    lazy = "from django.utils.translation import gettext_lazy as _\nLABELS = {'a': _('A')}\n"

    assert eager_calls(eager) == [2]
    assert eager_calls(lazy) == []
