"""The projection: the part of a case a referral shares, and how it reads.

It is built once, when the referral is made, from the fields the worker ticked, and
stored with the referral. The recipient reads this copy and nothing else, so a later
change to the case never reaches them, and no page needs a path from the referral back
to the case (UU 27/2022 PDP Pasal 16 ayat (2): limited and specific to the purpose).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sipakatau.areas.models import Area, Level
from sipakatau.cases.codes import NeedDomain, ViolenceForm
from sipakatau.cases.models import Assessment, Case, CaseParty, Incident
from sipakatau.people.models import ContactChannel, DisabilityKind, Sex
from sipakatau.people.profile import safe_contact_of

from .codes import AgeBand, SharedField, age_band

# A telephone number is shared only with a channel that uses it.
_PHONE_CHANNELS = {ContactChannel.PHONE, ContactChannel.SMS, ContactChannel.WHATSAPP}


def _kelurahan_of(area: Area | None) -> str:
    while area is not None and area.level not in {Level.KELURAHAN}:
        if area.level not in {Level.RW, Level.RT}:
            return ""
        area = area.parent
    return area.name if area is not None else ""


def needs_offered(case: Case) -> dict[str, str]:
    """The needs a referral may share, one item per need domain: those written in the
    case's latest assessment, in the catalogue's order. Consent covers a referral to a
    kind of service as a whole (every victim, that purpose, that kind of recipient), or a
    recorded legal basis does; never more than these items, whichever it is."""
    latest = Assessment.objects.filter(case=case).order_by("-assessed_at").first()
    needs = latest.needs if latest is not None and isinstance(latest.needs, dict) else {}
    return {
        domain: str(needs[domain]).strip()
        for domain in NeedDomain.values
        if str(needs.get(domain) or "").strip()
    }


class _Source:
    """What a referral is made from, for the extractors below. The incident is read once,
    however many of its fields are shared, and not at all when none is."""

    def __init__(
        self, *, case: Case, subject: CaseParty, summary: str, needs: Iterable[str]
    ) -> None:
        self.case = case
        self.subject = subject
        self.person = subject.person
        self.summary = summary
        self.needs = set(needs)

    @cached_property
    def incident(self) -> Incident | None:
        return Incident.objects.filter(case=self.case).first()


def build_projection(
    *,
    case: Case,
    subject: CaseParty,
    fields: Iterable[str],
    summary: str = "",
    needs: Iterable[str] = (),
) -> dict[str, Any]:
    """The values of ``fields`` only: a field that is not asked for is never read. Of the
    needs, only the items in ``needs`` (need domain codes) are copied."""
    source = _Source(case=case, subject=subject, summary=summary, needs=needs)
    chosen = set(fields)
    return {
        field: SHARED_FIELDS[field].extract(source)
        for field in SharedField.values
        if field in chosen
    }


@dataclass(frozen=True)
class NeedItem:
    """One need the worker may tick: its domain code, the domain's name and the text."""

    code: str
    label: str
    text: str
    suggested: bool = False


@dataclass(frozen=True)
class SharedItem:
    field: str
    label: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "; ".join(self.lines)


def _label(choices: Any, code: str) -> str:
    return str(dict(choices.choices).get(code, code))


def _text(value: Any) -> list[str]:
    return [str(value)] if value else []


def _choice(choices: Any) -> Callable[[Any], list[str]]:
    def render(value: Any) -> list[str]:
        return [_label(choices, value)] if value else []

    return render


# --- One extractor (case → stored value) and one renderer (stored value → lines) per field --


def _first_name(source: _Source) -> str:
    return (source.person.name or "").split(" ")[0]


def _full_name(source: _Source) -> str:
    return source.person.name or ""


def _age_band(source: _Source) -> str:
    age = source.subject.age_at_incident
    return age_band(age if age is not None else source.person.age_estimate)


def _sex(source: _Source) -> str:
    return source.person.sex


def _contact(source: _Source) -> dict[str, Any]:
    person = source.person
    safe = safe_contact_of(person)
    # The contact note is for the unit's own workers: it is never shared.
    return {
        "do_not_contact": safe.do_not_contact,
        "channels": safe.channels,
        "times": safe.times,
        "phone": (person.phone or "") if set(safe.channels) & _PHONE_CHANNELS else "",
    }


def _contact_lines(value: Any) -> list[str]:
    if value.get("do_not_contact"):
        return [_("Do not contact directly: go through the sending unit.")]
    lines = []
    if value.get("channels"):
        lines.append(", ".join(_label(ContactChannel, c) for c in value["channels"]))
    if value.get("times"):
        lines.append(_("When: %(times)s") % {"times": value["times"]})
    if value.get("phone"):
        lines.append(_("Telephone: %(phone)s") % {"phone": value["phone"]})
    return lines


