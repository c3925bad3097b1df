"""The diff between two versions, in words a non-technical reader follows."""

import pytest
from django.utils import translation

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import Section, Status
from sipakatau.mechanisms.diff import Change, version_diff, word_spans
from sipakatau.mechanisms.models import MechanismVersion
from sipakatau.mechanisms.queries import version_in_full
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


@pytest.fixture
def versions(staff: Persona, lurah: Persona) -> tuple[MechanismVersion, MechanismVersion]:
    """Version 1 issued, version 2 a copy of it (no changes yet)."""
    first = services.mechanism_start(actor=staff.membership, area=staff.organisation.area)
    services.version_transition(actor=staff.membership, version=first, to=Status.IN_DISCUSSION)
    services.version_transition(actor=lurah.membership, version=first, to=Status.APPROVED)
    from datetime import date

    services.decree_issue(
        actor=lurah.membership,
        version=first,
        issued_on=date(2026, 11, 2),
        signer_name="Andi Lurah",
        base_url="http://testserver",
    )
    second = services.version_new(actor=staff.membership, based_on=first)
    return first, second


def _diff(old: MechanismVersion, new: MechanismVersion) -> list[Change]:
    return version_diff(version_in_full(old), version_in_full(new))


def _update(staff: Persona, version: MechanismVersion, **changes: object) -> None:
    values: dict[str, object] = {
        f: getattr(version, f)
        for f in (
            "title",
            "considerations",
            "legal_bases",
            "reporting_schedule",
            "funding",
            "monitoring",
            "copies_to",
        )
    }
    values.update(changes)
    services.version_update(actor=staff.membership, version=version, **values)  # type: ignore[arg-type]


def test_it_finds_no_changes_in_a_copy(versions: tuple[MechanismVersion, MechanismVersion]) -> None:
    assert _diff(*versions) == []


def test_it_reports_a_changed_deadline_in_words(
    staff: Persona, versions: tuple[MechanismVersion, MechanismVersion]
) -> None:
    old, new = versions
    step = new.steps.get(action="first_contact")
    deadlines = [
        services.DeadlineInput(d.risk_level, d.amount if d.risk_level != "HIGH" else 1, d.unit)
        for d in step.deadlines.all()
    ]
    services.step_save(
        actor=staff.membership,
        version=new,
        step=step,
        title=step.title,
        description=step.description,
        responsible=step.responsible,
        action=step.action,
        trigger=step.trigger,
        escalate_to=step.escalate_to,
        deadlines=deadlines,
    )
    [change] = _diff(old, new)
    assert change.section == Section.STEP and change.kind == "changed"
    assert change.label == f"Step {step.position} · {step.title} · Deadline (high)"
    assert (change.before, change.after) == ("2 hours", "1 hour")


def test_a_step_inserted_in_the_middle_is_one_addition(
    staff: Persona, versions: tuple[MechanismVersion, MechanismVersion]
) -> None:
    old, new = versions
    services.step_save(
        actor=staff.membership,
        version=new,
        title="Kunjungan rumah oleh RT",
        description="RT mengunjungi rumah korban.",
        responsible="rt_rw",
        position=2,
    )
    changes = _diff(old, new)
    assert [(c.kind, c.label) for c in changes] == [("added", "Step 2 · Kunjungan rumah oleh RT")]
    assert "RT/RW head" in changes[0].after


def test_a_removed_step_and_a_changed_responsible(
    staff: Persona, versions: tuple[MechanismVersion, MechanismVersion]
) -> None:
    old, new = versions
    last = new.steps.order_by("-position").first()
    assert last is not None
    services.step_delete(actor=staff.membership, step=last)
    first = new.steps.get(position=1)
    services.step_save(
        actor=staff.membership,
        version=new,
        step=first,
        title=first.title,
        description=first.description,
        responsible="caseworker",
        escalate_to=first.escalate_to,
    )
    kinds = {(c.kind, c.label.split(" · ")[-1]) for c in _diff(old, new)}
    assert ("removed", last.title) in kinds
    assert ("changed", "Responsible") in kinds


def test_text_paragraphs_pathway_and_duties(
    staff: Persona, versions: tuple[MechanismVersion, MechanismVersion]
) -> None:
    old, new = versions
    _update(
        staff,
        new,
        title=new.title + " (Perubahan)",
        considerations=[*new.considerations[:1], "bahwa baru;", *new.considerations[1:]],
        legal_bases=new.legal_bases[:-1],
        funding="Dana Kelurahan 2027",
    )
    duty = new.duties.first()
    assert duty is not None
    services.duty_save(
        actor=staff.membership, version=new, duty=duty, party=duty.party, duties="Tugas baru"
    )
    entry = new.pathway.first()
    if entry is not None:
        services.pathway_entry_remove(actor=staff.membership, entry=entry)
    changes = _diff(old, new)
    found = {(c.section, c.kind) for c in changes}
    assert (Section.TITLE, "changed") in found
    assert (Section.CONSIDERATIONS, "added") in found
    assert (Section.CONSIDERATIONS, "changed") not in found  # inserted, not shifted
    assert (Section.LEGAL_BASES, "removed") in found
    assert (Section.FUNDING, "changed") in found
    assert (Section.DUTIES, "changed") in found
    added = next(c for c in changes if c.section == Section.CONSIDERATIONS)
    assert added.label == "Consideration b" and added.after == "bahwa baru;"
    if entry is not None:
        assert (Section.PATHWAY, "removed") in found


def test_word_spans_mark_only_the_changed_words() -> None:
    spans = word_spans("dalam 2 jam sejak laporan", "dalam 1 jam sejak laporan diterima")
    assert spans == [
        ("same", "dalam "),
        ("del", "2"),
        ("ins", "1"),
        ("same", " jam sejak laporan"),
        ("ins", " diterima"),
    ]
    assert "".join(t for k, t in spans if k != "del") == "dalam 1 jam sejak laporan diterima"
    assert word_spans("sama", "sama") == [("same", "sama")]
