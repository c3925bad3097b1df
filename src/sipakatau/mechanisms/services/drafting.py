"""Drafting: starting a kelurahan's mechanism from the template, its settings, new
versions, and the text sections of a version (steps, pathway and duties: content.py)."""

import re
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.directory.queries import providers_for_search

from .. import numbering, queries, template
from ..codes import Status
from ..documents import labels
from ..models import (
    DecreeSequence,
    Duty,
    Mechanism,
    MechanismVersion,
    PathwayEntry,
    Step,
    StepDeadline,
)
from .common import (
    clean_paragraphs,
    clean_text,
    require_drafter,
    require_editable,
)

VERSION_FIELDS = (
    "title",
    "considerations",
    "legal_bases",
    "reporting_schedule",
    "funding",
    "monitoring",
    "copies_to",
)
SETTINGS_FIELDS = ("classification_code", "office_code", "place")
# The main class of the archive classification (Kesejahteraan Rakyat) until the office
# sets its own code: complete, but the settings page asks for the office's code.
DEFAULT_CLASSIFICATION = "400"
WORKING = (Status.DRAFT, Status.IN_DISCUSSION, Status.APPROVED)


def _fill(text: str, area: Area) -> str:
    """The template's words for this village: a desa gets "Desa", "Kepala Desa" and its
    regency's Bupati where a kelurahan gets "Kelurahan", "Lurah" and the Wali Kota."""
    kecamatan = area.parent
    region = kecamatan.parent if kecamatan is not None else None
    desa = labels.is_desa(area)
    words = {
        "{kelurahan}": area.name,
        "{kecamatan}": kecamatan.name if kecamatan is not None else "",
        "{unit}": labels.village_unit(area),
        "{unit_lower}": labels.village_unit(area).lower(),
        "{head}": labels.village_head(area),
        "{lpm}": labels.DESA_RESPONSIBLE["lpmk"] if desa else labels.RESPONSIBLE["lpmk"],
        "{region}": labels.region_name(region) if region is not None else "",
        "{region_head}": labels.region_head(region) if region is not None else "",
    }
    for placeholder, word in words.items():
        text = text.replace(placeholder, word)
    return text


def _legal_bases(area: Area) -> list[str]:
    kecamatan = area.parent
    region = kecamatan.parent if kecamatan is not None else None
    return template.legal_bases(
        desa=labels.is_desa(area), region_code=region.code if region is not None else ""
    )


def _from_template(version: MechanismVersion, area: Area) -> None:
    for position, data in enumerate(template.STEPS, start=1):
        step = Step.objects.create(
            version=version,
            position=position,
            title=data["title"],
            description=_fill(data["description"], area),
            responsible=data["responsible"],
            action=data.get("action", ""),
            trigger=data.get("trigger", ""),
            escalate_to=data.get("escalate_to", ""),
            is_social_protection=data.get("is_social_protection", False),
        )
        for risk_level, amount, unit in data.get("deadlines", []):
            StepDeadline.objects.create(step=step, risk_level=risk_level, amount=amount, unit=unit)
    for position, (party, duties) in enumerate(template.DUTIES, start=1):
        Duty.objects.create(
            version=version, position=position, party=party, duties=_fill(duties, area)
        )
    # The pathway starts from the directory: the first active provider that serves the
    # kelurahan for each service; the kelurahan then corrects it with the providers.
    for service_type in template.PATHWAY_SERVICES:
        provider = providers_for_search(service_type=service_type, area=area).first()
        if provider is not None:
            PathwayEntry.objects.create(
                version=version, service_type=service_type, provider=provider
            )


def _already_started(area: Area) -> str:
    if labels.is_desa(area):
        return _("This desa already has a mechanism: open it and make a new version.")
    return _("This kelurahan already has a mechanism: open it and make a new version.")


