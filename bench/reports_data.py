"""The reports benchmark's cases, written fast enough for a million of them.

``reports_city.py`` imports ``generate`` from here. Rows are not model instances: each
table's values are computed as plain tuples and go in with ``executemany`` on SQLite and
``COPY ... FROM STDIN`` on PostgreSQL, with primary keys given by the generator so that
children can point at their parents without reading anything back. Columns the generator
does not set get the field's default (or, for ``auto_now`` fields, the end of the data),
converted for the database once per table: encrypted defaults are encrypted once, and
the same token is valid in every row (its associated data is the model and field name).

This is for a scratch database only: on SQLite it turns off the journal and fsync, and on
PostgreSQL it skips the foreign-key triggers while loading (``session_replication_role``),
since the generator makes every reference itself. Unique and NOT NULL constraints still
hold.
"""

import json
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

BATCH = 20_000
FORMS = ["FISIK", "PSIKIS", "SEKSUAL", "EKSPLOITASI", "TRAFFICKING", "PENELANTARAN", "LAINNYA"]
PLACES = ["RUMAH_TANGGA", "TEMPAT_KERJA", "SEKOLAH", "FASILITAS_UMUM", "LAINNYA", ""]
CHANNELS = ["WALK_IN", "PHONE", "LETTER", "THIRD_PARTY", "OUTREACH", "REFERRAL_IN", "PUBLIC_PORTAL"]
RELATIONSHIPS = [
    "ORANG_TUA",
    "KELUARGA_SAUDARA",
    "SUAMI_ISTRI",
    "PACAR_TEMAN",
    "TETANGGA",
    "LAINNYA",
]
STATUSES = ["active", "assessed", "closed", "monitoring"]
RISKS = ["HIGH", "MEDIUM", "LOW"]
AGES = [None, *range(0, 80)]
FORM_COUNTS = [1, 1, 2, 3]
# Where referrals stand, roughly as a busy year leaves them.
REFERRAL_STATUSES = [
    ("sent", 15),
    ("accepted", 20),
    ("declined", 10),
    ("in_service", 20),
    ("completed", 25),
    ("cancelled", 5),
    ("withdrawn", 5),
]
ANSWERED = {"accepted", "declined", "in_service", "completed"}
URGENCY_HOURS = {"EMERGENCY": 6, "URGENT": 24, "ROUTINE": 72}
REFERRAL_SERVICES = ["PSIKOSOSIAL", "KESEHATAN", "BANTUAN_HUKUM", "RUMAH_AMAN"]
PUBLIC_STATUSES = [
    ("received", 15),
    ("handling", 25),
    ("referred", 10),
    ("closed", 30),
    ("not_ours", 10),
    ("spam", 10),
]
# A report from the public with one of these statuses became a case.
PROMOTED = {"handling", "referred", "closed"}


def _spread(weighted: list[tuple[str, int]]) -> list[str]:
    """A list to ``rng.choice`` from, each code as many times as its weight."""
    return [code for code, weight in weighted for _ in range(weight)]


class Table:
    """The INSERT of one model's rows: ``fields`` are given per row (already in the
    database's form), ``fixed`` once for every row, every other column its default."""

    def __init__(
        self,
        connection: Any,
        model: Any,
        fields: Sequence[str],
        fixed: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> None:
        meta = model._meta
        fixed = fixed or {}
        self.connection = connection
        self.table = meta.db_table
        self.columns = [meta.get_field(name).column for name in fields]
        self.constants: list[Any] = []
        for field in meta.concrete_fields:
            if field.name in fields or (field.primary_key and field.name not in fixed):
                continue
            if field.name in fixed:
                value = fixed[field.name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{meta.label}.{field.name} needs a value")
            self.columns.append(field.column)
            self.constants.append(field.get_db_prep_save(value, connection))
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values)

    def flush(self) -> int:
        """Write the rows collected so far; returns how many."""
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        constants = tuple(self.constants)
        names = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        raw = self.connection.connection
        if self.connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + constants)
        else:
            marks = ", ".join("?" for _ in self.columns)
            cursor = raw.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks})",  # noqa: S608
                    (row + constants for row in rows),
                )
            finally:
                cursor.close()
        return len(rows)


