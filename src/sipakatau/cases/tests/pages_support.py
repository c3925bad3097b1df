"""Helpers for the page tests: cases made through the real services, English pages."""

import io
from datetime import date, timedelta

from django.conf import settings
from django.test import Client
from PIL import Image

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import Channel, ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.cases.services import care, intake
from sipakatau.people.services import person_create


def english(client: Client) -> Client:
    """Pages in English so tests can read them (Bahasa Indonesia is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def open_case(actor: Membership, **kwargs: object) -> Case:
    kwargs.setdefault("channel", Channel.WALK_IN)
    return intake.case_open(actor=actor, **kwargs)  # type: ignore[arg-type]


def add_person(
    actor: Membership,
    case: Case,
    role: str = PartyRole.VICTIM,
    *,
    name: str = "Siti Aminah",
    sex: str = "P",
    age: int | None = 30,
    nik: str | None = None,
) -> CaseParty:
    person = person_create(actor=actor, name=name, sex=sex, age_estimate=age, nik=nik).person
    return intake.party_add(actor=actor, case=case, person=person, role=role)


def full_case(actor: Membership) -> Case:
    """A case with something in every section, for pages that show them all."""
    case = open_case(actor, danger_now=True, immediate_needs=["SAFETY"])
    victim = add_person(actor, case, name="Siti Aminah", nik="7372034505900001")
    perpetrator = add_person(
        actor, case, PartyRole.PERPETRATOR, name="Budi Santoso", sex="L", age=35
    )
    intake.perpetrator_link_set(
        actor=actor, case=case, victim=victim, perpetrator=perpetrator, relationship="SUAMI_ISTRI"
    )
    intake.incident_record(
        actor=actor,
        case=case,
        occurred_on=date.today() - timedelta(days=2),
        place_type="RUMAH_TANGGA",
        narrative="Dipukul dengan sapu di dapur",
        violence_forms=["FISIK"],
    )
    care.consent_record(
        actor=actor,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    care.note_add(actor=actor, case=case, body="Catatan rahasia pertama")
    care.attachment_add(actor=actor, case=case, title="Surat", filename="surat.png", data=png())
    return case


def png(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()
