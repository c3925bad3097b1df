"""Civil documents of a person, and the help given to get them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.people.models import Person

from ..codes import BPJS_STATUSES, PAPER_STATUSES, DocumentKind, HelpOutcome
from ..models import CivilDocument, DocumentHelp
from ..queries import may_record_documents
from .common import require


@transaction.atomic
def document_record(
    *,
    actor: Membership,
    person: Person,
    kind: str,
    status: str,
    is_pbi: bool | None = None,
) -> CivilDocument:
    """What is known now of one document; BPJS Kesehatan is active, inactive or none,
    and paid by the state (PBI) or not."""
    require(may_record_documents(actor, person.pk))
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the document from the list.")})
    allowed = BPJS_STATUSES if kind == DocumentKind.BPJS_KESEHATAN else PAPER_STATUSES
    if status not in allowed:
        raise ValidationError({"status": _("Choose the status from the list.")})
    if kind != DocumentKind.BPJS_KESEHATAN:
        is_pbi = None
    document, created = CivilDocument.objects.select_for_update().get_or_create(
        person=person,
        kind=kind,
        defaults={"status": status, "is_pbi": is_pbi, "recorded_by": actor.user},
    )
    if not created:
        document.status, document.is_pbi, document.recorded_by = status, is_pbi, actor.user
        document.save(update_fields=["status", "is_pbi", "recorded_by", "updated_at"])
    audit.log(
        actor,
        "civil_document.recorded" if created else "civil_document.changed",
        document,
        fields=["kind", "status", "is_pbi"],
    )
    return document


@transaction.atomic
def document_help_record(
    *,
    actor: Membership,
    person: Person,
    kind: str,
    help_given: str,
    helped_on: date,
    outcome: str,
) -> DocumentHelp:
    """E.g. "accompanied to Disdukcapil", on a date, with its outcome."""
    require(may_record_documents(actor, person.pk))
    errors: dict[str, str] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose the document from the list.")
    if not help_given.strip():
        errors["help_given"] = _("Write what help was given.")
    if helped_on > timezone.localdate():
        errors["helped_on"] = _("The date cannot be in the future.")
    if outcome not in HelpOutcome.values:
        errors["outcome"] = _("Choose the outcome from the list.")
    if errors:
        raise ValidationError(errors)
    help_row = DocumentHelp.objects.create(
        person=person,
        kind=kind,
        help_given=help_given.strip(),
        helped_on=helped_on,
        outcome=outcome,
        recorded_by=actor.user,
    )
    audit.log(
        actor,
        "document_help.recorded",
        help_row,
        fields=["kind", "help_given", "helped_on", "outcome"],
    )
    return help_row
