"""Fixtures shared by the case tests (defined in builders.py, which other test packages
import too)."""

from .builders import (  # noqa: F401 (fixtures)
    coordinator,
    deadline_rules,
    in_english,
    second_coordinator,
)
