"""Generated cases for demos and benchmarks: a million of them in minutes.

``manage.py generate_demo_data`` and the benchmarks (``bench/reports_city.py``,
``bench/http_bench.py``) call ``generate``. Rows are not saved one model instance at a
time (the services would take days for a million cases, and they are not what is
measured): each table's values are computed as plain tuples and go in with
``executemany`` on SQLite and ``COPY ... FROM STDIN`` on PostgreSQL, with primary keys
given by the generator so that children point at their parents without reading anything
back. What the application would store is stored all the same:

- every encrypted value goes through the model field's own ``get_db_prep_save`` (the
  production key ring and labels), so it opens like one the application wrote;
- people get the blind indexes the services give them (``lib.blind_index``: the NIK's
  index and one ``PersonNameToken`` per word and sound of the name, and the same again
  as ``ScopedNameToken`` rows of the case's unit), so the case list's search finds a
  generated person by name and by NIK;
- every case, victim, referral and follow-up has its audit event, chained onto the
  existing chain with the production ``chain_hash``, and the sealed rows (cases,
  parties, consents, referrals) get their row seals, so ``audit_verify`` passes.

Columns the generator does not set get the field's default (or, for ``auto_now`` fields,
the end of the data), converted for the database once per table.

Distributions follow SIMFONI-PPA's national figures (see ``SIMFONI`` below): victims'
sex, forms of violence, places, age bands, the relationship to the perpetrator, several
victims or perpetrators in some cases, cases with no known perpetrator.

The load itself is not crash-safe: on SQLite it turns the journal and fsync off, and on
PostgreSQL it skips the foreign-key triggers while loading (``session_replication_role``)
since the generator makes every reference itself; unique and NOT NULL constraints still
hold. The command refuses a database with real data (see the command's help).
"""

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

BATCH = 10_000
REGISTER_PREFIX = "GEN"  # generated register numbers: GEN/<case id>

# --- SIMFONI-PPA national figures ------------------------------------------------------
# The domain notes (/work/shared/domain/README.md, "Scale"): 31,953 cases in 2024 with
# 27,666 female and 6,895 male victims (80 % / 20 %; 1.08 victims a case) and 23,019
# perpetrators (fewer than the cases: many are not known). The shares below are rounded
# from SIMFONI-PPA's public dashboard for 2024 (victims by form, place, age band and the
# perpetrator's relationship); a form is multi-select, so the weights are per form ticked.
SIMFONI: dict[str, list[tuple[Any, int]]] = {
    "victim_sex": [("P", 80), ("L", 20)],
    "forms": [
        ("SEKSUAL", 38),
        ("FISIK", 30),
        ("PSIKIS", 28),
        ("PENELANTARAN", 7),
        ("LAINNYA", 7),
        ("EKSPLOITASI", 2),
        ("TRAFFICKING", 1),
    ],
    "forms_per_case": [(1, 75), (2, 20), (3, 5)],
    "place": [
        ("RUMAH_TANGGA", 60),
        ("LAINNYA", 18),
        ("FASILITAS_UMUM", 10),
        ("SEKOLAH", 8),
        ("TEMPAT_KERJA", 3),
        ("LEMBAGA_PENDIDIKAN_KILAT", 1),
    ],
    # (lowest age, highest age), weight: 0-5, 6-12, 13-17, 18-24, 25-44, 45-59, 60+
    "age_band": [
        ((0, 5), 7),
        ((6, 12), 20),
        ((13, 17), 32),
        ((18, 24), 12),
        ((25, 44), 22),
        ((45, 59), 5),
        ((60, 85), 2),
    ],
    "relationship": [
        ("PACAR_TEMAN", 20),
        ("SUAMI_ISTRI", 18),
        ("LAINNYA", 16),
        ("ORANG_TUA", 12),
        ("KELUARGA_SAUDARA", 10),
        ("TETANGGA", 10),
        ("TIDAK_DIKETAHUI", 6),
        ("GURU", 4),
        ("REKAN_KERJA", 3),
        ("MAJIKAN", 1),
    ],
    # 1.08 victims a case; 0.72 perpetrators a case (none known in about a third).
    "victims_per_case": [(1, 93), (2, 5), (3, 2)],
    "perpetrators_per_case": [(0, 32), (1, 64), (2, 4)],
    "perpetrator_sex": [("L", 90), ("P", 10)],
}
CHANNELS = [
    ("WALK_IN", 35),
    ("PHONE", 25),
    ("THIRD_PARTY", 12),
    ("PUBLIC_PORTAL", 10),
    ("OUTREACH", 8),
    ("REFERRAL_IN", 6),
    ("LETTER", 4),
]
STATUSES = [("active", 30), ("assessed", 20), ("monitoring", 15), ("closed", 35)]
RISKS = [("HIGH", 20), ("MEDIUM", 45), ("LOW", 35)]
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
PROMOTED = {"handling", "referred", "closed"}  # a public report that became a case

