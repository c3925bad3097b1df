"""Questionnaires (XLSForm), their flattened questions, submissions and import runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.lib.fields import EncryptedJSONField


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


class ImportRun(models.Model):
    """One file of submissions imported; ``rejected`` names rows and reasons, never the
    values found in them."""

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

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


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
