"""The API's body parser: a JSON body is an object, or it is refused.

Every JSON body of the document is an object (one schema per operation). A ninja
``Schema`` reads attributes of whatever it is given, so ``0``, ``[]``, ``"x"``, ``null``
or ``true`` sent to an operation whose fields are all optional was taken as "nothing
given": a PATCH that changed nothing answered 200, a withdrawal without its reason went
on to the object (long API fuzzing run, negative_data_rejection). Checked here, once,
for every operation, before any schema reads the body; ``http_error`` in ``urls.py``
answers the refusal as the API's one 422.

A multipart form's parts are not read here (ninja parses a part with this parser only
for a body parameter sent in a form, which no operation has: uploads take ``File`` and
``Form``).
"""

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny


class BodyNotAnObject(ValueError):
    """The body is valid JSON but not an object."""


class ObjectBodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data: Any = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject(type(data).__name__)
        return cast(DictStrAny, data)
