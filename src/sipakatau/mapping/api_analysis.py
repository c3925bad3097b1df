"""The needs-mapping API beyond the list: one questionnaire, XLSForm upload and export,
opening and closing, submissions import, and the analysis (suppressed, as printed) and its
report as a file prepared by a job.
Endpoints on the router of ``api.py``; out of scope answers 404, a verb the member may not
use 403, a refused file 422 with the reason."""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Schema, Status, UploadedFile

from sipakatau.accounts.access import acting
from sipakatau.jobs.api import file_out
from sipakatau.lib.uploads import max_upload_bytes

from . import queries, services
from .api import router
from .models import AnalysisSnapshot, ImportRun, Questionnaire
from .snapshot import page_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatusIn(Schema):
    status: str


class ReportFileIn(Schema):
    format: Literal["pdf", "xlsx"]


def _read(file: UploadedFile) -> bytes:
    # One byte over the limit is enough to refuse; the rest is never read into memory.
    data = file.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise ValidationError({"file": _("The file is too big.")})
    return data


def _questionnaire(q: Questionnaire, *, with_questions: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": q.pk,
        "title": q.title,
        "kelurahan": q.kelurahan.code,
        "form_id": q.form_id,
        "version": q.version,
        "status": q.status,
        "created_at": q.created_at,
    }
    if with_questions:
        out["questions"] = [
            {
                "path": question.path,
                "name": question.name,
                "type": question.type,
                "list_name": question.list_name,
                "label": question.label,
                "required": question.required,
                "relevant": question.relevant,
                "constraint": question.constraint,
                "repeat": question.repeat_path,
            }
            for question in q.questions.all()
        ]
    return out


def _run(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "url": reverse("api:mapping_import_detail", args=[run.pk]),
        "questionnaire": run.questionnaire_id,
        "file_name": run.file_name,
        "source": run.source,
        "imported_at": run.imported_at,
        "status": run.status,
        "failure": run.failure,
        "finished_at": run.finished_at,
        "rows_done": run.rows_done,
        "rows_total": run.rows_total,
        "rows_created": run.rows_created,
        "rows_duplicate": run.rows_duplicate,
        "rows_rejected": run.rows_rejected,
        "rejected": run.rejected,
    }


@router.get("/questionnaires/{questionnaire_id}", summary="One questionnaire and its questions")
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> dict[str, Any]:
    membership = acting(request)
    questionnaire = queries.questionnaire_for(membership, questionnaire_id)
    return _questionnaire(questionnaire, with_questions=True)


@router.post(
    "/questionnaires",
    response={201: dict[str, Any]},
    summary="Upload an XLSForm (.xlsx); it becomes a draft questionnaire of your kelurahan",
)
def questionnaire_upload(
    request: HttpRequest, file: File[UploadedFile], title: Form[str] = ""
) -> Status[dict[str, Any]]:
    membership = acting(request)
    if not queries.may_manage_questionnaires(membership, queries.kelurahan_of(membership)):
        raise PermissionDenied
    questionnaire = services.questionnaire_import(
        actor=membership, data=_read(file), file_name=file.name or "", title=title
    )
    return Status(201, _questionnaire(questionnaire))


@router.post(
    "/questionnaires/{questionnaire_id}/status",
    response=dict[str, Any],
    summary="Open (ACTIVE), close (CLOSED) or open again a questionnaire",
)
def questionnaire_status(
    request: HttpRequest, questionnaire_id: int, payload: StatusIn
) -> dict[str, Any]:
    membership = acting(request)
    questionnaire = queries.questionnaire_for(membership, questionnaire_id)
    changed = services.questionnaire_set_status(
        actor=membership, questionnaire=questionnaire, status=payload.status
    )
    return _questionnaire(changed)


@router.get(
    "/questionnaires/{questionnaire_id}/xlsform",
    response={200: bytes},
    summary="The questionnaire as XLSForm (.xlsx) for KoboCollect / ODK Collect",
    openapi_extra={"responses": {200: {"description": "XLSForm", "content": {XLSX: {}}}}},
)
def questionnaire_export(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    membership = acting(request)
    questionnaire = queries.questionnaire_for(membership, questionnaire_id)
    data = services.questionnaire_export(actor=membership, questionnaire=questionnaire)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.pk}.xlsx"'
    return response


