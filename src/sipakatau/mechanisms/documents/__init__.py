"""The documents of a mechanism: the SK Lurah (PDF and DOCX), its draft preview, the flow
diagram, and the meeting attendance list and minutes."""

from .decree import decree_pdf
from .diagram import flow_diagram_svg
from .meetings import meeting_attendance_pdf, meeting_minutes_pdf
from .word import decree_docx

__all__ = [
    "decree_docx",
    "decree_pdf",
    "flow_diagram_svg",
    "meeting_attendance_pdf",
    "meeting_minutes_pdf",
]
