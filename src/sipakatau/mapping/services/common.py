"""What the mapping services share."""

from django.core.exceptions import PermissionDenied

from ..models import Question, Questionnaire
from ..xlsform import FormDefinition, QuestionSpec, choice_lists


def require(allowed: bool) -> None:
    """Refuse with 403 inside a service; pages and API have answered 404 already for
    anything out of scope (the fetchers in queries.py), so this guards the verb."""
    if not allowed:
        raise PermissionDenied


def specs_of(questionnaire: Questionnaire) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            order=q.order,
            name=q.name,
            path=q.path,
            type=q.type,
            list_name=q.list_name,
            label=q.label,
            group_path=q.group_path,
            repeat_path=q.repeat_path,
            relevant=q.relevant,
            constraint=q.constraint,
            required=q.required,
            personal=q.personal,
        )
        for q in Question.objects.filter(questionnaire=questionnaire).order_by("order")
    ]


def lists_of(questionnaire: Questionnaire) -> dict[str, list[tuple[str, str]]]:
    return choice_lists(FormDefinition.from_json(questionnaire.definition))