def mechanism_start(
    *,
    actor: Membership,
    area: Area,
    classification_code: str = "",
    office_code: str = "",
    place: str = "",
) -> MechanismVersion:
    """The kelurahan's first draft, from the ready template. The number starts from the
    main class 400 (Kesejahteraan Rakyat) and the kelurahan's initials; the office sets
    its own classification code in the settings before it issues."""
    if not queries.may_start_mechanism(actor, area):
        raise PermissionDenied
    if Mechanism.objects.filter(area=area).exists():
        raise ValidationError(_already_started(area))
    classification_code = (
        clean_text(classification_code, "classification_code", required=False, limit=40)
        or DEFAULT_CLASSIFICATION
    )
    office_code = clean_text(
        office_code, "office_code", required=False, limit=40
    ) or numbering.default_office_code(area.name, desa=labels.is_desa(area))
    _check_number_parts(classification_code, office_code)
    try:
        with transaction.atomic():
            mechanism = Mechanism.objects.create(
                area=area,
                classification_code=classification_code,
                office_code=office_code,
                place=clean_text(place, "place", required=False, limit=100)
                or numbering.default_place(area),
            )
            version = MechanismVersion.objects.create(
                mechanism=mechanism,
                number=1,
                title=_fill(template.TITLE, area),
                considerations=[_fill(t, area) for t in template.CONSIDERATIONS],
                legal_bases=_legal_bases(area),
                reporting_schedule=_fill(template.REPORTING_SCHEDULE, area),
                funding=_fill(template.FUNDING, area),
                monitoring=_fill(template.MONITORING, area),
                copies_to=[_fill(t, area) for t in template.COPIES_TO],
                created_by=actor.user,
            )
            _from_template(version, area)
            audit.log(actor, "mechanism.created", mechanism, fields=["area", *SETTINGS_FIELDS])
            audit.log(actor, "mechanism_version.created", version, fields=VERSION_FIELDS)
    except IntegrityError:
        # Two officers pressed "start" at the same moment: the first one's draft stands.
        raise ValidationError(_already_started(area)) from None
    return version


def _check_number_parts(classification_code: str, office_code: str) -> None:
    problems = numbering.number_problems(classification_code, office_code)
    if problems:
        raise ValidationError(problems)


def _clean_contact(
    *, address: str | None, phone: str | None, postcode: str | None, email: str | None
) -> dict[str, str]:
    """The kop's contact fields that were given, checked: a postcode has five digits, a
    telephone number digits and the signs people write in one."""
    contact: dict[str, str] = {}
    if address is not None:
        contact["office_address"] = clean_text(address, "office_address", required=False, limit=200)
    if phone is not None:
        phone = clean_text(phone, "office_phone", required=False, limit=40)
        if phone and not re.fullmatch(r"[0-9 ()+\-./]+", phone):
            raise ValidationError(
                {"office_phone": _("A telephone number has digits, spaces and ( ) + - only.")}
            )
        contact["office_phone"] = phone
    if postcode is not None:
        postcode = clean_text(postcode, "office_postcode", required=False, limit=5)
        if postcode and not re.fullmatch(r"[0-9]{5}", postcode):
            raise ValidationError({"office_postcode": _("A postcode has five digits.")})
        contact["office_postcode"] = postcode
    if email is not None:
        email = clean_text(email, "office_email", required=False, limit=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    {"office_email": _("Enter an email address such as kelurahan@example.go.id.")}
                ) from None
        contact["office_email"] = email
    return contact


def mechanism_settings_update(
    *,
    actor: Membership,
    mechanism: Mechanism,
    classification_code: str,
    office_code: str,
    place: str,
    next_number: int | None = None,
    year: int | None = None,
    office_address: str | None = None,
    office_phone: str | None = None,
    office_postcode: str | None = None,
    office_email: str | None = None,
) -> Mechanism:
    """The decree numbering in parts, the place of issue and the kop's contact line.
    ``next_number`` is where the register of ``year`` (default: this year) continues —
    after decrees numbered on paper, say — but never at or below a number Sipakatau
    already gave that year. A contact field left ``None`` keeps its value."""
    require_drafter(actor, mechanism)
    classification_code = clean_text(classification_code, "classification_code", limit=40)
    office_code = clean_text(office_code, "office_code", limit=40)
    place = clean_text(place, "place", limit=100)
    _check_number_parts(classification_code, office_code)
    contact = _clean_contact(
        address=office_address, phone=office_phone, postcode=office_postcode, email=office_email
    )
    year = year or timezone.localdate().year
    if next_number is not None and not 1 <= next_number <= 99999:
        raise ValidationError({"next_number": _("Give a number from 1 to 99999.")})
    with transaction.atomic():
        mechanism = Mechanism.objects.select_for_update().get(pk=mechanism.pk)
        changed = [
            field
            for field, value in (
                ("classification_code", classification_code),
                ("office_code", office_code),
                ("place", place),
                *contact.items(),
            )
            if getattr(mechanism, field) != value
        ]
        mechanism.classification_code = classification_code
        mechanism.office_code = office_code
        mechanism.place = place
        for field, value in contact.items():
            setattr(mechanism, field, value)
        mechanism.save(
            update_fields=["classification_code", "office_code", "place", *contact.keys()]
        )
        if next_number is not None:
            register, _created = DecreeSequence.objects.select_for_update().get_or_create(
                mechanism=mechanism, year=year
            )
            if next_number != register.last_number + 1:
                used = (
                    mechanism.decrees.filter(issued_on__year=year).aggregate(n=Max("sequence"))["n"]
                    or 0
                )
                if next_number <= used:
                    raise ValidationError(
                        {
                            "next_number": _(
                                "Number %(number)s of %(year)s was already given to a decree. "
                                "The next number must be at least %(next)s."
                            )
                            % {"number": used, "year": year, "next": used + 1}
                        }
                    )
                register.last_number = next_number - 1
                register.save(update_fields=["last_number"])
                changed.append("next_number")
        audit.log(actor, "mechanism.updated", mechanism, fields=changed)
    return mechanism


