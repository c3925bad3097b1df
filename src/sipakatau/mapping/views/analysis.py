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
from ..models import AnalysisStatus, Questionnaire
from ..page_forms import FindingsForm
from ..snapshot import page_report

# Everyone who takes part in the mechanism's discussion reads the analysis (counts only);
# the fetcher decides which questionnaires (``may_read_analysis``).
READERS = tuple(sorted(TAKE_PART_IN_MECHANISMS))
# How often the page reloads itself while the analysis is being made.
REFRESH_SECONDS = 3


def _analysed(membership: Membership, pk: int) -> Questionnaire:
    """The questionnaire in scope (else 404) whose analysis the member may write (else 403)."""
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_analyse(membership, questionnaire):
        raise PermissionDenied
    return questionnaire


@staff_view(*READERS)
@require_GET
def analysis_page(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The analysis as its job made it (``AnalysisSnapshot``): a visit computes nothing.
    Out of date, it is shown with how many responses came since and a button to update
    it; none yet, or one being made, a progress bar that reloads itself."""
    questionnaire = queries.analysed_questionnaire_for(membership, pk)
    state = queries.analysis_state_for(membership, questionnaire)
    report = None
    chosen = None
    chosen_q = request.GET.get("q", "")
    chosen_by = request.GET.get("by", "")
    if state.shown is not None:
        report = page_report(state.shown.result, questionnaire.kelurahan)
        # A cross-tab of the reader's choosing: any choice question by any split, made by
        # the job with the others (``crosstabs`` is read only now).
        if chosen_q in dict(report["askable"]) and chosen_by in dict(report["dimensions"]):
            table = state.shown.crosstabs.get(chosen_q, {}).get(chosen_by)
            chosen = {"table": table} if table else None
    context = {
        "questionnaire": questionnaire,
        "state": state,
        "report": report,
        "askable": report["askable"] if report else [],
        "dimensions": report["dimensions"] if report else [],
        "chosen": chosen,
        "chosen_q": chosen_q,
        "chosen_by": chosen_by,
        "can_write_findings": queries.may_analyse(membership, questionnaire),
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "mapping/analysis.html", context)


@staff_view(*READERS)
@require_POST
def analysis_refresh(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Ask for the analysis to be made (again): its job is queued, the page shows the
    progress. Nothing new when one is waiting or the analysis is up to date."""
    questionnaire = queries.analysed_questionnaire_for(membership, pk)
    snapshot = services.analysis_snapshot_request(actor=membership, questionnaire=questionnaire)
    if snapshot.status == AnalysisStatus.DONE:
        messages.info(request, _("The analysis is already up to date."))
    else:
        messages.success(
            request,
            _(
                "The analysis is being prepared. This page shows the progress; a "
                "notification tells you when it is ready."
            ),
        )
    return redirect("mapping:analysis", pk=questionnaire.pk)


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
