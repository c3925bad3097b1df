"""A file that a job prepares for one person: the generic half of every export that is
too slow to build while she waits (the referral inbox CSV, …). The app that asks for it
says what is built (its own job function, ``task``); this row carries the progress, the
file (encrypted, until she downloads it or it expires) and whose it is."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership
from sipakatau.lib.fields import EncryptedTextField

# The kinds whose progress counts steps of the work (the answers read, the tables
# counted, the file drawn), not rows of the file: their page says "2 of 3 steps done".
# An app adds its kinds when it loads (``AppConfig.ready``).
COUNTED_IN_STEPS: set[str] = set()


class FileStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Waiting")
    RUNNING = "RUNNING", _("Being prepared")
    DONE = "DONE", _("Ready")
    FAILED = "FAILED", _("Stopped")


class PreparedFile(models.Model):
    """QUEUED, then RUNNING with ``done`` of ``total`` counted (``heartbeat_at`` moves with
    each step, so a run whose worker died is found and queued again), then DONE with the
    file or FAILED. Only the membership that asked reaches it (``queries.prepared_file_for``);
    the file is deleted when she downloads it or when it expires, the row stays as a record
    that names no value."""

    kind = models.CharField(max_length=40)  # what is prepared: "referrals.inbox_csv", …
    task = models.CharField(max_length=200)  # the job's function, queued again if stuck
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=FileStatus.choices, default=FileStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The language she used when she asked: the job has no request to take it from.
    language = models.CharField(max_length=10, blank=True)
    file_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    # The file, base64 in an encrypted text: an export names people.
    content = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # When the file itself was deleted (downloaded or expired); the row stays.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="jobs_file_status_idx")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (FileStatus.DONE, FileStatus.FAILED)

    @property
    def counted_in_steps(self) -> bool:
        return self.kind in COUNTED_IN_STEPS

    @property
    def ready(self) -> bool:
        """DONE and not yet downloaded or expired (read without the file itself)."""
        return (
            self.status == FileStatus.DONE
            and self.deleted_at is None
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
