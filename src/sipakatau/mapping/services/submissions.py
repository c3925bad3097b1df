"""Submissions: imported from KoBoToolbox / ODK Central, or entered in the app."""

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit

from .. import kobo
from ..answers import coerce
from ..models import ImportRun, Questionnaire, Submission, SubmissionSource
from ..queries import may_enter_response, may_import_submissions
from .common import lists_of, require, specs_of

# The report keeps at most this many rejected rows: enough to fix a file, not a copy of it.
MAX_REJECTED_LISTED = 500


@transaction.atomic
def submissions_import(
    *, actor: Membership, questionnaire: Questionnaire, data: bytes, file_name: str
) -> ImportRun:
    """Every acceptable row of the file as a submission; rows already imported (same key)
    are counted, not duplicated; rejected rows listed with their reasons."""
    require(may_import_submissions(actor, questionnaire))
    try:
        table = kobo.read_table(data, file_name)
    except kobo.ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    questions = specs_of(questionnaire)
    known = set(
        Submission.objects.filter(questionnaire=questionnaire)
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )
    run = ImportRun.objects.create(
        questionnaire=questionnaire,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        source=table.source,
        imported_by=actor.user,
    )
    new: list[Submission] = []
    rejected: list[dict[str, Any]] = []
    duplicates = 0
    now = timezone.now()
    for row in kobo.rows(table, questions, lists_of(questionnaire)):
        if row.reasons:
            rejected.append({"row": row.number, "reasons": row.reasons})
            continue
        if row.key in known:
            duplicates += 1
            continue
        known.add(row.key)
        new.append(
            Submission(
                questionnaire=questionnaire,
                rw=row.rw,
                rt=row.rt,
                submitted_at=row.submitted_at or now,
                source=table.source,
                source_key=row.key,
                import_run=run,
                answers=row.answers,
                private=row.private,
            )
        )
    Submission.objects.bulk_create(new, batch_size=500)
    run.rows_total = len(table.rows)
    run.rows_created = len(new)
    run.rows_duplicate = duplicates
    run.rows_rejected = len(rejected)
    run.rejected = rejected[:MAX_REJECTED_LISTED]
    run.save()
    audit.log(actor, "mapping.submissions_imported", run, fields=["answers", "private"])
    return run


@transaction.atomic
def submission_record(
    *,
    actor: Membership,
    questionnaire: Questionnaire,
    rw: str,
    rt: str,
    answers: dict[str, Any],
    household_id: int | None = None,
    key: str = "",
) -> Submission:
    """One respondent's answers entered in the app (``key`` makes a resend harmless)."""
    require(may_enter_response(actor, questionnaire))
    if key:
        existing = Submission.objects.filter(questionnaire=questionnaire, source_key=key).first()
        if existing is not None:
            return existing
    errors: list[str] = []
    coded: dict[str, Any] = {}
    private: dict[str, Any] = {}
    lists = lists_of(questionnaire)
    questions = specs_of(questionnaire)
    # The form's own RW/RT questions (the template's lokasi/rw, lokasi/rt) take the place.
    answers = dict(answers)
    for question in questions:
        if question.name in ("rw", "rt") and question.path not in answers:
            answers[question.path] = rw if question.name == "rw" else rt
    for question in questions:
        if question.type not in kobo.ASKED or question.type == "note" or question.repeat_path:
            continue
        items = lists.get(question.list_name, [])
        raw = answers.get(question.path, "")
        checked = coerce(
            question,
            raw if isinstance(raw, list) else str(raw if raw is not None else ""),
            dict(items),
            {label.lower(): value for value, label in items},
        )
        if checked.reason:
            errors.append(checked.reason)
        elif checked.value not in (None, []):
            (private if question.personal else coded)[question.path] = checked.value
    rw_code, rt_code = kobo._rt_rw(str(rw)), kobo._rt_rw(str(rt))
    if not rw_code or not rt_code:
        errors.append(_("Write the RT and RW numbers."))
    if errors:
        raise ValidationError(errors)
    submission = Submission.objects.create(
        questionnaire=questionnaire,
        rw=rw_code,
        rt=rt_code,
        household_id=household_id,
        enumerator=actor.user,
        submitted_at=timezone.now(),
        source=SubmissionSource.APP,
        source_key=key[:100],
        answers=coded,
        private=private,
    )
    audit.log(actor, "mapping.submission_recorded", submission, fields=["answers", "private"])
    return submission
