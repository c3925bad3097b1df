"""Field types for API input that take what the OpenAPI document says and nothing more.

pydantic's lax mode turns ``false`` into ``0`` and ``"7"`` into ``7`` for an ``int``,
``0`` (a Unix time) into 1970-01-01 for a ``date``, and ``0`` or ``"no"`` into ``False``
for a ``bool``: the document says ``integer``, ``format: date`` and ``boolean``, so such
input is refused with 422 like any other that breaks the schema (found by the API fuzzing
runs, negative_data_rejection). The JSON Schema stays that of ``int``, ``date``,
``datetime`` and ``bool``."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, model_validator

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339 section 5.6, which ``format: date-time`` names: seconds and an offset are part of
# it; ``T`` and ``Z`` may be written in lower case. A space for the ``T``, a missing offset
# or ``+0800`` are ISO 8601 variants the document does not allow.
_ISO_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
DATE_TIME_MESSAGE = (
    "Input should be a date and time in ISO 8601 with its offset, such as "
    "2026-12-07T09:30:00+08:00 or 2026-12-07T01:30:00Z"
)


def _json_integer(value: Any) -> Any:
    # A JSON integer only: 3 and 3.0 are, true and "3" are not (bool is an int in Python).
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be an integer")
    return value


def _json_boolean(value: Any) -> Any:
    # ``true`` or ``false`` only: ``"danger_now": 0`` opened a case as "no danger now".
    if not isinstance(value, bool):
        raise ValueError("Input should be true or false")
    return value


def _iso_date(value: Any) -> Any:
    # A full-date (YYYY-MM-DD), as a string in a body or the address; never a number.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("Input should be a date in the format YYYY-MM-DD")


def _iso_date_time(value: Any) -> Any:
    """An RFC 3339 date-time, as a string; never a number (a Unix time) or ``true``.

    A time without its offset is refused, not read in the site's zone: a hub serves areas
    in WIB, WITA and WIT (the area's zone is per area), so "09:30" alone names three
    moments, and a report's time decides its deadlines. The client knows its zone; it
    says it. A moment that cannot be held in UTC (year 1 with a positive offset) or a leap
    second (Python has no 23:59:60) is refused the same way."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _ISO_DATE_TIME.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError:  # month 13, 25 o'clock, 23:59:60
            raise ValueError(DATE_TIME_MESSAGE) from None
    else:
        raise ValueError(DATE_TIME_MESSAGE)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(DATE_TIME_MESSAGE)
    try:
        # In UTC from here on: RFC 3339 allows any offset up to 23:59, PostgreSQL stores
        # none past 15:59 ("time zone displacement out of range", a 500 that make fuzz
        # found on PostgreSQL with -23:39); the moment is the same.
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("Input should be a date and time between the years 1 and 9999") from None


# For JSON bodies only: a query string's integers arrive as text. A bound goes inside,
# before the check (``Annotated[int, Field(ge=1), JSON_INTEGER]``): a ``Field(ge=1)`` put on
# ``JsonInt`` is checked but reaches the document as ``"ge"``, which JSON Schema ignores.
JSON_INTEGER = BeforeValidator(_json_integer)
JsonInt = Annotated[int, JSON_INTEGER]
# Every boolean of a JSON body (tests/test_api_strict_input.py finds a plain ``bool``). A
# form's booleans arrive as text ("true", "on") and stay plain ``bool``.
JsonBool = Annotated[bool, BeforeValidator(_json_boolean)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# For input only (an answer's datetimes are the server's own, always with their offset).
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_date_time)]


class ObjectIn(Schema):
    """An object inside a JSON body that must be an object. A ninja ``Schema`` reads
    attributes from any value it is given, so a schema whose fields are all optional took
    ``0`` or ``[]`` as "nothing given" (long API fuzzing run, negative_data_rejection).
    The body itself is checked once for every operation by the API's parser
    (``api/parser.py``); a nested schema with no required field derives from this one
    (tests/test_api_strict_input.py finds them in the document)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # ninja's own validator has wrapped the value by now (DjangoGetter).
        if not isinstance(getattr(value, "_obj", value), dict):
            raise ValueError("Input should be a JSON object")
        return value
