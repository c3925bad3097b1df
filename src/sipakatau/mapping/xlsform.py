"""XLSForm in and out: read an ``.xlsx`` form, have pyxform check it, flatten its survey
into questions, and write it back as an ``.xlsx`` that KoboCollect / ODK Collect accept.

The form is kept as written (rows of the survey, choices and settings sheets, columns in
their order), so an export gives back what was imported. Only the features the app can
enter and analyse are accepted; anything else is refused with a plain message rather than
imported half-understood.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

# Types the app asks and analyses.
ASKED = {"text", "integer", "decimal", "date", "select_one", "select_multiple", "note"}
STRUCTURE = {"begin group", "end group", "begin repeat", "end repeat"}
# Filled in by the collecting app, never asked: accepted and kept, not analysed.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "hidden",
    # A GPS point taken by KoboCollect/ODK Collect: kept in the form for them, never asked
    # or imported by Sipakatau (the place of a visit is its RW/RT).
    "geopoint",
}
ALIASES = {
    "begin_group": "begin group",
    "end_group": "end group",
    "begin_repeat": "begin repeat",
    "end_repeat": "end repeat",
    "int": "integer",
    "string": "text",
}
# The spellings pyxform accepts (pyxform/aliases.py), longest first; "select one from X"
# is "select one" followed by "from X". "select multiple X" is not among them: pyxform,
# and so KoBo and ODK, refuse it, and so does the app.
SELECT_ALIASES = {
    "add select one prompt using": "select_one",
    "add select multiple prompt using": "select_multiple",
    "select all that apply": "select_multiple",
    "select_multiple": "select_multiple",
    "select one": "select_one",
    "select_one": "select_one",
    "select1": "select_one",
}
# Older ways of saying "and let the respondent write another answer": pyxform adds an
# "other" choice (and a text question for it) to the list.
_OR_OTHER = re.compile(r"\s+(or_other|or specify other)\s*$", re.IGNORECASE)
# Column names the way pyxform knows them; a header that is one of these once written in
# snake_case ("List name", "TYPE", "Constraint Message") is read as it. Other columns are
# kept as written.
KNOWN_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "choice_filter",
    "calculation",
    "default",
    "read_only",
    "repeat_count",
    "parameters",
    "trigger",
    "media",
    "image",
    "audio",
    "video",
    "list_name",
    "form_title",
    "form_id",
    "version",
    "default_language",
    "instance_name",
    "style",
    "public_key",
    "submission_url",
    "allow_choice_duplicates",
}
_TRUE = {"yes", "true", "true()", "1", "ya"}


class FormError(ValueError):
    """The file is not an XLSForm the app can use; the message says why, in plain words."""


@dataclass
class FormDefinition:
    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]
    survey_columns: list[str] = field(default_factory=list)
    choices_columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "choices": self.choices,
            "settings": self.settings,
            "survey_columns": self.survey_columns,
            "choices_columns": self.choices_columns,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FormDefinition":
        return cls(
            survey=list(data.get("survey", [])),
            choices=list(data.get("choices", [])),
            settings=dict(data.get("settings", {})),
            survey_columns=list(data.get("survey_columns", [])),
            choices_columns=list(data.get("choices_columns", [])),
        )

    @property
    def form_id(self) -> str:
        return self.settings.get("form_id", "").strip()

    @property
    def title(self) -> str:
        return self.settings.get("form_title", "").strip()

    @property
    def version(self) -> str:
        return self.settings.get("version", "").strip()


@dataclass(frozen=True)
class QuestionSpec:
    order: int
    name: str
    path: str
    type: str
    list_name: str
    label: str
    group_path: str
    repeat_path: str
    relevant: str
    constraint: str
    required: bool
    personal: bool


# --- Reading -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _header(raw: str) -> str:
    """``list_name`` from "List name", ``label::English (en)`` from "LABEL::English (en)";
    anything else as written."""
    text = raw.strip()
    first, sep, rest = text.partition("::")
    snake = "_".join(first.split()).lower()
    if snake in KNOWN_COLUMNS:
        return snake + sep + rest.strip()
    return text


def _sheet_rows(sheet: Any) -> tuple[list[str], list[dict[str, str]]]:
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    rows = [r for r in rows if any(r)]
    if not rows:
        return [], []
    header = [_header(h) for h in rows[0]]
    out = []
    for row in rows[1:]:
        record = {h: v for h, v in zip(header, row, strict=False) if h and v}
        if record:
            out.append(record)
    return [h for h in header if h], out


def read_workbook(data: bytes) -> FormDefinition:
    """The three sheets of an XLSForm workbook, as written."""
    from openpyxl import load_workbook

    if not data:
        # Said as it is: "not an Excel file" sends the user looking for the wrong fault.
        raise FormError(_("The file is empty."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise FormError(_("This file is not an Excel (.xlsx) file.")) from exc
    try:
        sheets = {name.strip().lower(): book[name] for name in book.sheetnames}
        if "survey" not in sheets:
            raise FormError(_('The file has no "survey" sheet, so it is not an XLSForm.'))
        # A read-only sheet is parsed while its rows are read: a broken one fails here
        # (a missing shared string, a column past XFD), not in load_workbook.
        survey_columns, survey = _sheet_rows(sheets["survey"])
        choices_columns, choices = (
            _sheet_rows(sheets["choices"]) if "choices" in sheets else ([], [])
        )
        settings: dict[str, str] = {}
        if "settings" in sheets:
            _columns, rows = _sheet_rows(sheets["settings"])
            settings = dict(rows[0]) if rows else {}
    except FormError:
        raise
    except Exception as exc:
        raise FormError(_("This file is not an Excel (.xlsx) file.")) from exc
    finally:
        book.close()
    return FormDefinition(survey, choices, settings, survey_columns, choices_columns)


def _label(row: dict[str, str]) -> str:
    """The Indonesian label where the form has one, else the plain label, else any."""
    keys = [k for k in row if k == "label" or k.startswith("label::")]
    for key in keys:
        if "(id)" in key or "indonesia" in key.lower():
            return row[key]
    if "label" in row:
        return row["label"]
    return row[keys[0]] if keys else ""


def split_type(raw: str) -> tuple[str, str]:
    """``("select_one", "yes_no")`` from ``select_one yes_no``; aliases resolved, also the
    older spellings ``select one from yes_no``, ``select all that apply from needs``,
    ``select_one yes_no or_other`` and ``… or specify other``."""
    words = " ".join(raw.strip().split())
    text = words.lower()
    for alias, canonical in SELECT_ALIASES.items():
        if text.startswith(alias + " "):
            rest = _OR_OTHER.sub("", words[len(alias) :]).strip()
            if rest.lower().startswith("from "):
                rest = rest[len("from ") :].strip()
            return canonical, rest
    return ALIASES.get(text, text), ""


def has_or_other(raw: str) -> bool:
    """Whether a select type asks for an "other" answer the old way (``or_other``)."""
    return bool(_OR_OTHER.search(" ".join(raw.split())))


def flatten(definition: FormDefinition) -> list[QuestionSpec]:
    """The questions in order, each with its place in the group tree. Refuses types the
    app does not support and groups that do not close."""
    lists = {c.get("list_name", "") for c in definition.choices}
    stack: list[tuple[str, str]] = []  # (kind, name)
    out: list[QuestionSpec] = []
    for number, row in enumerate(definition.survey, start=2):
        raw_type = row.get("type", "")
        if not raw_type:
            continue
        kind, list_name = split_type(raw_type)
        name = row.get("name", "").strip()
        if kind in ("begin group", "begin repeat"):
            if not name:
                raise FormError(
                    _("Row %(row)d of the survey sheet opens a group without a name.")
                    % {"row": number}
                )
            stack.append((kind.split()[1], name))
            continue
        if kind in ("end group", "end repeat"):
            if not stack or stack[-1][0] != kind.split()[1]:
                raise FormError(
                    _("Row %(row)d of the survey sheet closes a group that was not opened.")
                    % {"row": number}
                )
            stack.pop()
            continue
        if kind not in ASKED and kind not in METADATA:
            raise FormError(
                _(
                    'Row %(row)d uses the question type "%(type)s", which Sipakatau does '
                    "not support yet. Supported: text, integer, decimal, date, select_one, "
                    "select_multiple, note, groups and repeats."
                )
                % {"row": number, "type": raw_type}
            )
        if kind in ("select_one", "select_multiple") and list_name not in lists:
            raise FormError(
                _('Row %(row)d uses the choice list "%(list)s", which is not in the choices sheet.')
                % {"row": number, "list": list_name}
            )
        groups = [g for _k, g in stack]
        repeats = [i for i, (k, _g) in enumerate(stack) if k == "repeat"]
        repeat_path = "/".join(groups[: repeats[-1] + 1]) if repeats else ""
        out.append(
            QuestionSpec(
                order=len(out),
                name=name,
                path="/".join([*groups, name]),
                type=kind,
                list_name=list_name,
                label=_label(row),
                group_path="/".join(groups),
                repeat_path=repeat_path,
                relevant=row.get("relevant", ""),
                constraint=row.get("constraint", ""),
                required=row.get("required", "").strip().lower() in _TRUE,
                personal=kind == "text",
            )
        )
    if stack:
        raise FormError(
            _('The group "%(name)s" is opened but never closed.') % {"name": stack[-1][1]}
        )
    return out


def choice_lists(definition: FormDefinition) -> dict[str, list[tuple[str, str]]]:
    """``{list_name: [(value, label), …]}`` in the order of the choices sheet."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for row in definition.choices:
        list_name = row.get("list_name", "")
        if list_name and row.get("name", "") != "":
            lists.setdefault(list_name, []).append((row["name"], _label(row)))
    for row in definition.survey:
        raw_type = row.get("type", "")
        if has_or_other(raw_type):
            _kind, list_name = split_type(raw_type)
            items = lists.setdefault(list_name, [])
            if "other" not in {value for value, _label_ in items}:
                items.append(("other", _("Other")))
    return lists