def version_new(*, actor: Membership, based_on: MechanismVersion) -> MechanismVersion:
    """A new draft that copies ``based_on`` (usually the issued version) in full. One
    version is worked on at a time, so the discussion is never split."""
    mechanism = based_on.mechanism
    require_drafter(actor, mechanism)
    with transaction.atomic():
        Mechanism.objects.select_for_update().get(pk=mechanism.pk)
        if mechanism.versions.filter(status__in=WORKING).exists():
            raise ValidationError(
                _("A version is already being worked on: finish or issue it first.")
            )
        number = (mechanism.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = MechanismVersion.objects.create(
            mechanism=mechanism,
            number=number,
            based_on=based_on,
            created_by=actor.user,
            **{field: getattr(based_on, field) for field in VERSION_FIELDS},
        )
        for step in based_on.steps.prefetch_related("deadlines"):
            deadlines = list(step.deadlines.all())
            step.pk = None
            step.version = version
            step.save()
            StepDeadline.objects.bulk_create(
                StepDeadline(step=step, risk_level=d.risk_level, amount=d.amount, unit=d.unit)
                for d in deadlines
            )
        PathwayEntry.objects.bulk_create(
            PathwayEntry(
                version=version,
                service_type=e.service_type,
                provider_id=e.provider_id,
                contact=e.contact,
            )
            for e in based_on.pathway.all()
        )
        Duty.objects.bulk_create(
            Duty(version=version, position=d.position, party=d.party, duties=d.duties)
            for d in based_on.duties.all()
        )
        audit.log(actor, "mechanism_version.created", version, fields=VERSION_FIELDS)
    return version


def version_update(
    *,
    actor: Membership,
    version: MechanismVersion,
    title: str,
    considerations: Sequence[str],
    legal_bases: Sequence[str],
    reporting_schedule: str,
    funding: str,
    monitoring: str,
    copies_to: Sequence[str],
) -> MechanismVersion:
    require_drafter(actor, version.mechanism)
    values = {
        "title": clean_text(title, "title", limit=300),
        "considerations": clean_paragraphs(list(considerations), "considerations"),
        "legal_bases": clean_paragraphs(list(legal_bases), "legal_bases"),
        "reporting_schedule": clean_text(reporting_schedule, "reporting_schedule", required=False),
        "funding": clean_text(funding, "funding", required=False),
        "monitoring": clean_text(monitoring, "monitoring", required=False),
        "copies_to": clean_paragraphs(list(copies_to), "copies_to"),
    }
    if not values["considerations"]:
        raise ValidationError({"considerations": _("A decree needs at least one consideration.")})
    if not values["legal_bases"]:
        raise ValidationError({"legal_bases": _("A decree needs at least one legal basis.")})
    with transaction.atomic():
        require_editable(version)
        changed = [f for f, v in values.items() if getattr(version, f) != v]
        for field, value in values.items():
            setattr(version, field, value)
        version.save(update_fields=[*values, "updated_at"])
        audit.log(actor, "mechanism_version.updated", version, fields=changed)
    return version
