"""Questionnaires (XLSForm), their flattened questions, submissions and import runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.areas.models import Area
from sipakatau.jobs.models import PreparedFile
from sipakatau.lib.fields import EncryptedJSONField, EncryptedTextField


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    ACTIVE = "ACTIVE", _("Active")
    CLOSED = "CLOSED", _("Closed")


class SubmissionSource(models.TextChoices):
    APP = "APP", _("Entered in Sipakatau")
    KOBO = "KOBO", _("KoBoToolbox")
    ODK = "ODK", _("ODK Central")


class Questionnaire(models.Model):
    """One version of an XLSForm, used for the needs mapping of one kelurahan.

    ``definition`` keeps the form as written (survey rows, choices rows, settings), so it
    can be exported back to XLSForm unchanged and read again by KoboCollect / ODK Collect.
    """

    title = models.CharField(_("title"), max_length=200)
    kelurahan = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    form_id = models.CharField(_("form ID"), max_length=100)
    version = models.CharField(_("version"), max_length=50, blank=True)
    definition = models.JSONField(default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The analyst's reading of the results, printed as "Temuan utama" in the report. About
    # groups and places, never about a respondent.
    findings = models.TextField(_("key findings"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kelurahan", "form_id", "version"], name="questionnaire_version_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A survey row that holds an answer (or a note), flattened from the group tree:
    ``path`` is its place in the answers (``group/subgroup/name``)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    path = models.CharField(max_length=400)
    type = models.CharField(max_length=30)
    list_name = models.CharField(max_length=100, blank=True)
    label = models.TextField(blank=True)
    group_path = models.CharField(max_length=300, blank=True)
    # The path of the innermost repeat it sits in ("" outside any repeat).
    repeat_path = models.CharField(max_length=300, blank=True)
    relevant = models.TextField(blank=True)
    constraint = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    # Free text (and any question the form marks as identifying) is kept encrypted.
    personal = models.BooleanField(default=False)

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "path"], name="question_path_once")
        ]

    def __str__(self) -> str:
        return self.path


class ImportStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Waiting to start")
    RUNNING = "RUNNING", _("Importing")
    DONE = "DONE", _("Finished")
    FAILED = "FAILED", _("Stopped")


class ImportFailure(models.TextChoices):
    """Why a run stopped, in words that name no value of the file."""

    UNREADABLE = "UNREADABLE", _("The file could not be read again.")
    MISSING = "MISSING", _("The uploaded file was no longer there.")
    ERROR = "ERROR", _("An unexpected error stopped the import.")


class ImportRun(models.Model):
    """One file of submissions imported; ``rejected`` names rows and reasons, never the
    values found in them. The rows are imported by a job (``mapping.tasks``): the run is
    QUEUED, then RUNNING with ``rows_done`` of ``rows_total`` counted, then DONE or FAILED."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="import_runs"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=SubmissionSource.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=12, choices=ImportFailure.choices, blank=True)
    # Set when the job claims the run and at every batch: a RUNNING run silent for long
    # (its worker died) is queued again (services.submissions_import_requeue).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ReportFile(models.Model):
    """The report of a questionnaire's analysis (PDF or XLSX, by the prepared file's
    ``kind``) that a job prepares for one reader (issue 20: a large questionnaire takes
    longer than a page may). Only says which questionnaire: the queue carries the prepared
    file's pk alone, and a job queued again after its worker died finds it here."""

    prepared_file = models.OneToOneField(
        PreparedFile, on_delete=models.CASCADE, related_name="mapping_report"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="report_files"
    )

    def __str__(self) -> str:
        return f"{self.questionnaire_id}/{self.prepared_file_id}"


