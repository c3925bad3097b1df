"""Field types for API input that take what the OpenAPI document says and nothing more.

pydantic's lax mode turns ``false`` into ``0`` and ``"7"`` into ``7`` for an ``int``, and
``0`` (a Unix time) into 1970-01-01 for a ``date``: the document says ``integer`` and
``format: date``, so such input is refused with 422 like any other that breaks the schema
(found by the long API fuzzing run, negative_data_rejection). The JSON Schema stays that of
``int`` and ``date``."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _json_integer(value: Any) -> Any:
    # A JSON integer only: 3 and 3.0 are, true and "3" are not (bool is an int in Python).
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be an integer")
    return value


def _iso_date(value: Any) -> Any:
    # A full-date (YYYY-MM-DD), as a string in a body or the address; never a number.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("Input should be a date in the format YYYY-MM-DD")


# For JSON bodies only: a query string's integers arrive as text.
JsonInt = Annotated[int, BeforeValidator(_json_integer)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
