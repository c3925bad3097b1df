"""The documents of a mechanism: the SK Lurah (PDF and DOCX), its draft preview, the flow
diagram, and the meeting attendance list and minutes.

Each is imported when first asked for (``documents.decree_docx``): python-docx and qrcode
stay out of a worker that never makes a document, while ``from ..documents import labels``
costs nothing more than the labels.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .decree import decree_pdf
    from .diagram import flow_diagram_svg
    from .meetings import meeting_attendance_pdf, meeting_minutes_pdf
    from .word import decree_docx

_HOME = {
    "decree_docx": "word",
    "decree_pdf": "decree",
    "flow_diagram_svg": "diagram",
    "meeting_attendance_pdf": "meetings",
    "meeting_minutes_pdf": "meetings",
}

__all__ = [
    "decree_docx",
    "decree_pdf",
    "flow_diagram_svg",
    "meeting_attendance_pdf",
    "meeting_minutes_pdf",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)
