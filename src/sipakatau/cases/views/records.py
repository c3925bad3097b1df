"""Small forms on a case: classification, assessment, consent, plan, follow-ups, notes,
files. Each: scoped fetch → form → service → redirect to its section of the case page."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries
from ..codes import PartyRole
from ..forms.records import (
    AssessmentForm,
    AttachmentForm,
    ClassificationForm,
    ConsentAddForm,
    ConsentWithdrawForm,
    FollowUpPlanForm,
    FollowUpRecordForm,
    NoteForm,
    PlanItemForm,
    PlanItemStatusForm,
    answers_point_to_sexual_violence,
)
from ..models import Case
from ..services import care, classification
from ..services.consents import consents_record
from .common import require, to_case
from .intake import consent_given

DOWNLOAD_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _page(
    request: HttpRequest,
    case: Case,
    form: Form,
    *,
    title: str,
    submit: str,
    section: str,
    **extra: Any,
) -> HttpResponse:
    template = extra.pop("template", "cases/form_page.html")
    context = {
        "case": case,
        "form": form,
        "title": title,
        "submit": submit,
        "section": section,
        **extra,
    }
    return render(request, template, context)


@staff_view()
@require_http_methods(["GET", "POST"])
def case_classify(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    incident = queries.incident_of(case)
    initial: dict[str, Any] = {}
    if incident is not None:
        initial = {
            "goods_exchanged": "yes" if incident.goods_exchanged else "no",
            "abduction": "yes" if incident.abduction else "no",
            "tpks_offences": incident.tpks_offences,
        }
    already_sexual = incident is not None and incident.is_sexual_violence
    data = request.POST if request.method == "POST" else None
    sexual = already_sexual or (data is not None and answers_point_to_sexual_violence(data))
    form = ClassificationForm(data, sexual=sexual, initial=initial)
    if data is not None and form.is_valid():
        if sexual and not form.cleaned_data.get("with_sexual"):
            # The answers point to sexual violence: ask its few extra questions first,
            # keeping the answers given.
            messages.info(
                request,
                _("Your answers point to sexual violence. Please answer a few more questions."),
            )
            again = data.copy()
            again["with_sexual"] = "True"
            form = ClassificationForm(again, sexual=True, initial=initial)
        else:
            try:
                classification.incident_classify(
                    actor=membership, case=case, **form.service_values()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The classification is saved."))
                return to_case(case, "incident")
    return _page(
        request,
        case,
        form,
        title=_("What happened: GBVIMS questions"),
        submit=_("Save the classification"),
        section="incident",
        intro=_(
            "Answer each question with yes or no, in this order. Ask only about what was done."
        ),
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def assessment_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            care.assessment_record(actor=membership, case=case, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The assessment is saved."))
            return to_case(case, "assessments")
    return _page(
        request,
        case,
        form,
        title=_("Risk and needs"),
        submit=_("Save the assessment"),
        section="assessments",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(
        membership, pk, record_read=True, sections=["parties", "consents"]
    )
    parties = queries.parties_of(case)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ConsentAddForm(
        data,
        files,
        victims=parties.filter(role=PartyRole.VICTIM),
        others=list(parties.exclude(role=PartyRole.VICTIM)),
    )
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            consents_record(
                actor=membership,
                case=case,
                subjects=[values["subject"]],
                purpose=values["purpose"],
                recipient_type=values.get("recipient_type", ""),
                given=consent_given(form),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The consent is saved."))
            return to_case(case, "consents")
    return _page(
        request,
        case,
        form,
        title=_("Record consent"),
        submit=_("Save the consent"),
        section="consents",
        multipart=True,
    )


@staff_view()
@require_POST
def consent_withdraw(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    consent = queries.consent_for(membership, pk)
    form = ConsentWithdrawForm(request.POST)
    form.is_valid()
    try:
        care.consent_withdraw(
            actor=membership, consent=consent, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The consent is withdrawn."))
    return to_case(consent.case, "consents")


@staff_view()
@require_http_methods(["GET", "POST"])
def plan_item_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    form = PlanItemForm(request.POST or None, workers=queries.plan_item_owners(case))
    if request.method == "POST" and form.is_valid():
        try:
            care.plan_item_add(actor=membership, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The service is added to the plan."))
            return to_case(case, "plan")
    return _page(
        request, case, form, title=_("Add to the service plan"), submit=_("Add"), section="plan"
    )


@staff_view()
@require_POST
def plan_item_status(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = queries.plan_item_for(membership, pk)
    require(queries.may_manage(membership, item.case))
    form = PlanItemStatusForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            care.plan_item_set_status(
                actor=membership, item=item, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return to_case(item.case, "plan")


@staff_view()
@require_http_methods(["GET", "POST"])
def follow_up_plan(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    form = FollowUpPlanForm(request.POST or None, workers=queries.follow_up_assignees(case))
    if request.method == "POST" and form.is_valid():
        try:
            care.follow_up_plan(actor=membership, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is planned."))
            return to_case(case, "follow-ups")
    return _page(
        request, case, form, title=_("Plan a follow-up"), submit=_("Plan it"), section="follow-ups"
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """One follow-up, and recording it: the only page of the case that a volunteer with
    just this follow-up may open."""
    follow_up = queries.follow_up_for(membership, pk, record_read=True)
    case = follow_up.case
    form = FollowUpRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            care.follow_up_record(
                actor=membership, follow_up=follow_up, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is recorded. Thank you."))
            if queries.case_can_be_browsed(membership, case):
                return to_case(case, "follow-ups")
            return redirect("cases:follow_up_list")
    return render(
        request,
        "cases/follow_up_detail.html",
        {
            "case": case,
            "follow_up": follow_up,
            "form": form,
            "can_browse": queries.case_can_be_browsed(membership, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            care.note_add(actor=membership, case=case, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The note is saved."))
            return to_case(case, "notes")
    return _page(
        request, case, form, title=_("Add a note"), submit=_("Save the note"), section="notes"
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = AttachmentForm(data, files)
    if data is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            care.attachment_add(
                actor=membership,
                case=case,
                title=form.cleaned_data["title"],
                filename=upload.name or "",
                data=upload.read(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The file is saved."))
            return to_case(case, "files")
    return _page(
        request,
        case,
        form,
        title=_("Add a file"),
        submit=_("Upload"),
        section="files",
        multipart=True,
        intro=_("Location and camera details are removed from photos before they are stored."),
    )


@staff_view()
@require_GET
def attachment_download(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    attachment = queries.attachment_for(membership, pk, record_read=True)
    data = care.attachment_bytes(attachment)
    response = HttpResponse(data, content_type=attachment.content_type)
    # A neutral file name: the title may name the person, and file names end up in a
    # phone's download list.
    extension = DOWNLOAD_EXTENSIONS.get(attachment.content_type, "bin")
    response["Content-Disposition"] = (
        f'attachment; filename="sipakatau-{attachment.pk}.{extension}"'
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
