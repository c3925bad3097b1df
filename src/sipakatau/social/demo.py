"""Demo data for social protection in both pilot kelurahan: fictional households with
their members, DTSEN knowledge, documents, help and aid; a Dinsos screening rule and the
worklist it fills; and the month's proposal of each kelurahan. Everything goes through
the real services, by the demo accounts of ``sipakatau.demo.services``. Running it again
adds nothing (a kelurahan that already has households is left alone).

Called by the demo loader (the top floor); nothing here is imported by the app."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.areas.models import Area

from . import services
from .models import Household, Programme, ProposalBatch, ScreeningRule

WATANG_SOREANG = "73.72.03.1003"
WATANG_BACUKIKI = "73.72.01.1005"

# (RW, RT, street, [(name, sex, age, relationship)], DTSEN (status, desil, source) or None)
DemoMember = tuple[str, str, int, str]
DemoDtsen = tuple[str, int | None, str] | None
HOUSEHOLDS: dict[str, list[tuple[str, str, str, list[DemoMember], DemoDtsen]]] = {
    WATANG_SOREANG: [
        (
            "2",
            "1",
            "Jl. Bau Massepe No. 14",
            [
                ("Rahmawati (contoh)", "P", 38, "KEPALA"),
                ("Nurul (contoh)", "P", 9, "ANAK"),
                ("Arif (contoh)", "L", 4, "ANAK"),
            ],
            ("LISTED", 2, "CEK_BANSOS"),
        ),
        (
            "3",
            "2",
            "Jl. Lasinrang Lr. 2",
            [("Nenek Sitti (contoh)", "P", 72, "KEPALA")],
            ("NOT_LISTED", None, "KATA_WARGA"),
        ),
        (
            "5",
            "1",
            "Jl. Andi Makkasau No. 3",
            [("Baharuddin (contoh)", "L", 45, "KEPALA"), ("Hasnah (contoh)", "P", 41, "PASANGAN")],
            None,
        ),
    ],
    WATANG_BACUKIKI: [
        (
            "1",
            "3",
            "Jl. Jend. Sudirman Lr. 5",
            [("Marwah (contoh)", "P", 33, "KEPALA"), ("Aisyah (contoh)", "P", 2, "ANAK")],
            ("LISTED", 3, "DATA_DINSOS"),
        ),
        (
            "4",
            "1",
            "Jl. Bau Massepe No. 80",
            [
                ("Pak Dollah (contoh)", "L", 66, "KEPALA"),
                ("Ibu Fatimah (contoh)", "P", 63, "PASANGAN"),
            ],
            ("LISTED", 4, "KATA_WARGA"),
        ),
    ],
}
UNITS = {WATANG_SOREANG: "bahagia", WATANG_BACUKIKI: "ikhlas"}


def _acting(username: str) -> Membership | None:
    return (
        Membership.objects.select_related("organisation__area", "user")
        .filter(user__username=username, is_active=True)
        .first()
    )


def _households(actor: Membership, kelurahan: Area, serial: int) -> list[Household]:
    made = []
    for n, (rw, rt, street, people, dtsen) in enumerate(HOUSEHOLDS[kelurahan.code], start=1):
        household = services.household_create(
            actor=actor,
            # Fictional numbers in the kelurahan's range, "99" marking demo data.
            kk_number=f"{kelurahan.code.replace('.', '')}99{serial}{n:03d}",
            kelurahan=kelurahan,
            rw=rw,
            rt=rt,
            address=street,
        )
        for name, sex, age, relationship in people:
            services.household_member_register(
                actor=actor,
                household=household,
                relationship=relationship,
                name=name,
                sex=sex,
                age_estimate=age,
                start_date=date(2020, 1, 1),
            )
        if dtsen is not None:
            status, desil, source = dtsen
            services.dtsen_record(
                actor=actor,
                household=household,
                status=status,
                desil=desil,
                source=source,
                known_on=timezone.localdate() - timedelta(days=30),
            )
        made.append(household)
    return made


def _documents(actor: Membership, household: Household) -> None:
    """The youngest member has no birth certificate yet, and was helped; the head's BPJS
    Kesehatan is inactive."""
    members = list(household.members.select_related("person").order_by("start_date", "pk"))
    head = members[0].person
    services.document_record(actor=actor, person=head, kind="KTP_EL", status="HAS")
    services.document_record(
        actor=actor, person=head, kind="BPJS_KESEHATAN", status="INACTIVE", is_pbi=False
    )
    if len(members) > 1:
        child = members[-1].person
        services.document_record(actor=actor, person=child, kind="AKTA_KELAHIRAN", status="MISSING")
        services.document_help_record(
            actor=actor,
            person=child,
            kind="AKTA_KELAHIRAN",
            help_given="Didampingi kader ke Disdukcapil, berkas diserahkan (contoh)",
            helped_on=timezone.localdate() - timedelta(days=7),
            outcome="PENDING",
        )


def _rule(dinsos_officer: Membership) -> None:
    if ScreeningRule.objects.filter(area=dinsos_officer.organisation.area).exists():
        return
    services.rule_save(
        actor=dinsos_officer,
        programme=Programme.objects.get(code="PKH"),
        expression="in_dtsen and desil <= 4 and not in_pkh and has_child",
        description="Desil 1-4 dengan anak, belum menerima PKH",
    )
    services.rule_save(
        actor=dinsos_officer,
        programme=Programme.objects.get(code="PBI_JK"),
        expression="has_inactive_bpjs and not has_pbi",
        description="BPJS Kesehatan tidak aktif dan bukan PBI",
    )


def load_demo() -> int:
    """Returns how many households were added (0 when everything is there already)."""
    dinsos_officer = _acting("dinsos.petugas")
    dinsos = Organisation.objects.filter(type=OrganisationType.DINSOS, is_active=True).first()
    if dinsos_officer is None or dinsos is None:
        return 0
    added = 0
    with transaction.atomic():
        _rule(dinsos_officer)
        for serial, (code, unit) in enumerate(UNITS.items(), start=1):
            kelurahan = Area.objects.get(code=code)
            coordinator = _acting(f"{unit}.koordinator")
            if coordinator is None or Household.objects.filter(kelurahan=kelurahan).exists():
                continue
            households = _households(coordinator, kelurahan, serial)
            added += len(households)
            _documents(coordinator, households[0])
            services.enrolment_record(
                actor=coordinator,
                programme=Programme.objects.get(code="BPNT"),
                household=households[-1],
                status="ENROLLED",
                source="KATA_WARGA",
                known_on=timezone.localdate() - timedelta(days=60),
            )
            services.screening_run(actor=coordinator, kelurahan=kelurahan)
            month = timezone.localdate().replace(day=1)
            if not ProposalBatch.objects.filter(kelurahan=kelurahan, month=month).exists():
                batch = services.batch_create_for_month(
                    actor=coordinator, kelurahan=kelurahan, month=month, dinsos=dinsos
                )
                entry = households[0].worklist.filter(status="OPEN").first()
                services.batch_add_item(
                    actor=coordinator,
                    batch=batch,
                    household=households[0],
                    programme=entry.programme
                    if entry and entry.programme
                    else Programme.objects.get(code="PKH"),
                    worklist_entry=entry,
                )
    return added
