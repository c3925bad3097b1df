"""A small reader for gettext ``.po`` catalogues, so tests can check the translations
without an extra dependency.

It reads what ``makemessages`` (xgettext and msgmerge) writes: comments and flags,
``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` and ``msgstr[n]``, strings split over
several lines, and obsolete entries (``#~``), which it marks as such.
"""

from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f"}


class PoSyntaxError(ValueError):
    """The file is not a catalogue this reader understands."""


@dataclass
class PoEntry:
    msgid: str
    msgstr: dict[int, str] = field(default_factory=dict)
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0  # where the entry starts, for error messages

    @property
    def key(self) -> tuple[str | None, str]:
        """What gettext looks the entry up by."""
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Every form has a translation (a fuzzy one counts as none for gettext)."""
        return bool(self.msgstr) and all(self.msgstr.values()) and not self.fuzzy

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def _unquote(text: str, line: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise PoSyntaxError(f"line {line}: expected a quoted string, got {text!r}")
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise PoSyntaxError(f"line {line}: bad escape in {text!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        elif char == '"':
            raise PoSyntaxError(f"line {line}: unescaped quote in {text!r}")
        else:
            out.append(char)
            i += 1
    return "".join(out)


class _Builder:
    """Collects the keywords of one entry until a blank line or the next entry."""

    def __init__(self) -> None:
        self.entries: list[PoEntry] = []
        self._reset()

    def _reset(self) -> None:
        self.fields: dict[str, str] = {}
        self.flags: set[str] = set()
        self.obsolete = False
        self.start = 0
        self.current: str | None = None

    def flush(self) -> None:
        if "msgid" in self.fields:
            msgstr = {
                int(name[7:-1]) if name.startswith("msgstr[") else 0: value
                for name, value in self.fields.items()
                if name.startswith("msgstr")
            }
            self.entries.append(
                PoEntry(
                    msgid=self.fields["msgid"],
                    msgstr=msgstr,
                    msgctxt=self.fields.get("msgctxt"),
                    msgid_plural=self.fields.get("msgid_plural"),
                    flags=self.flags,
                    obsolete=self.obsolete,
                    line=self.start,
                )
            )
        elif self.fields:
            raise PoSyntaxError(f"line {self.start}: an entry without msgid")
        self._reset()

    def keyword(self, name: str, value: str, number: int, obsolete: bool) -> None:
        # A new entry starts at its first keyword (msgctxt or msgid) once the previous one
        # has its msgid, even without a blank line between the two.
        if name in ("msgctxt", "msgid") and "msgid" in self.fields:
            self.flush()
        if name in self.fields:
            raise PoSyntaxError(f"line {number}: {name} twice in one entry")
        if not self.fields:
            self.start = number
        self.fields[name] = value
        self.obsolete = self.obsolete or obsolete
        self.current = name

    def continuation(self, value: str, number: int) -> None:
        if self.current is None:
            raise PoSyntaxError(f"line {number}: a string outside any entry")
        self.fields[self.current] += value


def parse_po(text: str) -> list[PoEntry]:
    """Every entry of a ``.po`` file, the header (msgid "") included, in file order."""
    builder = _Builder()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        if not line:
            builder.flush()
            continue
        if line.startswith("#"):
            # Comments come before an entry's keywords, so one after them starts the next.
            if "msgid" in builder.fields:
                builder.flush()
            if line.startswith("#,"):
                builder.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            builder.continuation(_unquote(line, number), number)
            continue
        name, _sep, rest = line.partition(" ")
        if name not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not (
            name.startswith("msgstr[") and name.endswith("]") and name[7:-1].isdigit()
        ):
            raise PoSyntaxError(f"line {number}: unknown keyword {name!r}")
        builder.keyword(name, _unquote(rest, number), number, obsolete)
    builder.flush()
    return builder.entries


def read_po(path: Path) -> list[PoEntry]:
    return parse_po(path.read_text(encoding="utf-8"))


def header_fields(entries: list[PoEntry]) -> dict[str, str]:
    """The ``Name: value`` lines of the header entry; empty when there is no header."""
    for entry in entries:
        if entry.is_header and not entry.obsolete:
            pairs = (line.partition(":") for line in entry.msgstr.get(0, "").splitlines())
            return {name.strip(): value.strip() for name, _sep, value in pairs if name.strip()}
    return {}
