"""A small fixed dataset whose indicators are computed by hand in the tests.

Rows are written directly (these are test data, like a factory's): the indicators read
the tables, and the figures below must be exactly the ones the tests expect.

November 2026, Asia/Makassar (UTC+8). LBK-KK Bahagia:

- C1 03 Nov 10:00, walk-in, FISIK+PSIKIS, household. Victim V1: woman, 30, consent for
  statistics; husband. First contact after 2 h (due 6 h); assessed after 24 h; closed
  25 Nov (services completed).
- C2 10 Nov 09:00, phone, SEKSUAL, school. Victim V2: girl, 15, disability, consent;
  teacher. Victim V3: boy, 8, NO consent. First contact after 8 h (due 2 h: late);
  assessed after 48 h. Referral for V2 answered (accepted) after 5 h; referral for V3 open.
- C3 20 Nov, walk-in, PSIKIS. Victim V4: consent given, then withdrawn. Closed 26 Nov.
- C4 31 Oct 23:30 WITA: October, outside the period.
- C5 30 Nov 23:30 WITA (15:30 UTC): November. Public portal, no incident recorded.
  Victim V5: sex and age unknown, consent. First contact due 1 Dec, still open.
- Public reports: two in November (one became C5), one in October.

LBK-KK Ikhlas: C6 05 Nov, phone, FISIK, victim V6: woman, 70, consent; relative.
"""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sipakatau.accounts.models import Organisation, User
from sipakatau.areas.models import Area
from sipakatau.cases.codes import ConsentMethod, ConsentPurpose, PartyRole
from sipakatau.cases.models import (
    Assessment,
    Case,
    CaseDeadline,
    CaseParty,
    Closure,
    Consent,
    Incident,
    PerpetratorLink,
    Status,
)
from sipakatau.directory.models import Provider
from sipakatau.people.models import Person
from sipakatau.public.models import PublicReport, ReportStatus
from sipakatau.referrals.models import Referral

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=WITA)
_numbers = itertools.count(1)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WITA)


@dataclass
class Built:
    cases: dict[str, Case]
    victims: dict[str, CaseParty]


def make_case(
    unit: Organisation,
    user: User,
    reported_at: datetime,
    channel: str,
    *,
    forms: list[str] | None = None,
    place: str = "",
    status: str = Status.ACTIVE,
) -> Case:
    case = Case.objects.create(
        register_number=f"T/{next(_numbers)}",
        organisation=unit,
        channel=channel,
        reported_at=reported_at,
        # A registered case: its intake was completed when it was reported.
        intake_completed_at=reported_at,
        created_by=user,
        status=status,
    )
    if forms is not None:
        Incident.objects.create(case=case, violence_forms=forms, place_type=place)
    return case


def make_victim(
    case: Case,
    user: User,
    *,
    sex: str,
    age: int | None,
    disability: bool = False,
    consent: bool = True,
    withdrawn: bool = False,
) -> CaseParty:
    person = Person.objects.create(name="Korban Uji", sex=sex, has_disability=disability)
    party = CaseParty.objects.create(
        case=case, person=person, role=PartyRole.VICTIM, age_at_incident=age
    )
    if consent:
        Consent.objects.create(
            case=case,
            subject=party,
            purpose=ConsentPurpose.STATISTICS,
            method=ConsentMethod.VERBAL_WITNESSED,
            given_at=case.reported_at,
            recorded_by=user,
            withdrawn_at=case.reported_at + timedelta(days=1) if withdrawn else None,
        )
    # A consent for another purpose never counts for statistics.
    Consent.objects.create(
        case=case,
        subject=party,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.VERBAL_WITNESSED,
        given_at=case.reported_at,
        recorded_by=user,
    )
    return party


def link(case: Case, victim: CaseParty, relationship: str) -> None:
    person = Person.objects.create(name="Terlapor Uji", sex="L")
    perpetrator = CaseParty.objects.create(case=case, person=person, role=PartyRole.PERPETRATOR)
    PerpetratorLink.objects.create(
        case=case, victim=victim, perpetrator=perpetrator, relationship=relationship
    )


def deadline(case: Case, due_hours: float, met_hours: float | None) -> None:
    CaseDeadline.objects.create(
        case=case,
        code="first_contact",
        label="Contact the survivor",
        due_at=case.reported_at + timedelta(hours=due_hours),
        met_at=None if met_hours is None else case.reported_at + timedelta(hours=met_hours),
    )


