"""Field types for API input that take what the OpenAPI document says and nothing more.

pydantic's lax mode turns ``false`` into ``0`` and ``"7"`` into ``7`` for an ``int``, and
``0`` (a Unix time) into 1970-01-01 for a ``date``: the document says ``integer`` and
``format: date``, so such input is refused with 422 like any other that breaks the schema
(found by the long API fuzzing run, negative_data_rejection). The JSON Schema stays that of
``int`` and ``date``."""

import re
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, model_validator

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


# For JSON bodies only: a query string's integers arrive as text. A bound goes inside,
# before the check (``Annotated[int, Field(ge=1), JSON_INTEGER]``): a ``Field(ge=1)`` put on
# ``JsonInt`` is checked but reaches the document as ``"ge"``, which JSON Schema ignores.
JSON_INTEGER = BeforeValidator(_json_integer)
JsonInt = Annotated[int, JSON_INTEGER]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class ObjectIn(Schema):
    """A JSON body that must be an object. A ninja ``Schema`` reads attributes from any
    value it is given, so a schema whose fields are all optional took ``0`` or ``[]`` as
    "nothing given" (long API fuzzing run, negative_data_rejection)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # ninja's own validator has wrapped the value by now (DjangoGetter).
        if not isinstance(getattr(value, "_obj", value), dict):
            raise ValueError("Input should be a JSON object")
        return value
