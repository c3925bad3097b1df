"""Questionnaires: import an XLSForm, load the template, open and close."""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation, User
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit

from ..models import Question, Questionnaire, QuestionnaireStatus
from ..queries import kelurahan_of, may_manage_questionnaires
from ..xlsform import FormDefinition, FormError, QuestionSpec, parse
from .common import require

# Which status may follow which: a draft is opened, an open one closed, a closed one
# opened again (an extra round of visits).
MOVES = {
    QuestionnaireStatus.DRAFT: {QuestionnaireStatus.ACTIVE},
    QuestionnaireStatus.ACTIVE: {QuestionnaireStatus.CLOSED},
    QuestionnaireStatus.CLOSED: {QuestionnaireStatus.ACTIVE},
}


@transaction.atomic
def questionnaire_import(
    *, actor: Membership, data: bytes, file_name: str = "", title: str = ""
) -> Questionnaire:
    """An XLSForm as a draft questionnaire of the actor's kelurahan. FormError (a
    ValidationError for the caller) when the form is not one the app can use."""
    kelurahan = kelurahan_of(actor)
    require(may_manage_questionnaires(actor, kelurahan))
    assert kelurahan is not None
    try:
        definition, questions, _warnings = parse(data)
    except FormError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    form_id = definition.form_id or stem or "form"
    if Questionnaire.objects.filter(
        kelurahan=kelurahan, form_id=form_id, version=definition.version
    ).exists():
        raise ValidationError(
            {
                "file": [
                    _(
                        "This form (same form_id and version) is already here. "
                        "Change the version in the settings sheet to add it again."
                    )
                ]
            }
        )
    # The title comes from the API's multipart form or from the file: no NUL (a page's
    # form refuses one; PostgreSQL cannot store one).
    try:
        for text in (title, definition.title, form_id, definition.version):
            ProhibitNullCharactersValidator()(text or "")
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from error
    questionnaire = _questionnaire_create(
        kelurahan=kelurahan,
        organisation=actor.organisation,
        user=actor.user,
        definition=definition,
        questions=questions,
        title=(title or definition.title or form_id),
        form_id=form_id,
    )
    audit.log(actor, "questionnaire.imported", questionnaire, fields=["definition"])
    return questionnaire


def questionnaire_load_template(*, actor: Membership) -> Questionnaire:
    """The ready needs-mapping questionnaire (forms/needs_template.py) for the kelurahan."""
    from ..forms.needs_template import build_xlsx

    return questionnaire_import(actor=actor, data=build_xlsx(), file_name="pemetaan.xlsx")


def questionnaire_from_xlsform(
    *, kelurahan: Area, organisation: Organisation, user: User, data: bytes
) -> Questionnaire:
    """A draft questionnaire of ``kelurahan`` from an XLSForm the caller trusts, with no
    permission check and no audit event: for generated demo and benchmark data only
    (``sipakatau.demo.generate_community``); people's forms go through
    ``questionnaire_import``."""
    definition, questions, _warnings = parse(data)
    form_id = definition.form_id or "form"
    return _questionnaire_create(
        kelurahan=kelurahan,
        organisation=organisation,
        user=user,
        definition=definition,
        questions=questions,
        title=definition.title or form_id,
        form_id=form_id,
    )


def _questionnaire_create(
    *,
    kelurahan: Area,
    organisation: Organisation,
    user: User,
    definition: FormDefinition,
    questions: list[QuestionSpec],
    title: str,
    form_id: str,
) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        title=title[:200],
        kelurahan=kelurahan,
        organisation=organisation,
        form_id=form_id[:100],
        version=definition.version[:50],
        definition=definition.as_json(),
        created_by=user,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            order=q.order,
            name=q.name[:100],
            path=q.path[:400],
            type=q.type,
            list_name=q.list_name[:100],
            label=q.label,
            group_path=q.group_path[:300],
            repeat_path=q.repeat_path[:300],
            relevant=q.relevant,
            constraint=q.constraint,
            required=q.required,
            personal=q.personal,
        )
        for q in questions
    )
    return questionnaire


@transaction.atomic
def questionnaire_set_status(
    *, actor: Membership, questionnaire: Questionnaire, status: str
) -> Questionnaire:
    questionnaire = (
        Questionnaire.objects.select_for_update()
        .select_related("kelurahan")
        .get(pk=questionnaire.pk)
    )
    require(may_manage_questionnaires(actor, questionnaire.kelurahan))
    if status not in MOVES.get(QuestionnaireStatus(questionnaire.status), set()):
        raise ValidationError(_("The questionnaire cannot move to that status from where it is."))
    questionnaire.status = status
    questionnaire.save(update_fields=["status"])
    audit.log(actor, f"questionnaire.{status.lower()}", questionnaire, fields=["status"])
    return questionnaire


def questionnaire_export(*, actor: Membership, questionnaire: Questionnaire) -> bytes:
    """The form back as XLSForm (.xlsx), recorded as an export."""
    from ..queries import may_analyse
    from ..xlsform import FormDefinition, export_xlsx

    require(may_analyse(actor, questionnaire))
    data = export_xlsx(FormDefinition.from_json(questionnaire.definition))
    audit.log(actor, "questionnaire.exported", questionnaire, fields=["definition"])
    return data
