"""Needs-mapping pages: the questionnaire list and page, a form uploaded or made from the
template, its XLSForm export, opening and closing it, and importing submissions from
KoBoToolbox / ODK Central with the page that lists the rows refused and why."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, services, xlsform
from ..models import Questionnaire, QuestionnaireStatus
from ..page_forms import SubmissionsUploadForm, XlsformUploadForm
from ..services.questionnaires import MOVES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How many import runs the questionnaire page lists (the newest).
RUNS_SHOWN = 10


def _to(questionnaire: Questionnaire) -> HttpResponse:
    return redirect("mapping:questionnaire_detail", pk=questionnaire.pk)


@staff_view(*queries.WORK_ON_MAPPING)
@require_GET
def questionnaire_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    questionnaires = queries.questionnaires_with_counts(membership)
    can_manage = queries.may_manage_questionnaires(membership, queries.kelurahan_of(membership))
    return render(
        request,
        "mapping/questionnaire_list.html",
        {"questionnaires": questionnaires, "can_manage": can_manage},
    )


@staff_view(*queries.WORK_ON_MAPPING)
@require_GET
def questionnaire_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(membership, pk)
    can_manage = queries.may_manage_questionnaires(membership, questionnaire.kelurahan)
    can_analyse = queries.may_analyse(membership, questionnaire)
    moves = MOVES.get(QuestionnaireStatus(questionnaire.status), set()) if can_manage else set()
    context = {
        "questionnaire": questionnaire,
        "questions": list(questionnaire.questions.exclude(type__in=_METADATA_TYPES)),
        "submission_count": questionnaire.submissions.count(),
        "runs": list(queries.import_runs_visible_to(membership, questionnaire)[:RUNS_SHOWN]),
        "can_manage": can_manage,
        "can_analyse": can_analyse,
        "can_import": queries.may_import_submissions(membership, questionnaire),
        "can_open": QuestionnaireStatus.ACTIVE in moves,
        "can_close": QuestionnaireStatus.CLOSED in moves,
    }
    return render(request, "mapping/questionnaire_detail.html", context)


# Filled in by the collecting app: kept in the form, not listed among its questions.
_METADATA_TYPES = sorted(xlsform.METADATA)


@staff_view(*queries.ANALYSE_MAPPING)
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not queries.may_manage_questionnaires(membership, queries.kelurahan_of(membership)):
        raise PermissionDenied
    form = XlsformUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            questionnaire = services.questionnaire_import(
                actor=membership,
                data=upload.read(),
                file_name=upload.name or "",
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The form is in, as a draft. Check its questions, then open it for answers."),
            )
            return _to(questionnaire)
    return render(request, "mapping/questionnaire_upload.html", {"form": form})


@staff_view(*queries.ANALYSE_MAPPING)
@require_POST
def questionnaire_from_template(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not queries.may_manage_questionnaires(membership, queries.kelurahan_of(membership)):
        raise PermissionDenied
    try:
        questionnaire = services.questionnaire_load_template(actor=membership)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("mapping:questionnaire_list")
    messages.success(request, _("The template questionnaire is in, as a draft."))
    return _to(questionnaire)


@staff_view(*queries.WORK_ON_MAPPING)
@require_POST
def questionnaire_status(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Open a draft for answers (publish), close an open one, open a closed one again."""
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_manage_questionnaires(membership, questionnaire.kelurahan):
        raise PermissionDenied
    wanted = request.POST.get("status", "")
    if wanted not in QuestionnaireStatus.values:
        messages.error(request, _("Choose what to do with the questionnaire."))
        return _to(questionnaire)
    try:
        services.questionnaire_set_status(
            actor=membership, questionnaire=questionnaire, status=wanted
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        done = {
            QuestionnaireStatus.ACTIVE: _("The questionnaire is open: enumerators can fill it."),
            QuestionnaireStatus.CLOSED: _("The questionnaire is closed: no new answers."),
        }
        messages.success(request, done.get(QuestionnaireStatus(wanted), _("Saved.")))
    return _to(questionnaire)


@staff_view(*queries.WORK_ON_MAPPING)
@require_GET
def questionnaire_export(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The form as XLSForm, for KoboCollect / ODK Collect."""
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_analyse(membership, questionnaire):
        raise PermissionDenied
    data = services.questionnaire_export(actor=membership, questionnaire=questionnaire)
    name = "-".join(p for p in (questionnaire.form_id, questionnaire.version) if p) or "form"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_safe(name)}.xlsx"'
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:80]


@staff_view(*queries.WORK_ON_MAPPING)
@require_http_methods(["GET", "POST"])
def submissions_upload(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_analyse(membership, questionnaire):
        raise PermissionDenied
    if not queries.may_import_submissions(membership, questionnaire):
        messages.error(request, _("Open the questionnaire first: a draft takes no answers."))
        return _to(questionnaire)
    form = SubmissionsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.submissions_import(
                actor=membership,
                questionnaire=questionnaire,
                data=upload.read(),
                file_name=upload.name or "",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The file is in. Its rows are imported in the background."))
            return redirect("mapping:import_run_detail", pk=run.pk)
    return render(
        request,
        "mapping/submissions_upload.html",
        {"questionnaire": questionnaire, "form": form},
    )


@staff_view(*queries.WORK_ON_MAPPING)
@require_GET
def import_run_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The result of an import, or while its job runs, a progress bar on a page that
    reloads itself every few seconds (no JavaScript) until the run is finished."""
    run = queries.import_run_for(membership, pk)
    return render(
        request,
        "mapping/import_run_detail.html",
        {"run": run, "questionnaire": run.questionnaire, "refresh_seconds": REFRESH_SECONDS},
    )


# How often the page of an unfinished import reloads itself.
REFRESH_SECONDS = 3