def assessed(case: Case, user: User, hours: float) -> None:
    Assessment.objects.create(
        case=case,
        risk_level="MEDIUM",
        assessed_by=user,
        assessed_at=case.reported_at + timedelta(hours=hours),
    )


def closed(case: Case, user: User, decided_at: datetime, reason: str) -> None:
    Closure.objects.create(
        case=case,
        reason=reason,
        requested_by=user,
        requested_at=decided_at - timedelta(hours=1),
        decision=Closure.Decision.APPROVED,
        decided_by=user,
        decided_at=decided_at,
    )
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=decided_at)


def referral(
    case: Case, subject: CaseParty, user: User, created_at: datetime, answered_hours: float | None
) -> None:
    provider, _ = Provider.objects.get_or_create(
        name="UPTD PPA Uji", defaults={"area": case.organisation.area}
    )
    made = Referral.objects.create(
        register_number=f"R/{next(_numbers)}",
        case=case,
        sender=case.organisation,
        subject=subject,
        provider=provider,
        recipient_type="UPTD_PPA",
        service_type="KESEHATAN",
        urgency="URGENT",
        reason="Uji",
        override_legal_basis="Uji",
        status="accepted" if answered_hours is not None else "sent",
        due_at=created_at + timedelta(days=1),
        created_by=user,
    )
    answered = None if answered_hours is None else created_at + timedelta(hours=answered_hours)
    Referral.objects.filter(pk=made.pk).update(created_at=created_at, answered_at=answered)


def public_report(unit: Organisation, created_at: datetime, case: Case | None = None) -> None:
    n = next(_numbers)
    report = PublicReport.objects.create(
        tracking_code=f"TRK{n}",
        pin_hash="x",
        idempotency_key=f"key-{n}",
        kelurahan=Area.objects.get(pk=unit.area_id),
        about_self=True,
        what_happened="Uji",
        organisation=unit,
        status=ReportStatus.HANDLING if case else ReportStatus.RECEIVED,
        case=case,
    )
    PublicReport.objects.filter(pk=report.pk).update(created_at=created_at)


def build(bahagia: Organisation, ikhlas: Organisation, user: User) -> Built:
    c1 = make_case(
        bahagia, user, at(3, 10), "WALK_IN", forms=["FISIK", "PSIKIS"], place="RUMAH_TANGGA"
    )
    v1 = make_victim(c1, user, sex="P", age=30)
    link(c1, v1, "SUAMI_ISTRI")
    deadline(c1, 6, 2)
    assessed(c1, user, 24)
    closed(c1, user, at(25), "SERVICES_COMPLETED")

    c2 = make_case(bahagia, user, at(10), "PHONE", forms=["SEKSUAL"], place="SEKOLAH")
    v2 = make_victim(c2, user, sex="P", age=15, disability=True)
    v3 = make_victim(c2, user, sex="L", age=8, consent=False)
    link(c2, v2, "GURU")
    deadline(c2, 2, 8)
    assessed(c2, user, 48)
    referral(c2, v2, user, at(12), 5)
    referral(c2, v3, user, at(12), None)

    c3 = make_case(bahagia, user, at(20), "WALK_IN", forms=["PSIKIS"], place="RUMAH_TANGGA")
    v4 = make_victim(c3, user, sex="P", age=40, withdrawn=True)
    closed(c3, user, at(26), "CLIENT_DECLINED")

    c4 = make_case(bahagia, user, at(31, 23, 30, month=10), "WALK_IN", forms=["FISIK"])
    make_victim(c4, user, sex="P", age=20)

    c5 = make_case(bahagia, user, at(30, 23, 30), "PUBLIC_PORTAL")
    v5 = make_victim(c5, user, sex="U", age=None)
    deadline(c5, 6, None)

    public_report(bahagia, at(29), case=c5)
    public_report(bahagia, at(15))
    public_report(bahagia, at(15, month=10))

    c6 = make_case(ikhlas, user, at(5), "PHONE", forms=["FISIK"], place="RUMAH_TANGGA")
    v6 = make_victim(c6, user, sex="P", age=70)
    link(c6, v6, "KELUARGA_SAUDARA")
    assert timezone.is_aware(NOW)
    return Built(
        cases={"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6},
        victims={"v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5, "v6": v6},
    )
