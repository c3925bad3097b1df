"""docs/code-lists.md names every national or international code list of the cases app
(SIMFONI-PPA, GBVIMS, UU 12/2022), with its source: a new list is not done until it is
written there."""

import inspect
from pathlib import Path

from django.db import models

from sipakatau.cases import codes

DOC = Path(__file__).resolve().parent.parent / "docs" / "code-lists.md"
STANDARDS = ("SIMFONI", "GBVIMS", "UU 12/2022")


def test_every_national_code_list_is_in_the_code_lists_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    national = [
        name
        for name, value in vars(codes).items()
        if inspect.isclass(value)
        and issubclass(value, models.TextChoices)
        and any(standard in (value.__doc__ or "") for standard in STANDARDS)
    ]
    assert len(national) >= 15  # the scan finds the lists
    assert [name for name in national if f"`{name}`" not in text] == []
