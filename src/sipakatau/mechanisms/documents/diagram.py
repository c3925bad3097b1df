"""The mechanism's flow as an SVG drawn from the steps: one box per step in order with
who does it and its deadline per risk level, arrows between them, the social-protection
track as a parallel branch, and the timed steps marked.

The SVG stands alone (no fonts, images or styles fetched, no ``style`` attributes, which
the pages' Content Security Policy would refuse): presentation attributes only, so the
same string goes into the decree's PDF and into a page.
"""

from xml.sax.saxutils import escape, quoteattr

from ..models import MechanismVersion
from .content import StepRow, step_rows

# Drawn at the width of the decree's text (165 mm), so 10 units print at about 8 pt.
WIDTH = 560
MAIN_X, MAIN_W = 6, 340
BRANCH_X, BRANCH_W = 376, 178
GAP = 24
PAD = 7
TITLE_SIZE, TITLE_LINE = 11.0, 14.0
NOTE_SIZE, NOTE_LINE = 9.5, 12.5
FONT = "DejaVu Sans, Arial, sans-serif"
INK, TIMED, SOCIAL, MUTED = "#111111", "#0b4f8a", "#6b4e00", "#555555"


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines that fit ``width``. DejaVu Sans averages about 0.58 em a
    character (0.63 in bold); guessing a little wide keeps text inside its box."""
    per_line = max(8, int((width - 2 * PAD) / (size * (0.63 if bold else 0.58))))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{current} {word}".strip()
        if len(candidate) > per_line:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


class _Box:
    def __init__(self, step: StepRow, x: float, width: float) -> None:
        self.step, self.x, self.width = step, x, width
        self.title = _wrap(f"{step.number}. {step.title}", width, TITLE_SIZE, bold=True)
        notes = [f"PJ: {step.responsible}"]
        if step.deadlines:
            notes.append("Tenggat: " + "; ".join(step.deadlines))
        if step.trigger:
            notes.append(f"Mulai: {step.trigger}")
        self.notes = [line for note in notes for line in _wrap(note, width, NOTE_SIZE)]
        self.height = 2 * PAD + len(self.title) * TITLE_LINE + len(self.notes) * NOTE_LINE
        self.y = 0.0

    def svg(self) -> list[str]:
        colour = SOCIAL if self.step.social else TIMED if self.step.timed else INK
        dash = ' stroke-dasharray="6 3"' if self.step.social else ""
        out = [
            f'<rect x="{self.x}" y="{self.y}" width="{self.width}" height="{self.height}" '
            f'rx="5" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="{2.4 if self.step.timed else 1.2}"{dash}/>'
        ]
        if self.step.timed:
            # The mark of a timed step: a filled dot in the corner (see the legend).
            out.append(
                f'<circle cx="{self.x + self.width - 9}" cy="{self.y + 9}" r="4" fill="{TIMED}"/>'
            )
        y = self.y + PAD + TITLE_SIZE
        for line in self.title:
            out.append(_text(self.x + PAD, y, line, TITLE_SIZE, INK, bold=True))
            y += TITLE_LINE
        y += NOTE_SIZE - TITLE_SIZE + 2
        for line in self.notes:
            out.append(_text(self.x + PAD, y, line, NOTE_SIZE, MUTED))
            y += NOTE_LINE
        return out


def _text(x: float, y: float, text: str, size: float, colour: str, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'fill="{colour}"{weight}>{escape(text)}</text>'
    )


def _arrow(x1: float, y1: float, x2: float, y2: float, colour: str, dashed: bool = False) -> str:
    """A line with a drawn head (markers render unevenly between PDF engines)."""
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    if x1 == x2:
        head = f"{x2 - 5},{y2 - 8} {x2 + 5},{y2 - 8} {x2},{y2}"
        end = y2 - 7
        line = f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{end}"'
    else:
        head = f"{x2 - 8},{y2 - 5} {x2 - 8},{y2 + 5} {x2},{y2}"
        line = f'<line x1="{x1}" y1="{y1}" x2="{x2 - 7}" y2="{y2}"'
    return (
        f'{line} stroke="{colour}" stroke-width="1.4"{dash}/>'
        f'<polygon points="{head}" fill="{colour}"/>'
    )


def _legend(y: float, has_social: bool) -> tuple[list[str], float]:
    out = [
        f'<circle cx="{MAIN_X + 6}" cy="{y - 3}" r="4" fill="{TIMED}"/>',
        _text(
            MAIN_X + 16,
            y,
            "Langkah berbatas waktu: tenggatnya dipantau dan dieskalasi",
            NOTE_SIZE,
            MUTED,
        ),
    ]
    if has_social:
        y += NOTE_LINE + 4
        out.append(
            f'<line x1="{MAIN_X}" y1="{y - 3}" x2="{MAIN_X + 14}" y2="{y - 3}" '
            f'stroke="{SOCIAL}" stroke-width="1.4" stroke-dasharray="5 3"/>'
        )
        out.append(
            _text(MAIN_X + 20, y, "Jalur perlindungan sosial, berjalan paralel", NOTE_SIZE, MUTED)
        )
    return out, y + 6


def flow_svg(steps: list[StepRow], label: str = "Bagan alur mekanisme") -> str:
    main_steps = [s for s in steps if not s.social]
    social_steps = [s for s in steps if s.social]
    # Without a parallel track the main column takes the whole width.
    main_w = MAIN_W if social_steps else WIDTH - 2 * MAIN_X
    main = [_Box(s, MAIN_X, main_w) for s in main_steps]
    branch = [_Box(s, BRANCH_X, BRANCH_W) for s in social_steps]

    body: list[str] = []
    y = 6.0
    for i, box in enumerate(main):
        box.y = y
        body += box.svg()
        if i + 1 < len(main):
            cx = box.x + box.width / 2
            body.append(_arrow(cx, y + box.height, cx, y + box.height + GAP, INK))
        y += box.height + GAP
    bottom = y - GAP if main else 6.0

    # The branch starts beside the first step: the social-protection track runs from
    # the report on, alongside the handling of the case.
    y = main[0].y + main[0].height + GAP if main else 6.0
    for i, box in enumerate(branch):
        box.y = y
        body += box.svg()
        if i + 1 < len(branch):
            cx = box.x + box.width / 2
            body.append(_arrow(cx, y + box.height, cx, y + box.height + GAP, SOCIAL, True))
        y += box.height + GAP
    if main and branch:
        first = main[0]
        fork_y = first.y + first.height / 2
        turn_x = BRANCH_X + BRANCH_W / 2
        body.append(
            f'<line x1="{first.x + first.width}" y1="{fork_y}" x2="{turn_x}" y2="{fork_y}" '
            f'stroke="{SOCIAL}" stroke-width="1.4" stroke-dasharray="5 3"/>'
        )
        body.append(_arrow(turn_x, fork_y, turn_x, branch[0].y, SOCIAL, True))
    bottom = max(bottom, y - GAP if branch else 0)

    legend, height = _legend(bottom + 22, bool(branch))
    body += legend
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label={quoteattr(label)}>'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def flow_diagram_svg(version: MechanismVersion) -> str:
    """The version's flow (its steps as saved) as a self-contained SVG string."""
    return flow_svg(step_rows(version), f"Bagan alur: {version.title}")
