"""The JSON log format (SIPAKATAU_LOG_FORMAT=json), for a hub's log collector."""

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


class JsonFormatter(_JsonFormatter):
    """One JSON object a line, holding the format's fields and nothing else that was
    attached to the record.

    python-json-logger adds every extra attribute of a record by default, and Django
    attaches the request to its own records: its repr holds the query string, where a
    search for a name or a NIK sits. The text format never printed those; neither does
    this one. Only a response's status code is kept, a number.
    """

    KEPT_EXTRAS = frozenset({"status_code", "exc_info", "stack_info"})

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        kept = {self._get_rename(field) for field in self._required_fields} | self.KEPT_EXTRAS
        for key in list(log_data):
            if key not in kept:
                del log_data[key]