def check_with_pyxform(data: bytes) -> list[str]:
    """pyxform's own conversion to XForm; its warnings, or FormError with its message."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(xlsform=data, warnings=warnings, file_type=".xlsx")
    except PyXFormError as exc:
        raise FormError(
            _("The form has a mistake that KoBo/ODK would also refuse: %(detail)s")
            % {"detail": explain_pyxform(str(exc))}
        ) from exc
    except Exception as exc:  # pyxform can fail with other errors on broken files
        raise FormError(
            _("The form could not be read: %(detail)s") % {"detail": _short(str(exc))}
        ) from exc
    return warnings


def _short(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:500]


# pyxform's most common refusals, said again in the user's language (pyxform speaks
# English only); any other message is shown as pyxform wrote it.
_PYXFORM_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(
            r"\[row : (?P<row>\d+)\] On the 'survey' sheet, the 'name' value "
            r"'(?P<name>[^']*)' is invalid\. Questions, groups, and repeats must be unique"
        ),
        lambda m: (
            _(
                'Row %(row)s: the name "%(name)s" is used twice in the same group. '
                "Give each question its own name."
            )
            % m.groupdict()
        ),
    ),
    (
        re.compile(
            r"\[row : (?P<row>\d+)\] On the 'survey' sheet, the '(?P<column>[\w:]+)' "
            r"value is invalid\. Reference variables must contain a name from the "
            r"'survey' sheet\. Could not find the name '(?P<name>[^']*)'"
        ),
        lambda m: (
            _(
                'Row %(row)s: the "%(column)s" column refers to ${%(name)s}, but no '
                "question has that name."
            )
            % m.groupdict()
        ),
    ),
    (
        re.compile(r"\[row : (?P<row>\d+)\] Question or group with no name"),
        lambda m: _("Row %(row)s: the question or group has no name.") % m.groupdict(),
    ),
    (
        re.compile(
            r"\[row : (?P<row>\d+)\] On the 'survey' sheet, the 'name' value is "
            r"invalid\. Names must begin"
        ),
        lambda m: (
            _(
                "Row %(row)s: the name is not valid. A name starts with a letter or _ "
                "and has no spaces."
            )
            % m.groupdict()
        ),
    ),
    (
        re.compile(r"The survey element named '(?P<name>[^']*)' has no label or hint"),
        lambda m: (
            _('The question "%(name)s" has no label. Write the question in the label column.')
            % m.groupdict()
        ),
    ),
    (
        re.compile(r"\[row : (?P<row>\d+)\] List name not in choices sheet: (?P<list>.+)"),
        lambda m: (
            _('Row %(row)d uses the choice list "%(list)s", which is not in the choices sheet.')
            % {"row": int(m["row"]), "list": m["list"].strip()}
        ),
    ),
]


def explain_pyxform(message: str) -> str:
    """pyxform's message in the user's language where it is a common one."""
    text = _short(message)
    for pattern, say in _PYXFORM_MESSAGES:
        found = pattern.search(text)
        if found:
            return str(say(found))
    return text


def parse(data: bytes) -> tuple[FormDefinition, list[QuestionSpec], list[str]]:
    """Read, check with pyxform, and flatten an uploaded XLSForm."""
    definition = read_workbook(data)
    warnings = check_with_pyxform(data)
    questions = flatten(definition)
    if not any(q.type in ASKED and q.type != "note" for q in questions):
        raise FormError(_("The form has no question to answer."))
    return definition, questions, warnings


# --- Writing -------------------------------------------------------------------------------


def _columns(preferred: list[str], rows: list[dict[str, str]], first: list[str]) -> list[str]:
    columns = [c for c in preferred if c]
    for required in first:
        if required not in columns:
            columns.insert(first.index(required), required)
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def export_xlsx(definition: FormDefinition) -> bytes:
    """The form as an XLSForm workbook (survey, choices, settings sheets)."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    columns = _columns(definition.survey_columns, definition.survey, ["type", "name", "label"])
    survey.append(columns)
    for row in definition.survey:
        survey.append([row.get(c, "") for c in columns])
    choices = book.create_sheet("choices")
    columns = _columns(
        definition.choices_columns, definition.choices, ["list_name", "name", "label"]
    )
    choices.append(columns)
    for row in definition.choices:
        choices.append([row.get(c, "") for c in columns])
    settings = book.create_sheet("settings")
    keys = list(definition.settings)
    settings.append(keys)
    settings.append([definition.settings[k] for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