def _disability(source: _Source) -> dict[str, Any]:
    person = source.person
    return {
        "has_disability": person.has_disability,
        "kinds": list(person.disability_kinds or []),
        "communication_needs": person.communication_needs or "",
    }


def _disability_lines(value: Any) -> list[str]:
    lines = [_("Has a disability") if value.get("has_disability") else _("No disability")]
    if value.get("kinds"):
        lines.append(", ".join(_label(DisabilityKind, k) for k in value["kinds"]))
    if value.get("communication_needs"):
        lines.append(value["communication_needs"])
    return lines


def _needs(source: _Source) -> dict[str, str]:
    return {
        domain: text
        for domain, text in needs_offered(source.case).items()
        if domain in source.needs
    }


def _needs_lines(value: Any) -> list[str]:
    # In the catalogue's order (the stored JSON is sorted by key). A referral made
    # before needs were chosen one by one holds every need: it reads the same way.
    order = {domain: place for place, domain in enumerate(NeedDomain.values)}
    ordered = sorted(value.items(), key=lambda pair: order.get(pair[0], len(order)))
    return [f"{_label(NeedDomain, domain)}: {text}" for domain, text in ordered]


def _summary(source: _Source) -> str:
    return source.summary.strip()


def _incident_forms(source: _Source) -> list[str]:
    incident = source.incident
    return list(incident.violence_forms) if incident else []


def _incident_forms_lines(value: Any) -> list[str]:
    return [", ".join(_label(ViolenceForm, form) for form in value)] if value else []


def _incident_date(source: _Source) -> dict[str, Any]:
    incident = source.incident
    occurred = incident.occurred_on if incident else None
    return {
        "date": occurred.isoformat() if occurred else "",
        "estimate": bool(incident and incident.occurred_on_is_estimate),
    }


def _incident_date_lines(value: Any) -> list[str]:
    day = parse_date(value.get("date") or "")
    if day is None:
        return []
    shown = date_format(day, "j F Y")
    return [_("about %(date)s") % {"date": shown} if value.get("estimate") else shown]


def _kelurahan(source: _Source) -> str:
    person = source.person
    area = Area.objects.filter(pk=person.area_id).first() if person.area_id else None
    return _kelurahan_of(area)


@dataclass(frozen=True)
class SharedFieldSpec:
    """How one shareable field is copied when the referral is made (``extract``, which
    reads nothing but what that field needs) and how the copy reads (``render``)."""

    extract: Callable[[_Source], Any]
    render: Callable[[Any], list[str]]


# Adding a shareable field means one SharedField code and one entry here.
SHARED_FIELDS: dict[str, SharedFieldSpec] = {
    SharedField.VICTIM_FIRST_NAME: SharedFieldSpec(_first_name, _text),
    SharedField.VICTIM_FULL_NAME: SharedFieldSpec(_full_name, _text),
    SharedField.VICTIM_AGE_BAND: SharedFieldSpec(_age_band, _choice(AgeBand)),
    SharedField.VICTIM_SEX: SharedFieldSpec(_sex, _choice(Sex)),
    SharedField.VICTIM_CONTACT: SharedFieldSpec(_contact, _contact_lines),
    SharedField.VICTIM_DISABILITY: SharedFieldSpec(_disability, _disability_lines),
    SharedField.NEEDS: SharedFieldSpec(_needs, _needs_lines),
    SharedField.SUMMARY: SharedFieldSpec(_summary, _text),
    SharedField.INCIDENT_FORMS: SharedFieldSpec(_incident_forms, _incident_forms_lines),
    SharedField.INCIDENT_DATE: SharedFieldSpec(_incident_date, _incident_date_lines),
    SharedField.KELURAHAN: SharedFieldSpec(_kelurahan, _text),
}


def projection_items(
    shared_fields: Iterable[str], projection: Mapping[str, Any]
) -> list[SharedItem]:
    """Each shared field with its label and its value in words, in catalogue order. A
    field with no value says so, so the reader knows it was shared but is not known."""
    chosen = set(shared_fields)
    items = []
    for field, label in SharedField.choices:
        if field not in chosen or field not in projection:
            continue
        lines = SHARED_FIELDS[field].render(projection[field]) or [_("Not recorded")]
        items.append(SharedItem(field=field, label=str(label), lines=lines))
    return items