# Names: common Bugis/Makassar and Indonesian given names. Three words drawn from these
# make millions of different names, so a search by a whole name finds its person.
FEMALE = """Siti Nur Andi Sri Dewi Rina Fitri Ayu Wahyuni Hasnah Nurul Rahma Sitti Hasmawati
Rosmini Indah Yuliana Kartini Masita Suryani Jumriah Hasriani Fatimah Aisyah Nurhayati
Marlina Ratna Sumarni Asmawati Irma Hartati Nurjannah Salmah Rosdiana Mariam Nirwana
Megawati Suhartini Halijah Ernawati Hamsiah Rahmawati Jusniati Musdalifah Sakinah Zahra
Annisa Putri Nabila Khadijah Syamsiah Wulandari Kasmawati Murni Darmawati Badariah""".split()  # noqa: SIM905  (word lists read better as words)
MALE = """Muhammad Andi Ahmad Abdul Rahman Syamsul Hasan Ilham Arifin Baharuddin Amiruddin
Syahrir Ismail Hamzah Zainal Rusdi Firman Hendra Agus Budi Irwan Yusuf Jufri Sudirman
Mansyur Haris Nasrullah Syarifuddin Kamaruddin Ramli Hamka Darwis Sulaiman Umar Basri
Jamaluddin Asri Faisal Rizal Taufik Akbar Sahabuddin Risal Anwar Alimuddin Fadli""".split()  # noqa: SIM905  (word lists read better as words)
FAMILY = """Lamba Daeng Mappa Latif Rauf Hamid Saleh Nasir Karim Salam Majid Patta Tahir Bakri
Amir Sahid Rasyid Syukur Arsyad Kadir Hafid Jalil Mahmud Anshar Masri Ramadhan Hakim Idris
Wahab Ghani Sanusi Rahim Jafar Makmur Mustafa Nawawi Lukman Halim Muin Tamrin Yunus Said
Mattalatta Pawelloi Bakhtiar Nurdin Hamsah Sanre Tanri Pabeta Lolo Baso Beddu Tenri""".split()  # noqa: SIM905  (word lists read better as words)


def simple_words() -> bool:
    """Whether every word the names are made of is a name token of its own (no title, no
    abbreviation, no punctuation), so that ``generate`` may index names word by word."""
    from sipakatau.lib.blind_index import name_tokens

    return all(name_tokens(word) == [word.lower()] for word in {*FEMALE, *MALE, *FAMILY})


def spread(weighted: Sequence[tuple[Any, int]]) -> list[Any]:
    """A list to ``rng.choice`` from: each value as many times as its weight."""
    return [value for value, weight in weighted for _ in range(weight)]


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
        self.model = model
        self.table = meta.db_table
        self.columns = [meta.get_field(name).column for name in fields]
        self.constants: list[Any] = []
        for model_field in meta.concrete_fields:
            if model_field.name in fields or (
                model_field.primary_key and model_field.name not in fixed
            ):
                continue
            if model_field.name in fixed:
                value = fixed[model_field.name]
            elif getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                value = now
            else:
                value = model_field.get_default()
            if value is None and not model_field.null:
                raise ValueError(f"{meta.label}.{model_field.name} needs a value")
            self.columns.append(model_field.column)
            self.constants.append(model_field.get_db_prep_save(value, connection))
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

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
        self.written += len(rows)
        return len(rows)


