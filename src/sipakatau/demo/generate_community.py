"""Generated community data beside the cases: the social-protection register and the
needs mapping (``manage.py generate_demo_data --households N --responses N``).

Written the way ``generate`` writes cases (``executemany`` / ``COPY`` with the
application's own encryption and blind indexes, audit events chained on):

- **households** of the kelurahan the cases were spread over, each a KK (encrypted number
  and address, its blind index) of 1-6 members (new people with encrypted names and birth
  dates, name tokens, a NIK for most adults), what DTSEN says of 70 % of them and, for a
  fifth of those listed, an enrolment in PKH;
- **proposals**: every kelurahan's monthly batch to Dinsos for the last 12 months, each
  proposing about 2 % of its households for PKH or BPNT; batches before last month
  decided (items accepted or refused), last month's entered in SIKS-NG, this month's a
  draft;
- **needs-mapping responses**: the ready questionnaire (``forms/needs_template.py``) of
  every kelurahan, open, with coded answers drawn from each question's choices and
  ranges (no free text: what a respondent writes in her own words is not made up here).
"""

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .generate import (
    FAMILY,
    FEMALE,
    MALE,
    Table,
    _Chain,
    database_forms,
    fast_load,
    next_id,
    normal_load,
)

# Shares of the generated households (see the module's docstring).
DTSEN_KNOWN = 0.7
DTSEN_LISTED = 0.8
IN_PKH = 0.2
PROPOSED_A_MONTH = 0.02
PROPOSAL_MONTHS = 12
ACCEPTED = 0.6


