"""Civil documents per person, and the help given to get them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.lib.fields import EncryptedTextField
from sipakatau.people.models import Person

from ..codes import DocumentKind, DocumentStatus, HelpOutcome

User = settings.AUTH_USER_MODEL


class CivilDocument(models.Model):
    """What is known now of one document of one person (the audit trail keeps the
    changes). Missing documents block everything else, so they are screened for."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="civil_documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices)
    # BPJS Kesehatan only: paid by the state (PBI-JK) or not; NULL when not known.
    is_pbi = models.BooleanField(_("paid by the state (PBI)"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_document_row_per_kind")
        ]
        verbose_name = _("civil document")
        verbose_name_plural = _("civil documents")

    def __str__(self) -> str:
        return f"{self.kind} of person #{self.person_id}: {self.status}"


class DocumentHelp(models.Model):
    """Help given to get a document (e.g. accompanied to Disdukcapil), and its outcome."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="document_help")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    # Free text about a person's errands: encrypted.
    help_given = EncryptedTextField(_("help given"))
    helped_on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=HelpOutcome.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-helped_on", "-pk"]
        verbose_name = _("help with a document")

    def __str__(self) -> str:
        return f"help with {self.kind} for person #{self.person_id}"
