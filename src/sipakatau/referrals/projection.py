"""The projection: the part of a case a referral shares, and how it reads.

It is built once, when the referral is made, from the fields the worker ticked, and
stored with the referral. The recipient reads this copy and nothing else, so a later
change to the case never reaches them, and no page needs a path from the referral back
to the case (UU 27/2022 PDP Pasal 16 ayat (2): limited and specific to the purpose).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    person = subject.person
    projection: dict[str, Any] = {}
    for field in [code for code in SharedField.values if code in set(fields)]:
        if field == SharedField.VICTIM_FIRST_NAME:
            projection[field] = (person.name or "").split(" ")[0]
        elif field == SharedField.VICTIM_FULL_NAME:
            projection[field] = person.name or ""
        elif field == SharedField.VICTIM_AGE_BAND:
            age = subject.age_at_incident
            projection[field] = age_band(age if age is not None else person.age_estimate)
        elif field == SharedField.VICTIM_SEX:
            projection[field] = person.sex
        elif field == SharedField.VICTIM_CONTACT:
            safe = safe_contact_of(person)
            # The contact note is for the unit's own workers: it is never shared.
            projection[field] = {
                "do_not_contact": safe.do_not_contact,
                "channels": safe.channels,
                "times": safe.times,
                "phone": (person.phone or "") if set(safe.channels) & _PHONE_CHANNELS else "",
            }
        elif field == SharedField.VICTIM_DISABILITY:
            projection[field] = {
                "has_disability": person.has_disability,
                "kinds": list(person.disability_kinds or []),
                "communication_needs": person.communication_needs or "",
            }
        elif field == SharedField.NEEDS:
            chosen = set(needs)
            projection[field] = {
                domain: text for domain, text in needs_offered(case).items() if domain in chosen
            }
        elif field == SharedField.SUMMARY:
            projection[field] = summary.strip()
        elif field == SharedField.INCIDENT_FORMS:
            incident = Incident.objects.filter(case=case).first()
            projection[field] = list(incident.violence_forms) if incident else []
        elif field == SharedField.INCIDENT_DATE:
            incident = Incident.objects.filter(case=case).first()
            occurred = incident.occurred_on if incident else None
            projection[field] = {
                "date": occurred.isoformat() if occurred else "",
                "estimate": bool(incident and incident.occurred_on_is_estimate),
            }
        elif field == SharedField.KELURAHAN:
            area = Area.objects.filter(pk=person.area_id).first() if person.area_id else None
            projection[field] = _kelurahan_of(area)
    return projection


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


def _lines(field: str, value: Any) -> list[str]:
    if field in {SharedField.VICTIM_FIRST_NAME, SharedField.VICTIM_FULL_NAME}:
        return [str(value)] if value else []
    if field in {SharedField.SUMMARY, SharedField.KELURAHAN}:
        return [str(value)] if value else []
    if field == SharedField.VICTIM_AGE_BAND:
        return [_label(AgeBand, value)] if value else []
    if field == SharedField.VICTIM_SEX:
        return [_label(Sex, value)] if value else []
    if field == SharedField.VICTIM_CONTACT:
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
    if field == SharedField.VICTIM_DISABILITY:
        lines = [_("Has a disability") if value.get("has_disability") else _("No disability")]
        if value.get("kinds"):
            lines.append(", ".join(_label(DisabilityKind, k) for k in value["kinds"]))
        if value.get("communication_needs"):
            lines.append(value["communication_needs"])
        return lines
    if field == SharedField.NEEDS:
        # In the catalogue's order (the stored JSON is sorted by key). A referral made
        # before needs were chosen one by one holds every need: it reads the same way.
        order = {domain: place for place, domain in enumerate(NeedDomain.values)}
        ordered = sorted(value.items(), key=lambda pair: order.get(pair[0], len(order)))
        return [f"{_label(NeedDomain, domain)}: {text}" for domain, text in ordered]
    if field == SharedField.INCIDENT_FORMS:
        return [", ".join(_label(ViolenceForm, form) for form in value)] if value else []
    if field == SharedField.INCIDENT_DATE:
        day = parse_date(value.get("date") or "")
        if day is None:
            return []
        shown = date_format(day, "j F Y")
        return [_("about %(date)s") % {"date": shown} if value.get("estimate") else shown]
    return []


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
        lines = _lines(field, projection[field]) or [_("Not recorded")]
        items.append(SharedItem(field=field, label=str(label), lines=lines))
    return items
