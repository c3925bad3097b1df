"""The analysis of a questionnaire: the page the stakeholders read during the mechanism
discussion (frequencies, cross-tabs, charts, needs ranking, service gaps), the analyst's
key findings, and the report as PDF and XLSX (prepared by a job: ``services.report_files``).
Every figure is suppressed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import TAKE_PART_IN_MECHANISMS
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, services
from ..models import Questionnaire
from ..page_forms import FindingsForm
from ..presentation import build_report, crosstab_block, standard_dimensions

# Everyone who takes part in the mechanism's discussion reads the analysis (counts only);
# the fetcher decides which questionnaires (``may_read_analysis``).
READERS = tuple(sorted(TAKE_PART_IN_MECHANISMS))


def _analysed(membership: Membership, pk: int) -> Questionnaire:
    """The questionnaire in scope (else 404) whose analysis the member may write (else 403)."""
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_analyse(membership, questionnaire):
        raise PermissionDenied
    return questionnaire


@staff_view(*READERS)
@require_GET
def analysis_page(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    questionnaire = queries.analysed_questionnaire_for(membership, pk)
    analysis = queries.analysis_for(membership, questionnaire)
    report = build_report(analysis, questionnaire.kelurahan)
    # A cross-tab of the reader's choosing: any choice question by any split.
    askable = [
        (q.path, q.label or q.name)
        for q in analysis.questions
        if q.type in ("select_one", "select_multiple")
    ]
    dimensions = standard_dimensions(analysis)
    dimensions += [d for d in analysis.dimensions() if d[0] not in dict(dimensions)]
    chosen_q = request.GET.get("q", "")
    chosen_by = request.GET.get("by", "")
    chosen = None
    if chosen_q in dict(askable) and chosen_by in dict(dimensions):
        chosen = crosstab_block(analysis, chosen_q, chosen_by, report.limit)
    context = {
        "questionnaire": questionnaire,
        "report": report,
        "askable": askable,
        "dimensions": dimensions,
        "chosen": chosen,
        "chosen_q": chosen_q,
        "chosen_by": chosen_by,
        "can_write_findings": queries.may_analyse(membership, questionnaire),
    }
    return render(request, "mapping/analysis.html", context)


@staff_view(*queries.WORK_ON_MAPPING)
@require_http_methods(["GET", "POST"])
def findings_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    questionnaire = _analysed(membership, pk)
    form = FindingsForm(request.POST or None, initial={"findings": questionnaire.findings})
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_findings_save(
                actor=membership,
                questionnaire=questionnaire,
                findings=form.cleaned_data["findings"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The key findings are saved."))
            return redirect("mapping:analysis", pk=questionnaire.pk)
    return render(
        request, "mapping/findings_form.html", {"questionnaire": questionnaire, "form": form}
    )


def _report_file(request: HttpRequest, membership: Membership, pk: int, fmt: str) -> HttpResponse:
    """POST: the report is prepared by a job (a large questionnaire takes longer than a page
    may); the reader waits on its page or comes back when told. GET (an old link or
    bookmark) builds nothing: back to the analysis page, where the buttons are."""
    questionnaire = queries.analysed_questionnaire_for(membership, pk)
    if request.method != "POST":
        messages.info(request, _("Press the button to have the report prepared as a file."))
        return redirect("mapping:analysis", pk=questionnaire.pk)
    prepared = services.analysis_report_request(
        actor=membership, questionnaire=questionnaire, fmt=fmt
    )
    return redirect("jobs:file_detail", pk=prepared.pk)


@staff_view(*READERS)
@require_http_methods(["GET", "POST"])
def report_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _report_file(request, membership, pk, "pdf")


@staff_view(*READERS)
@require_http_methods(["GET", "POST"])
def report_xlsx(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _report_file(request, membership, pk, "xlsx")


@staff_view(*queries.WORK_ON_MAPPING)
@require_POST
def gaps_report(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The service gaps become a request to the directory's keepers (administrators)."""
    questionnaire = _analysed(membership, pk)
    try:
        services.gaps_report_to_directory(actor=membership, questionnaire=questionnaire)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The directory's keepers were asked to find providers."))
    return redirect(reverse("mapping:analysis", args=[questionnaire.pk]) + "#gaps")