class ImportFile(models.Model):
    """The uploaded file of a run until its job has read it: survey answers can name
    people, so it is kept encrypted (base64 in an encrypted text) and deleted when the run
    is finished, done or failed."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="upload")
    content = EncryptedTextField()

    def __str__(self) -> str:
        return f"{self.run_id}"


class Submission(models.Model):
    """One respondent's answers. The respondent is placed by RT/RW (and at most a plain
    household id), never by name. Coded answers (choices, numbers, dates) are kept in
    ``answers`` for analysis; free text and identifying answers only in ``private``,
    encrypted."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="submissions"
    )
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    household_id = models.PositiveIntegerField(null=True, blank=True)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=SubmissionSource.choices)
    source_key = models.CharField(max_length=100, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    answers = models.JSONField(default=dict)
    private = EncryptedJSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "source_key"],
                condition=~Q(source_key=""),
                name="submission_source_key_once",
            )
        ]
        indexes = [models.Index(fields=["questionnaire", "rw"])]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}/{self.pk}"


# --- The analysis as a job (issue 20) -------------------------------------------------------


class AnalysisStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Waiting to start")
    RUNNING = "RUNNING", _("Being prepared")
    DONE = "DONE", _("Ready")
    FAILED = "FAILED", _("Stopped")


# The statuses of a job still to finish: at most one per questionnaire.
ANALYSIS_PENDING = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)


class AnalysisSnapshot(models.Model):
    """The analysis of a questionnaire as a job made it (``mapping.tasks.analyse``):
    QUEUED, then RUNNING with ``done`` of ``total`` steps (``heartbeat_at`` moves with
    each, so a job whose worker died is queued again), then DONE with the result or
    FAILED. The analysis page shows the newest DONE one.

    ``result`` and ``crosstabs`` hold aggregates only: the tables exactly as the page
    shows them, small cells already suppressed under ``threshold`` — never an answer.
    ``submission_count`` and ``last_submission_id`` are the fingerprint of the responses
    it was computed from: a response added (a higher pk) or removed (a lower count) makes
    it out of date. Responses are never edited (no service changes ``answers``); one that
    could be would need its own change time here."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="analysis_snapshots"
    )
    # Who asked, told when it is done; the snapshot itself serves every reader.
    requested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The language of the one who asked: the job has no request to take it from, and the
    # tables' titles are words.
    language = models.CharField(max_length=10, blank=True)
    # The suppression threshold the tables were made under: a snapshot made under another
    # one is never shown (an operator who raises it must not see smaller cells again).
    threshold = models.PositiveSmallIntegerField(default=0)
    submission_count = models.PositiveIntegerField(default=0)
    last_submission_id = models.PositiveBigIntegerField(default=0)
    # What the page shows (sample, ranking, needs, questions, numbers, cross-tabs of the
    # needs, the lists to choose a cross-tab from).
    result = models.JSONField(default=dict)
    # Every choice question by every split, for the reader's own cross-tab: kept apart so
    # the page loads it only when one is asked for.
    crosstabs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two requests at once queue one job (the service also locks the questionnaire).
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(status__in=["QUEUED", "RUNNING"]),
                name="analysis_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["questionnaire", "status"], name="mapping_analysis_q_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="mapping_analysis_stuck_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}/analysis {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (AnalysisStatus.DONE, AnalysisStatus.FAILED)


# --- Data entry in the app (issue 15: "data entry on a phone") -----------------------------


class DraftStatus(models.TextChoices):
    OPEN = "OPEN", _("Draft")
    SUBMITTED = "SUBMITTED", _("Sent")


class ResponseDraft(models.Model):
    """A response being entered on a phone, one screen at a time, kept on the server after
    every screen so that a dropped network loses at most the screen being typed.

    Everything typed is encrypted (free text may name someone) until it is sent; sending
    turns it into one ``Submission`` whose ``source_key`` is ``key``, so a double tap or a
    resend stores the response once. The respondent is placed by RT/RW and at most a plain
    household id, never by name."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="drafts"
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100, unique=True)
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    household_id = models.PositiveIntegerField(_("household number"), null=True, blank=True)
    # {question path: value}; a repeat's path holds a list of {question path: value}.
    answers = EncryptedJSONField(default=dict)
    # The screen to come back to.
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=DraftStatus.choices, default=DraftStatus.OPEN)
    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["enumerator", "status"])]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}/draft {self.pk}"