@router.post(
    "/questionnaires/{questionnaire_id}/imports",
    response={202: dict[str, Any]},
    summary="Import submissions exported from KoBoToolbox / ODK Central (CSV or XLSX): "
    "the file is checked and queued (202); GET its url for the status and progress "
    "(QUEUED, RUNNING, DONE, FAILED). Rows already imported are not added again, refused "
    "rows are listed with reasons",
)
def submissions_import(
    request: HttpRequest, questionnaire_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    membership = acting(request)
    questionnaire = queries.questionnaire_for(membership, questionnaire_id)
    run = services.submissions_import(
        actor=membership, questionnaire=questionnaire, data=_read(file), file_name=file.name or ""
    )
    return Status(202, _run(run))


@router.get(
    "/imports/{import_id}",
    url_name="mapping_import_detail",
    summary="One import: its status, progress and refused rows",
)
def import_detail(request: HttpRequest, import_id: int) -> dict[str, Any]:
    return _run(queries.import_run_for(acting(request), import_id))


def _job(snapshot: AnalysisSnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {
        "id": snapshot.pk,
        "status": snapshot.status,
        "done": snapshot.done,
        "total": snapshot.total,
        "created_at": snapshot.created_at,
        "finished_at": snapshot.finished_at,
        "responses": snapshot.submission_count,
    }


@router.get(
    "/questionnaires/{questionnaire_id}/analysis",
    summary="The analysis as its job last made it, suppressed as printed: sample, needs "
    "ranking, service gaps, every question, cross-tabs (optionally one of "
    "?q=<path>&by=<dimension>). Nothing is computed here: without a finished analysis "
    "the figures are null; `analysis` is the one shown, `job` the one queued or running, "
    "`current` false when responses came since (POST to the same path to make it again)",
)
def analysis(
    request: HttpRequest, questionnaire_id: int, q: str = "", by: str = ""
) -> dict[str, Any]:
    membership = acting(request)
    questionnaire = queries.analysed_questionnaire_for(membership, questionnaire_id)
    state = queries.analysis_state_for(membership, questionnaire)
    out: dict[str, Any] = {
        "questionnaire": questionnaire.pk,
        "findings": questionnaire.findings,
        "analysis": _job(state.shown),
        "job": _job(state.pending),
        "current": state.current,
        "new_responses": state.new_responses,
        "responses": state.responses,
        "failed": state.failed,
    }
    empty: dict[str, Any] = {
        "threshold": None,
        "respondents": None,
        "dimensions": [],
        "sample": [],
        "ranking": None,
        "gaps": [],
        "questions": [],
        "numbers": None,
        "crosstabs": [],
        "crosstab": None,
    }
    if state.shown is None:
        if q or by:
            raise ValidationError({"q": _("There is no analysis yet to split.")})
        return {**out, **empty}
    report = page_report(state.shown.result, questionnaire.kelurahan)
    dimensions = report["all_dimensions"]
    chosen = None
    if q or by:
        if q not in dict(report["askable"]) or by not in dict(dimensions):
            raise ValidationError({"q": _("Choose a choice question and a way to split it.")})
        chosen = _table(state.shown.crosstabs.get(q, {}).get(by))
    return {
        **out,
        "threshold": report["limit"],
        "respondents": report["respondents"],
        "dimensions": [{"key": k, "label": label} for k, label in dimensions],
        "sample": [_table(t) for t in report["sample"]],
        "ranking": _table(report["ranking"]["table"]) if report["ranking"] else None,
        "gaps": [
            {
                "need": row.value,
                "label": row.label,
                "respondents": row.shown,
                "service_types": [code for code, _label in row.service_types],
                "providers": [{"id": p.pk, "name": p.name} for p in row.providers],
                "gap": row.is_gap,
            }
            for row in report["gaps"]
        ],
        "questions": [{"path": b["path"], **_table(b["table"])} for b in report["questions"]],
        "numbers": _table(report["numbers"]) if report["numbers"] else None,
        "crosstabs": [_table(b["table"]) for b in report["crosstabs"]],
        "crosstab": chosen,
    }


@router.post(
    "/questionnaires/{questionnaire_id}/report",
    response={202: dict[str, Any]},
    summary="The report of the analysis as a file, format pdf (the printed 'Laporan Hasil "
    "Pemetaan Kebutuhan') or xlsx (every table): prepared by a job (202); GET its url for "
    "the progress and, once DONE, the download url (the file can be downloaded once, by "
    "you only, within 24 hours). Asked again while your file of the same format is still "
    "being prepared, that file is answered",
)
def report_file(
    request: HttpRequest, questionnaire_id: int, payload: ReportFileIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    questionnaire = queries.analysed_questionnaire_for(membership, questionnaire_id)
    prepared = services.analysis_report_request(
        actor=membership, questionnaire=questionnaire, fmt=payload.format
    )
    return Status(202, file_out(prepared))


def _table(table: dict[str, Any] | None) -> Any:
    """A kept table as the API always gave it (title, header, rows)."""
    if table is None:
        return None
    return {"title": table["title"], "header": table["header"], "rows": table["rows"]}


@router.post(
    "/questionnaires/{questionnaire_id}/analysis",
    response={202: dict[str, Any]},
    summary="Make the analysis (again): its job is queued (202) and GET on the same path "
    "shows its progress (`job`: QUEUED, RUNNING) and then the figures. A job already "
    "waiting is not queued twice; an analysis of the responses as they are is answered "
    "as it is (status DONE)",
)
def analysis_request(request: HttpRequest, questionnaire_id: int) -> Status[dict[str, Any]]:
    membership = acting(request)
    questionnaire = queries.analysed_questionnaire_for(membership, questionnaire_id)
    snapshot = services.analysis_snapshot_request(actor=membership, questionnaire=questionnaire)
    return Status(202, {**(_job(snapshot) or {}), "questionnaire": questionnaire.pk})