def _next_id(connection: Any, model: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608
        (highest,) = cursor.fetchone()
    return (highest or 0) + 1


def _fast_load(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-400000",
                "temp_store=MEMORY",
            ):
                cursor.execute(f"PRAGMA {pragma}")
        else:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")


def _normal_load(connection: Any, models: Iterable[Any]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        else:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET synchronous_commit = DEFAULT")
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)


def generate(n_cases: int, years: int, end: datetime, rng: random.Random) -> dict[str, int]:
    """Parepare's areas, one LBK-KK unit per kelurahan, and ``n_cases`` cases spread over
    ``years`` years before ``end``, with their victims, consents, perpetrator links,
    first-contact deadlines, assessments, referrals (about 30 %), approved closures (the
    closed ones) and reports from the public (10 % of the cases count). Returns counts."""
    from django.db import connection, transaction

    from sipakatau.accounts.models import Organisation, OrganisationType, User
    from sipakatau.areas.models import Area
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.cases.codes import ClosureReason
    from sipakatau.cases.models import (
        Assessment,
        Case,
        CaseDeadline,
        CaseParty,
        Closure,
        Consent,
        Incident,
        PerpetratorLink,
    )
    from sipakatau.directory.models import Provider, ProviderService
    from sipakatau.people.models import Person
    from sipakatau.public.models import PublicReport
    from sipakatau.referrals.models import Referral

    areas_load_parepare()
    user = User.objects.create(username="bench.koordinator")
    units = [
        Organisation.objects.create(
            name=f"LBK-KK {area.name}", type=OrganisationType.LBK_KK, area=area
        )
        for area in Area.objects.filter(level="kelurahan", code__startswith="73.72.")
    ]
    unit_areas = [(unit.pk, unit.area_id) for unit in units]
    city = Area.objects.get(code="73.72")
    recipient = Organisation.objects.create(
        name="UPTD PPA Kota Parepare", type=OrganisationType.UPTD_PPA, area=city
    )
    provider = Provider.objects.create(name=recipient.name, organisation=recipient, area=city)
    ProviderService.objects.bulk_create(
        ProviderService(provider=provider, service_type=service) for service in REFERRAL_SERVICES
    )
    # People are drawn from a pool: each one is several encrypted fields to write, and
    # what the indicators read of them (sex, disability) is the same either way.
    people = [
        person.pk
        for person in Person.objects.bulk_create(
            Person(
                name="Korban Bench",
                sex=rng.choice(["P", "P", "P", "L", "U"]),
                has_disability=rng.random() < 0.08,
            )
            for _ in range(2000)
        )
    ]
    perpetrator = Person.objects.create(name="Terlapor Bench", sex="L").pk

    postgres = connection.vendor == "postgresql"
    if postgres:

        def when(value: datetime | None) -> Any:
            return value

        def day(value: Any) -> Any:
            return value
    else:

        def when(value: datetime | None) -> Any:
            return None if value is None else str(value.replace(tzinfo=None))

        def day(value: Any) -> Any:
            return None if value is None else str(value)

    end = end.astimezone(UTC)
    start = end - timedelta(days=365 * years)
    span = (end - start).total_seconds()
    hour = timedelta(hours=1)
    made_at = end  # what auto_now fields say: the data is as of the end of the span
    cases = Table(
        connection,
        Case,
        [
            "id",
            "register_number",
            "organisation",
            "channel",
            "reported_at",
            "intake_completed_at",
            "status",
            "risk_level",
            "closed_at",
        ],
        {"created_by": user.pk},
        made_at,
    )
    incidents = Table(connection, Incident, ["case", "violence_forms", "place_type"], now=made_at)
    parties = Table(
        connection, CaseParty, ["id", "case", "person", "role", "age_at_incident"], now=made_at
    )
    consents = Table(
        connection,
        Consent,
        ["id", "case", "subject"],
        {
            "purpose": "STATISTICS",
            "method": "VERBAL_WITNESSED",
            "given_at": end,
            "recorded_by": user.pk,
        },
    )
    links = Table(connection, PerpetratorLink, ["case", "victim", "perpetrator", "relationship"])
    deadlines = Table(
        connection,
        CaseDeadline,
        ["case", "due_at", "met_at"],
        {"code": "first_contact", "label": "Contact the survivor"},
    )
    assessments = Table(
        connection, Assessment, ["case", "risk_level", "assessed_at"], {"assessed_by": user.pk}
    )
    referrals = Table(
        connection,
        Referral,
        [
            "register_number",
            "case",
            "sender",
            "subject",
            "service_type",
            "urgency",
            "consent",
            "override_legal_basis",
            "status",
            "due_at",
            "created_at",
            "answered_by",
            "answered_at",
            "started_at",
            "completed_at",
            "ended_at",
        ],
        {
            "provider": provider.pk,
            "recipient": recipient.pk,
            "recipient_type": recipient.type,
            "reason": "Rujukan bench",
            "shared_fields": ["VICTIM_AGE_BAND", "VICTIM_SEX", "INCIDENT_FORMS"],
            "created_by": user.pk,
        },
        made_at,
    )
    closures = Table(
        connection,
        Closure,
        ["case", "reason", "requested_at", "decided_at"],
        {
            "requested_by": user.pk,
            "decision": Closure.Decision.APPROVED,
            "decided_by": user.pk,
            "summary": "Penutupan bench",
        },
    )
    reports = Table(
        connection,
        PublicReport,
        [
            "tracking_code",
            "idempotency_key",
            "kelurahan",
            "organisation",
            "about_self",
            "status",
            "case",
            "created_at",
            "first_contact_due",
        ],
        {"pin_hash": "bench", "what_happened": "Laporan bench"},
        made_at,
    )
    tables = [
        cases,
        incidents,
        parties,
        consents,
        links,
        deadlines,
        assessments,
        referrals,
        closures,
        reports,
    ]
    case_id = _next_id(connection, Case)
    party_id = _next_id(connection, CaseParty)
    consent_id = _next_id(connection, Consent)
    referral_statuses = _spread(REFERRAL_STATUSES)
    public_statuses = _spread(PUBLIC_STATUSES)
    reasons = list(ClosureReason.values)
    counts = {name: 0 for name in ("cases", "victims", "referrals", "closures", "public_reports")}
    counts["units"] = len(units)
    written: dict[str, int] = {}
    choice, random_, uniform, sample = rng.choice, rng.random, rng.uniform, rng.sample
    _fast_load(connection)
    made = 0
    while made < n_cases:
        size = min(BATCH, n_cases - made)
        batch_cases: list[tuple[int, int, int, datetime]] = []
        for _ in range(size):
            unit, area = choice(unit_areas)
            reported = start + timedelta(seconds=random_() * span)
            status = choice(STATUSES)
            risk = choice(RISKS)
            decided = None
            if status == "closed":
                decided = reported + min(
                    timedelta(days=uniform(3, 120)), (end - reported) * random_()
                )
                closures.add(
                    case_id,
                    choice(reasons),
                    when(decided - timedelta(hours=uniform(1, 72))),
                    when(decided),
                )
                counts["closures"] += 1
            cases.add(
                case_id,
                f"B/{case_id}",
                unit,
                choice(CHANNELS),
                when(reported),
                when(reported),
                status,
                risk,
                when(decided),
            )
            incidents.add(case_id, json.dumps(sample(FORMS, choice(FORM_COUNTS))), choice(PLACES))
            victims = []
            for person in sample(people, 1 if random_() < 0.85 else 2):
                parties.add(party_id, case_id, person, "VICTIM", choice(AGES))
                consent = None
                if random_() < 0.8:
                    consents.add(consent_id, case_id, party_id)
                    consent = consent_id
                    consent_id += 1
                victims.append((party_id, consent))
                party_id += 1
            parties.add(party_id, case_id, perpetrator, "PERPETRATOR", None)
            for victim, _consent in victims:
                links.add(case_id, victim, party_id, choice(RELATIONSHIPS))
            party_id += 1
            counts["victims"] += len(victims)
            deadlines.add(
                case_id,
                when(reported + 6 * hour),
                when(reported + uniform(0.5, 12) * hour) if random_() < 0.9 else None,
            )
            if random_() < 0.8:
                assessments.add(case_id, risk, when(reported + uniform(2, 96) * hour))
            if random_() < 0.3:
                subject, consent = victims[0]
                sent = reported + min(uniform(1, 24 * 14) * hour, (end - reported) * random_())
                state = choice(referral_statuses)
                urgency = choice(("EMERGENCY", "URGENT", "ROUTINE"))
                answered = min(sent + uniform(0.5, 72) * hour, end) if state in ANSWERED else None
                referrals.add(
                    f"BENCH/R/{case_id}",
                    case_id,
                    unit,
                    subject,
                    choice(REFERRAL_SERVICES),
                    urgency,
                    consent,
                    "" if consent else "UU 12/2022 Pasal 42 (bench)",
                    state,
                    when(sent + URGENCY_HOURS[urgency] * hour),
                    when(sent),
                    user.pk if answered else None,
                    when(answered),
                    when(min(answered + uniform(1, 48) * hour, end))
                    if answered and state in ("in_service", "completed")
                    else None,
                    when(min(answered + uniform(24, 24 * 30) * hour, end))
                    if answered and state == "completed"
                    else None,
                    when(min(sent + uniform(1, 96) * hour, end))
                    if state in ("cancelled", "withdrawn")
                    else None,
                )
                counts["referrals"] += 1
            batch_cases.append((case_id, unit, area, reported))
            case_id += 1
        for _ in range(size // 10):
            state = choice(public_statuses)
            if state in PROMOTED:
                promoted, unit, area, reported = choice(batch_cases)
                created = reported - uniform(1, 72) * hour
            else:
                promoted = None
                unit, area = choice(unit_areas)
                created = start + timedelta(seconds=random_() * span)
            number = counts["public_reports"] + 1
            reports.add(
                f"BENCH{number:09d}",
                f"bench-{number}",
                area,
                unit,
                random_() < 0.6,
                state,
                promoted,
                when(created),
                when(created + 24 * hour),
            )
            counts["public_reports"] += 1
        with transaction.atomic():
            for table in tables:
                written[table.table] = written.get(table.table, 0) + table.flush()
        made += size
        counts["cases"] += size
        if made % (BATCH * 5) == 0 or made == n_cases:
            print(f"  generated {made:,} cases", flush=True)
    _normal_load(connection, [Case, CaseParty, Consent])
    counts.update({f"rows {name}": n for name, n in written.items()})
    return counts
