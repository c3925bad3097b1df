"""Demo cases for the pilot units: fictional people, created through the real services so
that the demo shows what a unit's register looks like after a few weeks."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.cases.codes import Channel, ConsentMethod, ConsentPurpose, PartyRole, ServiceType
from sipakatau.cases.models import Case, CaseParty
from sipakatau.cases.services import care, intake, workflow
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create


def _member(username: str) -> Membership:
    return Membership.objects.select_related("organisation", "user").get(user__username=username)


def _victim(
    kader: Membership,
    case: Case,
    *,
    name: str,
    sex: str,
    age: int,
    area_code: str,
    **contact: object,
) -> CaseParty:
    person = person_create(actor=kader, name=name, sex=sex, age_estimate=age).person
    person_set_profile(actor=kader, person=person, area=Area.objects.get(code=area_code), **contact)  # type: ignore[arg-type]
    return intake.party_add(actor=kader, case=case, person=person, role=PartyRole.VICTIM)


def demo_cases_load(unit: str, kelurahan_code: str) -> int:
    """Three cases for a unit (only if it has none yet): a fresh intake, an active case,
    and a closed one."""
    kader = _member(f"{unit}.kader")
    if Case.objects.filter(organisation=kader.organisation).exists():
        return 0
    worker = _member(f"{unit}.pendamping")
    coordinator = _member(f"{unit}.koordinator")
    rt = (
        Area.objects.filter(code__startswith=kelurahan_code + ".", level="rt")
        .order_by("code")
        .first()
    )
    if rt is None:
        raise ValueError(f"No RT under {kelurahan_code}: load the areas first.")
    now = timezone.now()
    with transaction.atomic():
        # 1. Reported this morning, someone in danger now, not yet assessed.
        fresh = intake.case_open(
            actor=kader,
            channel=Channel.WALK_IN,
            danger_now=True,
            immediate_needs=["SAFETY"],
            reported_at=now - timedelta(hours=3),
        )
        victim = _victim(
            kader,
            fresh,
            name="Nurhayati (contoh)",
            sex="P",
            age=34,
            area_code=rt.code,
            contact_channels=["SMS"],
            contact_times="setelah jam 17.00",
        )
        husband = intake.party_add(
            actor=kader,
            case=fresh,
            role=PartyRole.PERPETRATOR,
            person=person_create(actor=kader, name="Suami (contoh)", sex="L").person,
        )
        intake.perpetrator_link_set(
            actor=kader, case=fresh, victim=victim, perpetrator=husband, relationship="SUAMI_ISTRI"
        )
        intake.incident_record(
            actor=kader,
            case=fresh,
            occurred_on=(now - timedelta(days=1)).date(),
            place_type="RUMAH_TANGGA",
            area=rt,
            violence_forms=["FISIK", "PSIKIS"],
            narrative="Contoh kronologi: dipukul setelah bertengkar soal uang belanja.",
        )
        care.consent_record(
            actor=kader,
            case=fresh,
            subject=victim,
            purpose=ConsentPurpose.SERVICES,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Ketua RT (contoh)",
        )

        # 2. Two weeks old, assessed, plan running.
        active = intake.case_open(
            actor=kader, channel=Channel.PHONE, reported_at=now - timedelta(days=14)
        )
        victim = _victim(
            kader,
            active,
            name="Ibu Lansia (contoh)",
            sex="P",
            age=67,
            area_code=rt.code,
            wg_answers={"WALKING": "A_LOT"},
            contact_channels=["VISIT"],
        )
        intake.incident_record(
            actor=kader,
            case=active,
            occurred_on=(now - timedelta(days=20)).date(),
            place_type="RUMAH_TANGGA",
            area=rt,
            violence_forms=["PENELANTARAN"],
        )
        care.consent_record(
            actor=kader,
            case=active,
            subject=victim,
            purpose=ConsentPurpose.SERVICES,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Kader (contoh)",
        )
        care.assessment_record(
            actor=worker,
            case=active,
            risk_level="MEDIUM",
            risk_criteria=["NO_SUPPORT"],
            needs={"ECONOMIC": "Belum menerima bantuan sosial", "CIVIL_DOCUMENTS": "KTP hilang"},
        )
        care.plan_item_add(
            actor=worker,
            case=active,
            service_type=ServiceType.DOKUMEN_KEPENDUDUKAN,
            owner=worker.user,
            due_on=(now + timedelta(days=7)).date(),
        )
        care.plan_item_add(
            actor=worker,
            case=active,
            service_type=ServiceType.BANSOS,
            owner=worker.user,
            due_on=(now + timedelta(days=21)).date(),
        )
        workflow.case_activate(actor=worker, case=active)
        care.follow_up_plan(
            actor=worker,
            case=active,
            assigned_to=kader.user,
            due_on=(now + timedelta(days=2)).date(),
        )

        # 3. Closed after services were completed.
        closed = intake.case_open(
            actor=kader, channel=Channel.THIRD_PARTY, reported_at=now - timedelta(days=60)
        )
        victim = _victim(
            kader,
            closed,
            name="Pemuda (contoh)",
            sex="L",
            age=19,
            area_code=rt.code,
            do_not_contact=False,
            contact_channels=["THROUGH_SOMEONE"],
        )
        intake.incident_record(
            actor=kader,
            case=closed,
            occurred_on=(now - timedelta(days=61)).date(),
            place_type="SEKOLAH",
            area=rt,
            violence_forms=["PSIKIS"],
        )
        care.consent_record(
            actor=kader,
            case=closed,
            subject=victim,
            purpose=ConsentPurpose.SERVICES,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Guru (contoh)",
        )
        care.assessment_record(
            actor=worker, case=closed, risk_level="LOW", risk_criteria=[], needs={}
        )
        care.plan_item_add(actor=worker, case=closed, service_type=ServiceType.PSIKOSOSIAL)
        workflow.case_activate(actor=worker, case=closed)
        request = workflow.closure_request(
            actor=worker,
            case=closed,
            reason="SERVICES_COMPLETED",
            summary="Konseling selesai, korban aman.",
        )
        workflow.closure_decide(actor=coordinator, closure=request, approve=True)
    return 3


def demo_cases() -> int:
    return demo_cases_load("bahagia", "73.72.03.1003") + demo_cases_load("ikhlas", "73.72.01.1005")