def generate_households(
    n_households: int,
    *,
    units: list[Any],
    user: Any,
    seed: int = 1,
    end: datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """``n_households`` households spread over the kelurahan of ``units`` (the LBK-KK
    units that registered them), with members, DTSEN knowledge and PKH enrolments, then
    every kelurahan's proposals of the last 12 months. Returns counts per kind."""
    from django.db import connection, transaction

    from sipakatau.accounts.models import Organisation, OrganisationType
    from sipakatau.areas.models import Area
    from sipakatau.audit.models import AuditEvent
    from sipakatau.lib import blind_index
    from sipakatau.people.models import Person, PersonNameToken
    from sipakatau.social.models import (
        DtsenRecord,
        Enrolment,
        Household,
        HouseholdMember,
        Programme,
    )

    rng = random.Random(seed * 7919)  # noqa: S311  (made-up data, repeatable by seed)
    when, day = database_forms(connection)
    end = end.astimezone(UTC)
    today = end.date()
    pkh = Programme.objects.get(code="PKH")

    def prep(model: Any, name: str) -> Callable[[Any], Any]:
        model_field = model._meta.get_field(name)
        return lambda value: model_field.get_db_prep_save(value, connection)

    encrypt_kk, encrypt_address = prep(Household, "kk_number"), prep(Household, "address")
    encrypt_name, encrypt_nik = prep(Person, "name"), prep(Person, "nik")
    encrypt_birth = prep(Person, "birth_date")

    homes = Table(
        connection,
        Household,
        ["id", "kk_number", "kk_index", "kelurahan", "rw", "rt", "address", "organisation"],
        {"created_by": user.pk},
        end,
    )
    people = Table(
        connection,
        Person,
        ["id", "name", "nik", "nik_index", "sex", "birth_date", "area"],
        {"has_disability": False},
        end,
    )
    tokens = Table(connection, PersonNameToken, ["person", "token_hash"])
    members = Table(
        connection,
        HouseholdMember,
        ["household", "person", "relationship", "start_date"],
        now=end,
    )
    dtsen = Table(
        connection,
        DtsenRecord,
        ["household", "status", "desil"],
        {"source": "CEK_BANSOS", "known_on": today, "recorded_by": user.pk},
        end,
    )
    enrolments = Table(
        connection,
        Enrolment,
        ["household"],
        {
            "programme": pkh.pk,
            "status": "ENROLLED",
            "source": "DATA_DINSOS",
            "known_on": today,
            "recorded_by": user.pk,
        },
        end,
    )
    audit = Table(
        connection,
        AuditEvent,
        ["seq", "occurred_at", "action", "object_type", "object_id", "fields", "prev_hash", "hash"],
        {"actor_id": user.pk, "actor_label": user.username[:150], "role": "coordinator"},
    )
    tables = [homes, people, tokens, members, dtsen, enrolments, audit]
    chain = _Chain(user, AuditEvent)
    household_id, person_id = next_id(connection, Household), next_id(connection, Person)
    first_household = household_id
    places = [(unit.pk, unit.area_id, unit.area.code.replace(".", "")[:6]) for unit in units]
    counts = dict.fromkeys(("households", "members", "dtsen", "enrolments"), 0)

    def member(sex: str, age: int, area: int, region: str) -> int:
        nonlocal person_id
        given = FEMALE if sex == "P" else MALE
        name = f"{rng.choice(given)} {rng.choice(FAMILY)}"
        born = today - timedelta(days=365 * age + rng.randint(0, 364))
        nik = None
        if age >= 17 and rng.random() < 0.9:
            nik = (
                f"{region}{born.day + (40 if sex == 'P' else 0):02d}{born.month:02d}"
                f"{born.year % 100:02d}{rng.randint(1, 9999):04d}"
            )
        people.add(
            person_id,
            encrypt_name(name),
            encrypt_nik(nik),
            blind_index.nik_index(nik) if nik else None,
            sex,
            encrypt_birth(born),
            area,
        )
        for token_hash in sorted(blind_index.name_indexes(name)):
            tokens.add(person_id, token_hash)
        person_id += 1
        return person_id - 1

    fast_load(connection)
    made = 0
    while made < n_households:
        size = min(2_000, n_households - made)
        for _ in range(size):
            unit, area, region = rng.choice(places)
            kk = f"{region}{household_id % 10**10:010d}"
            registered = end - timedelta(days=rng.uniform(0, 3 * 365))
            homes.add(
                household_id,
                encrypt_kk(kk),
                blind_index.kk_index(kk),
                area,
                f"{rng.randint(1, 9):03d}",
                f"{rng.randint(1, 12):03d}",
                encrypt_address(f"Jl. Buatan No. {rng.randint(1, 200)}"),
                unit,
            )
            chain.add(audit, registered, "household.created", "social.household", household_id,
                      ["kk_number", "kelurahan", "rw", "rt", "address"], when)  # fmt: skip
            for index in range(rng.randint(1, 6)):
                head = index == 0
                age = rng.randint(25, 80) if head else rng.randint(0, 70)
                sex = ("L" if rng.random() < 0.8 else "P") if head else rng.choice("LP")
                relationship = "KEPALA" if head else ("PASANGAN" if index == 1 else "ANAK")
                members.add(
                    household_id,
                    member(sex, age, area, region),
                    relationship,
                    day(registered.date()),
                )
                counts["members"] += 1
            if rng.random() < DTSEN_KNOWN:
                listed = rng.random() < DTSEN_LISTED
                dtsen.add(
                    household_id,
                    "LISTED" if listed else "NOT_LISTED",
                    rng.randint(1, 10) if listed else None,
                )
                counts["dtsen"] += 1
                if listed and rng.random() < IN_PKH:
                    enrolments.add(household_id)
                    counts["enrolments"] += 1
            household_id += 1
        with transaction.atomic():
            for table in tables:
                table.flush()
        made += size
        counts["households"] += size
        if progress is not None:
            progress(size)
    normal_load(connection, [Household, Person])

    city = Area.objects.get(code=".".join(units[0].area.code.split(".")[:2]))
    dinsos = (
        Organisation.objects.filter(type=OrganisationType.DINSOS, area=city).order_by("pk").first()
    )
    if dinsos is None:
        dinsos = Organisation.objects.create(
            name=f"Dinas Sosial {city.name}",
            short_name="Dinsos",
            type=OrganisationType.DINSOS,
            area=city,
        )
    counts |= _proposals(rng, units, dinsos, user, first_household, end)
    return counts


def _proposals(
    rng: random.Random,
    units: list[Any],
    dinsos: Any,
    user: Any,
    first_household: int,
    end: datetime,
) -> dict[str, int]:
    """Each kelurahan's batches of the last PROPOSAL_MONTHS months (see the module)."""
    from django.db import transaction

    from sipakatau.social.models import (
        Household,
        Programme,
        ProposalBatch,
        ProposalItem,
    )
    from sipakatau.social.services.common import cutoff_for

    programmes = list(Programme.objects.filter(code__in=("PKH", "BPNT")).order_by("code"))
    this_month = end.date().replace(day=1)
    months = [this_month]
    for _ in range(PROPOSAL_MONTHS - 1):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    counts = {"proposal_batches": 0, "proposal_items": 0}
    for unit in {unit.area_id: unit for unit in units}.values():
        households = list(
            Household.objects.filter(kelurahan_id=unit.area_id, pk__gte=first_household)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not households:
            continue
        per_month = max(1, round(len(households) * PROPOSED_A_MONTH))
        for month in months:
            if ProposalBatch.objects.filter(kelurahan_id=unit.area_id, month=month).exists():
                continue
            cutoff = cutoff_for(month)
            moment = datetime.combine(cutoff, datetime.min.time(), tzinfo=UTC)
            state = "DRAFT" if month == this_month else "INPUT_SIKS"
            state = "DITETAPKAN" if month < months[1] else state
            signed = None if state == "DRAFT" else moment
            decided = moment + timedelta(days=20) if state == "DITETAPKAN" else None
            with transaction.atomic():
                batch = ProposalBatch.objects.create(
                    kelurahan_id=unit.area_id,
                    month=month,
                    state=state,
                    cutoff_on=cutoff,
                    dinsos=dinsos,
                    organisation=unit,
                    created_by=user,
                    state_changed_at=signed or moment,
                    signed_by=user if signed else None,
                    signed_at=signed,
                    decided_by=user if decided else None,
                    decided_at=decided,
                )
                chosen = rng.sample(households, min(per_month, len(households)))
                items = []
                for household in chosen:
                    outcome = "PENDING"
                    if state == "DITETAPKAN":
                        outcome = "DITETAPKAN" if rng.random() < ACCEPTED else "DITOLAK"
                    items.append(
                        ProposalItem(
                            batch=batch,
                            household_id=household,
                            programme=rng.choice(programmes),
                            verification="LAYAK" if state != "DRAFT" else "",
                            verified_on=cutoff if state != "DRAFT" else None,
                            verified_by=user if state != "DRAFT" else None,
                            outcome=outcome,
                            decided_by=user if outcome != "PENDING" else None,
                            decided_at=batch.decided_at if outcome != "PENDING" else None,
                            added_by=user,
                        )
                    )
                ProposalItem.objects.bulk_create(items)
            counts["proposal_batches"] += 1
            counts["proposal_items"] += len(items)
    return counts


def generate_responses(
    n_responses: int,
    *,
    units: list[Any],
    user: Any,
    seed: int = 1,
    end: datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """``n_responses`` needs-mapping responses spread over the kelurahan of ``units``, to
    each kelurahan's open template questionnaire (made, open, if it has none)."""
    from django.db import connection, transaction

    from sipakatau.mapping.answers import constraint_holds
    from sipakatau.mapping.models import Questionnaire, QuestionnaireStatus, Submission
    from sipakatau.mapping.services.common import lists_of, specs_of
    from sipakatau.mapping.services.questionnaires import questionnaire_from_xlsform
    from sipakatau.mapping.xlsform import ASKED

    rng = random.Random(seed * 104729)  # noqa: S311  (made-up data, repeatable by seed)
    when, _day = database_forms(connection)
    end = end.astimezone(UTC)
    forms = []
    for unit in {unit.area_id: unit for unit in units}.values():
        questionnaire = (
            Questionnaire.objects.filter(
                kelurahan_id=unit.area_id, status=QuestionnaireStatus.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        if questionnaire is None:
            from sipakatau.mapping.forms.needs_template import build_xlsx

            with transaction.atomic():
                questionnaire = questionnaire_from_xlsform(
                    kelurahan=unit.area, organisation=unit, user=user, data=build_xlsx()
                )
                questionnaire.status = QuestionnaireStatus.ACTIVE
                questionnaire.save(update_fields=["status"])
        lists = lists_of(questionnaire)
        asked = [
            (question, [value for value, _label in lists.get(question.list_name, [])])
            for question in specs_of(questionnaire)
            if question.type in ASKED
            and question.type != "note"
            and not question.repeat_path
            and not question.personal
            and question.name not in ("rw", "rt")
        ]
        forms.append((questionnaire.pk, asked))

    def answer(question: Any, choices: list[str]) -> Any:
        if question.type == "select_one" and choices:
            return rng.choice(choices)
        if question.type == "select_multiple" and choices:
            return sorted(rng.sample(choices, rng.randint(1, min(3, len(choices)))))
        if question.type == "integer":
            for _try in range(5):
                value = rng.randint(0, 90)
                if not question.constraint or constraint_holds(question.constraint, value):
                    return value
        return None

    submissions = Table(
        connection,
        Submission,
        ["questionnaire", "rw", "rt", "enumerator", "submitted_at", "answers"],
        {"source": "APP", "private": {}},
        end,
    )
    made = 0
    fast_load(connection)
    while made < n_responses:
        size = min(5_000, n_responses - made)
        for _ in range(size):
            questionnaire_id, asked = rng.choice(forms)
            answers = {}
            for question, choices in asked:
                value = answer(question, choices)
                if value is not None:
                    answers[question.path] = value
            submissions.add(
                questionnaire_id,
                f"{rng.randint(1, 9):03d}",
                f"{rng.randint(1, 12):03d}",
                user.pk,
                when(end - timedelta(days=rng.uniform(0, 90))),
                json.dumps(answers),
            )
        with transaction.atomic():
            submissions.flush()
        made += size
        if progress is not None:
            progress(size)
    normal_load(connection, [Submission])
    return {"questionnaires": len(forms), "responses": made}