def database_forms(connection: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """How ``Table`` gives the database a datetime and a date: as they are to PostgreSQL,
    as UTC text to SQLite (whose adapters ``executemany`` on the raw cursor skips)."""
    if connection.vendor == "postgresql":
        return (lambda value: value), (lambda value: value)

    def when(value: datetime | None) -> Any:
        return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))

    def day(value: date | None) -> Any:
        return None if value is None else str(value)

    return when, day


def next_id(connection: Any, model: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608
        (highest,) = cursor.fetchone()
    return (highest or 0) + 1


def fast_load(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if connection.in_atomic_block:  # inside a test's transaction: as it is
                return
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


def normal_load(connection: Any, models: Iterable[Any]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if connection.in_atomic_block:
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        else:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET synchronous_commit = DEFAULT")
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)


@dataclass
class Generated:
    """What ``generate`` wrote: counts per kind, and the first generated row of each
    sealed model (to seal from there on)."""

    counts: dict[str, int] = field(default_factory=dict)
    units: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def units_for(kelurahan: int | None, one_unit: str | None, user: Any) -> list[Any]:
    """The LBK-KK units that receive cases: the existing one of each kelurahan (the demo's
    pilot units among them) or a new one, for the first ``kelurahan`` kelurahan of the
    loaded areas in code order; with ``one_unit`` (a kelurahan code), that one only."""
    from django.core.exceptions import ValidationError

    from sipakatau.accounts.models import Organisation, OrganisationType
    from sipakatau.areas.models import Area

    areas = list(Area.objects.filter(level="kelurahan").order_by("code"))
    if one_unit:
        areas = [area for area in areas if area.code == one_unit]
        if not areas:
            raise ValidationError(f"no kelurahan with the code {one_unit}")
    elif kelurahan is not None:
        if kelurahan > len(areas):
            raise ValidationError(
                f"{kelurahan} kelurahan asked for, {len(areas)} loaded (load more areas first)"
            )
        areas = areas[:kelurahan]
    units = []
    for area in areas:
        unit = (
            Organisation.objects.filter(type=OrganisationType.LBK_KK, area=area)
            .order_by("pk")
            .first()
        )
        if unit is None:
            unit = Organisation.objects.create(
                name=f"LBK-KK {area.name}",
                short_name=f"LBK-KK {area.name}"[:60],
                type=OrganisationType.LBK_KK,
                area=area,
            )
        units.append(unit)
    return units


def generate(
    n_cases: int,
    *,
    seed: int = 1,
    kelurahan: int | None = None,
    one_unit: str | None = None,
    years: int = 3,
    end: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """``n_cases`` cases spread over ``years`` years before ``end`` (default: now), over
    one LBK-KK unit per kelurahan (``kelurahan`` of them, default every loaded one; the
    Parepare areas are loaded if none are) or all in the unit of ``one_unit``'s kelurahan.
    Each case has its victims (new people, encrypted, with blind indexes) and perhaps
    perpetrators, links between them, an incident, consents (80 % of victims), a
    first-contact deadline, an assessment (80 %), follow-ups (60 %), referrals (30 %),
    an approved closure when closed, and audit events; reports from the public add 10 %.
    The same seed over the same database gives the same data (but for the ciphertexts,
    whose nonces are random). ``progress`` is called with the cases written so far."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sipakatau.accounts.models import Organisation, OrganisationType, User
    from sipakatau.areas.models import Area
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.audit.models import AuditEvent
    from sipakatau.cases.codes import ClosureReason
    from sipakatau.cases.models import (
        Assessment,
        Case,
        CaseDeadline,
        CaseParty,
        Closure,
        Consent,
        FollowUp,
        Incident,
        PerpetratorLink,
    )
    from sipakatau.directory.models import Provider, ProviderService
    from sipakatau.lib import blind_index
    from sipakatau.mechanisms.queries import active_version_for_area
    from sipakatau.people.models import Person, PersonNameToken, ScopedNameToken
    from sipakatau.public.models import PublicReport
    from sipakatau.referrals.models import Referral

    if not simple_words():
        raise ValueError("a word of the generator's names is not a plain name token")
    rng = random.Random(seed)  # noqa: S311  (made-up data, repeatable by seed)
    if not Area.objects.filter(level="kelurahan").exists():
        areas_load_parepare()
    user, _made = User.objects.get_or_create(username="generator.koordinator")
    units = units_for(kelurahan, one_unit, user)
    unit_info = [
        (unit.pk, unit.area_id, unit.area.code, _rule_set(active_version_for_area, unit.area))
        for unit in units
    ]
    city = Area.objects.filter(level="city").order_by("code").first() or units[0].area
    recipient = Organisation.objects.filter(type=OrganisationType.UPTD_PPA, area=city).order_by(
        "pk"
    ).first() or Organisation.objects.create(
        name=f"UPTD PPA {city.name}",
        short_name="UPTD PPA",
        type=OrganisationType.UPTD_PPA,
        area=city,
    )
    provider = Provider.objects.filter(organisation=recipient).first()
    if provider is None:
        provider = Provider.objects.create(name=recipient.name, organisation=recipient, area=city)
    for service in REFERRAL_SERVICES:
        ProviderService.objects.get_or_create(provider=provider, service_type=service)

    when, day = database_forms(connection)
    end = (end or timezone.now()).astimezone(UTC)
    start = end - timedelta(days=365 * years)
    span = (end - start).total_seconds()
    hour = timedelta(hours=1)
    made_at = end  # what auto_now fields say: the data is as of the end of the span

    def prep(model: Any, name: str) -> Callable[[Any], Any]:
        model_field = model._meta.get_field(name)
        return lambda value: model_field.get_db_prep_save(value, connection)

    encrypt_name = prep(Person, "name")
    encrypt_nik = prep(Person, "nik")
    encrypt_birth = prep(Person, "birth_date")
    encrypt_summary = prep(FollowUp, "summary")

    people = Table(
        connection,
        Person,
        ["id", "name", "nik", "nik_index", "sex", "birth_date", "age_estimate", "area"],
        {"has_disability": False},
        made_at,
    )
    tokens = Table(connection, PersonNameToken, ["person", "token_hash"])
    scoped_tokens = Table(connection, ScopedNameToken, ["scope", "token_hash", "person"])
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
            "rule_set",
            "assigned_to",
        ],
        {"created_by": user.pk},
        made_at,
    )
    incidents = Table(
        connection,
        Incident,
        ["case", "violence_forms", "place_type", "occurred_on", "area"],
        now=made_at,
    )
    parties = Table(
        connection, CaseParty, ["id", "case", "person", "role", "age_at_incident"], now=made_at
    )
    consents = Table(
        connection,
        Consent,
        ["id", "case", "subject", "given_at"],
        {"purpose": "STATISTICS", "method": "VERBAL_WITNESSED", "recorded_by": user.pk},
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
    follow_ups = Table(
        connection,
        FollowUp,
        ["case", "due_on", "done_at", "summary", "created_at"],
        {"assigned_to": user.pk, "created_by": user.pk},
    )
    referrals = Table(
        connection,
        Referral,
        [
            "id",
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
            "reason": "Rujukan (data buatan)",
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
            "summary": "Penutupan (data buatan)",
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
        {"pin_hash": "generated", "what_happened": "Laporan (data buatan)"},
        made_at,
    )
    audit = Table(
        connection,
        AuditEvent,
        [
            "seq",
            "occurred_at",
            "action",
            "object_type",
            "object_id",
            "fields",
            "prev_hash",
            "hash",
        ],
        {"actor_id": user.pk, "actor_label": user.username[:150], "role": "coordinator"},
    )
    tables = [
        people,
        tokens,
        scoped_tokens,
        cases,
        incidents,
        parties,
        consents,
        links,
        deadlines,
        assessments,
        follow_ups,
        referrals,
        closures,
        reports,
        audit,
    ]
    first = {
        "case": next_id(connection, Case),
        "party": next_id(connection, CaseParty),
        "consent": next_id(connection, Consent),
        "referral": next_id(connection, Referral),
        "person": next_id(connection, Person),
    }
    case_id, party_id, consent_id = first["case"], first["party"], first["consent"]
    referral_id, person_id = first["referral"], first["person"]
    public_number = PublicReport.objects.count() + 1
    chain = _Chain(user, AuditEvent)

    sexes, forms, places = (
        spread(SIMFONI["victim_sex"]),
        spread(SIMFONI["forms"]),
        spread(SIMFONI["place"]),
    )
    form_counts, age_bands = spread(SIMFONI["forms_per_case"]), spread(SIMFONI["age_band"])
    relationships = spread(SIMFONI["relationship"])
    n_victims, n_perpetrators = (
        spread(SIMFONI["victims_per_case"]),
        spread(SIMFONI["perpetrators_per_case"]),
    )
    perpetrator_sexes = spread(SIMFONI["perpetrator_sex"])
    channels, statuses, risks = spread(CHANNELS), spread(STATUSES), spread(RISKS)
    referral_statuses, public_statuses = spread(REFERRAL_STATUSES), spread(PUBLIC_STATUSES)
    reasons = list(ClosureReason.values)
    counts = dict.fromkeys(
        (
            "cases",
            "people",
            "victims",
            "perpetrators",
            "referrals",
            "follow_ups",
            "closures",
            "public_reports",
            "audit_events",
        ),
        0,
    )
    counts["units"] = len(units)
    choice, random_, uniform, randint = rng.choice, rng.random, rng.uniform, rng.randint

    name_index_cache: dict[tuple[str, str], str] = {}

    def index_term(purpose: str, value: str) -> str:
        key = (purpose, value)
        found = name_index_cache.get(key)
        if found is None:
            found = name_index_cache[key] = blind_index.index_for(purpose, value)
        return found

    sounds: dict[str, str] = {}

    def sound(word: str) -> str:
        found = sounds.get(word)
        if found is None:
            found = sounds[word] = blind_index.phonetic_key(word)
        return found

    def name_hashes(name: str) -> list[str]:
        """``blind_index.name_index_terms`` of a name of plain words (each its own
        token: ``SIMPLE_WORDS`` checks it), from cached parts: a million names would
        otherwise spend most of their time there."""
        words = name.lower().split()
        terms = {("name.token", word) for word in words}
        terms |= {("name.sound", sound(word)) for word in words}
        terms |= {("name.sound", sound(a + b)) for a, b in pairwise(words)}
        return [index_term(purpose, value) for purpose, value in sorted(terms)]

    def person(
        sex: str, age: int | None, reported: datetime, unit: int, area: int, code: str
    ) -> int:
        nonlocal person_id
        given = FEMALE if sex == "P" else MALE
        name = f"{choice(given)} {choice(given + FAMILY)} {choice(FAMILY)}"
        born = None
        nik = None
        if age is not None and random_() < 0.85:
            born = (reported - timedelta(days=365.25 * age + uniform(0, 364))).date()
            if random_() < (0.9 if age >= 17 else 0.5):
                # PP KK CC (the kecamatan of first registration) DD (+40 for women) MM YY NNNN
                region = code.replace(".", "")[:6]
                nik = (
                    f"{region}{born.day + (40 if sex == 'P' else 0):02d}{born.month:02d}"
                    f"{born.year % 100:02d}{randint(1, 9999):04d}"
                )
        people.add(
            person_id,
            encrypt_name(name),
            encrypt_nik(nik),
            blind_index.index_for("nik", nik) if nik else None,
            sex,
            encrypt_birth(born),
            age if born is None else None,
            area,
        )
        for token_hash in name_hashes(name):
            tokens.add(person_id, token_hash)
            # Each generated person is in one case: found by name from its unit.
            scoped_tokens.add(unit, token_hash, person_id)
        counts["people"] += 1
        person_id += 1
        return person_id - 1

    fast_load(connection)
    made = 0
    while made < n_cases:
        size = min(BATCH, n_cases - made)
        batch_cases: list[tuple[int, int, int, datetime]] = []
        for _ in range(size):
            unit, area, code, rule_set = choice(unit_info)
            reported = start + timedelta(seconds=random_() * span)
            status = choice(statuses)
            risk = choice(risks)
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
                f"{REGISTER_PREFIX}/{case_id}",
                unit,
                choice(channels),
                when(reported),
                when(reported),
                status,
                risk,
                when(decided),
                rule_set,
                user.pk,
            )
            chain.add(audit, reported, "case.created", "cases.case", case_id, ["channel"], when)
            incidents.add(
                case_id,
                json.dumps(sorted(set(rng.sample(forms, choice(form_counts))))),
                choice(places),
                day((reported - timedelta(days=uniform(0, 30))).date()),
                area,
            )
            victims = []
            for _victim in range(choice(n_victims)):
                low, high = choice(age_bands)
                age = randint(low, high)
                sex = choice(sexes)
                subject = person(sex, age, reported, unit, area, code)
                parties.add(party_id, case_id, subject, "VICTIM", age)
                consent = None
                if random_() < 0.8:
                    consents.add(consent_id, case_id, party_id, when(reported))
                    consent = consent_id
                    consent_id += 1
                victims.append((party_id, consent))
                party_id += 1
            counts["victims"] += len(victims)
            for _perpetrator in range(choice(n_perpetrators)):
                known_age = randint(15, 70) if random_() < 0.7 else None
                accused = person(choice(perpetrator_sexes), known_age, reported, unit, area, code)
                parties.add(party_id, case_id, accused, "PERPETRATOR", known_age)
                for victim, _consent in victims:
                    links.add(case_id, victim, party_id, choice(relationships))
                party_id += 1
                counts["perpetrators"] += 1
            deadlines.add(
                case_id,
                when(reported + 6 * hour),
                when(reported + uniform(0.5, 12) * hour) if random_() < 0.9 else None,
            )
            if random_() < 0.8:
                assessments.add(case_id, risk, when(reported + uniform(2, 96) * hour))
            if random_() < 0.6:
                for n in range(randint(1, 3)):
                    planned = reported + timedelta(days=7 * (n + 1))
                    done = planned + uniform(-24, 72) * hour
                    is_done = done < end and random_() < 0.85
                    follow_ups.add(
                        case_id,
                        day(planned.date()),
                        when(done) if is_done else None,
                        encrypt_summary("Kunjungan rumah (data buatan)" if is_done else ""),
                        when(reported + hour),
                    )
                    counts["follow_ups"] += 1
            if random_() < 0.3:
                subject, consent = victims[0]
                sent = reported + min(uniform(1, 24 * 14) * hour, (end - reported) * random_())
                state = choice(referral_statuses)
                urgency = choice(("EMERGENCY", "URGENT", "ROUTINE"))
                answered = min(sent + uniform(0.5, 72) * hour, end) if state in ANSWERED else None
                referrals.add(
                    referral_id,
                    f"{REGISTER_PREFIX}/R/{referral_id}",
                    case_id,
                    unit,
                    subject,
                    choice(REFERRAL_SERVICES),
                    urgency,
                    consent,
                    "" if consent else "UU 12/2022 Pasal 42 (data buatan)",
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
                chain.add(audit, sent, "referral.sent", "referrals.referral", referral_id, [], when)
                referral_id += 1
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
                unit, area, *_rest = choice(unit_info)
                created = start + timedelta(seconds=random_() * span)
            reports.add(
                f"GEN{public_number:09d}",
                f"generated-{public_number}",
                area,
                unit,
                random_() < 0.6,
                state,
                promoted,
                when(created),
                when(created + 24 * hour),
            )
            public_number += 1
            counts["public_reports"] += 1
        with transaction.atomic():
            for table in tables:
                table.flush()
        made += size
        counts["cases"] += size
        if progress is not None:
            progress(size)
    counts["audit_events"] = chain.written
    normal_load(connection, [Person, Case, CaseParty, Consent, Referral])
    seal_generated(
        {Case: first["case"], CaseParty: first["party"], Consent: first["consent"]}
        | {Referral: first["referral"]}
    )
    # The deadlines went in around the services, which keep the monitoring counts.
    from sipakatau.cases.deadline_tally import tally_rebuild

    tally_rebuild()
    return Generated(
        counts=counts,
        units=[unit.pk for unit in units],
        rows={table.table: table.written for table in tables},
    )


def _rule_set(active_version_for_area: Callable[[Any], Any], area: Any) -> str:
    """The rules a case of this kelurahan follows (as intake decides it)."""
    version = active_version_for_area(area)
    return version.rule_set if version is not None else "default"


class _Chain:
    """Audit events chained onto the existing chain, as ``audit.services._append`` does."""

    def __init__(self, user: Any, model: Any) -> None:
        from sipakatau.audit.services import GENESIS

        last = model.objects.order_by("-seq").only("seq", "hash").first()
        self.seq = last.seq if last else 0
        self.prev = last.hash if last else GENESIS
        self.user = user
        self.model = model
        self.written = 0

    def add(
        self,
        table: Table,
        at: datetime,
        action: str,
        object_type: str,
        object_id: int,
        fields: list[str],
        when: Callable[[datetime], Any],
    ) -> None:
        from sipakatau.audit.services import chain_hash

        self.seq += 1
        event = self.model(
            seq=self.seq,
            occurred_at=at,
            actor_id=self.user.pk,
            actor_label=self.user.username[:150],
            organisation_id=None,
            role="coordinator",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            fields=sorted(set(fields)),
            prev_hash=self.prev,
        )
        event.hash = chain_hash(self.prev, event)
        table.add(
            self.seq,
            when(at),
            action,
            object_type,
            str(object_id),
            json.dumps(event.fields),
            self.prev,
            event.hash,
        )
        self.prev = event.hash
        self.written += 1


def seal_generated(firsts: dict[Any, int], batch_size: int = 5000) -> int:
    """Row seals for the generated rows of each sealed model (those from its first
    generated primary key on), computed from the rows as stored, as ``audit.seals`` does
    after the application's own writes."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sipakatau.audit.models import RowSeal
    from sipakatau.audit.seals import _key, _selected, row_tag, sealed_fields

    key = _key()
    now = timezone.now()
    fields_of = sealed_fields()
    done = 0
    for model, first in firsts.items():
        label = model._meta.label_lower
        names = fields_of[label]
        raw, selected = _selected(model, names)
        base = model._base_manager.annotate(**raw).order_by("pk").filter(pk__gte=first)
        last = first - 1
        while True:
            rows = list(base.filter(pk__gt=last).values_list("pk", *selected)[:batch_size])
            if not rows:
                break
            seals = Table(
                connection, RowSeal, ["object_id", "tag"], {"label": label, "sealed_at": now}
            )
            for row in rows:
                seals.add(row[0], row_tag(label, row[0], names, row[1:], key))
            with transaction.atomic():
                done += seals.flush()
            last = rows[-1][0]
    return done
