"""docs/data-dictionary.md is generated from the models and must match them."""

from pathlib import Path

from django.utils import translation

from sipakatau.lib.management.commands.data_dictionary import render

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"


def test_the_data_dictionary_matches_the_models() -> None:
    with translation.override("en"):
        fresh = render()

    assert DOC.read_text(encoding="utf-8") == fresh, (
        "Run: PYTHONPATH=src .venv/bin/python manage.py data_dictionary > docs/data-dictionary.md"
    )


def test_every_encrypted_field_is_marked_in_the_dictionary() -> None:
    text = DOC.read_text(encoding="utf-8")

    assert "| `name` | name | EncryptedText | encrypted |" in text
    assert "| `narrative` | what happened | EncryptedText | encrypted |" in text
    assert "| `nik_index` |" in text and "blind index" in text
