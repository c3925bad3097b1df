"""The printable records of a discussion meeting: the attendance list (DAFTAR HADIR) and
the minutes (NOTULEN), A4, in the decree's typography. The counts of women, men and people
with a disability are the programme's inclusion figures, so both documents print them."""

from dataclasses import dataclass

from sipakatau.areas.crest import crest_data_uri
from sipakatau.lib.pdf import html_to_pdf

from ..codes import Gender
from ..models import Attendee, Meeting
from . import labels as L

# An attendance list printed before the meeting has empty lines to sign on.
BLANK_LINES = 20


@dataclass(frozen=True)
class Totals:
    all: int
    women: int
    men: int
    with_disability: int


def _totals(attendees: list[Attendee]) -> Totals:
    return Totals(
        all=len(attendees),
        women=sum(1 for a in attendees if a.gender == Gender.FEMALE),
        men=sum(1 for a in attendees if a.gender == Gender.MALE),
        with_disability=sum(1 for a in attendees if a.has_disability),
    )


def _context(meeting: Meeting) -> dict[str, object]:
    version = meeting.version
    area = version.mechanism.area
    attendees = list(meeting.attendees.all())
    recorder = meeting.recorded_by
    return {
        "meeting": meeting,
        "letterhead": L.letterhead(area),
        "letterhead_contact": L.kop_contact(version.mechanism),
        "crest": crest_data_uri(area),
        "subject": f"Pembahasan {version.title} (versi {version.number})",
        "day": L.hari_tanggal(meeting.held_on),
        "date": L.tanggal(meeting.held_on),
        "attendees": attendees,
        "blank_lines": range(len(attendees) + 1, len(attendees) + 1 + BLANK_LINES)
        if not attendees
        else range(0),
        "totals": _totals(attendees),
        "recorded_by": recorder.get_full_name(),
        "kelurahan": area.name.upper(),
    }


def meeting_attendance_pdf(meeting: Meeting) -> bytes:
    return html_to_pdf("mechanisms/documents/attendance.html", _context(meeting))


def meeting_minutes_pdf(meeting: Meeting) -> bytes:
    return html_to_pdf("mechanisms/documents/minutes.html", _context(meeting))
