"""The report of a questionnaire's analysis as a file (issue 20): asked for on the analysis
page or through the API, prepared by a job (``mapping.tasks.build_report``) into a file
that only the reader who asked may download, once. A questionnaire of thousands of
answers takes longer to count and draw than a page may take, so no request builds it.

The job builds with the same builders as before (``analysis_report_pdf`` and
``analysis_export``), as the membership that asked, so the export is recorded as before
("mapping.report_printed", "mapping.analysis_exported") and is refused if she may no
longer read the analysis when the job runs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.jobs import services as jobs
from sipakatau.jobs.models import FileStatus, PreparedFile

from ..models import Questionnaire, ReportFile
from ..queries import may_read_analysis
from .analysis import analysis_export, analysis_report_pdf
from .common import require

PDF, XLSX_FORMAT = "pdf", "xlsx"
KINDS = {PDF: "mapping.report_pdf", XLSX_FORMAT: "mapping.report_xlsx"}
TASK = "sipakatau.mapping.tasks.build_report"
CONTENT_TYPES = {
    PDF: "application/pdf",
    XLSX_FORMAT: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file_name(questionnaire: Questionnaire, fmt: str) -> str:
    """As the download was named before the job: the form's id, letters and digits only."""
    stem = f"{'laporan' if fmt == PDF else 'analisis'}-pemetaan-{questionnaire.form_id}"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] + f".{fmt}"


def analysis_report_request(
    *, actor: Membership, questionnaire: Questionnaire, fmt: str
) -> PreparedFile:
    """Queue the report (``fmt``: "pdf" or "xlsx") of the questionnaire's analysis for the
    actor, who may read it. Asked again while her file of the same report is still waiting
    or being prepared (a double tap, a second tab), that file is answered: one job."""
    if fmt not in KINDS:
        raise ValidationError({"format": _("Choose PDF or XLSX.")})
    with transaction.atomic():
        # One request at a time per questionnaire, so two taps cannot both find no file
        # (its row only: a join would lock the kelurahan and the organisation too).
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        require(may_read_analysis(actor, questionnaire))
        waiting = (
            ReportFile.objects.filter(
                questionnaire=questionnaire,
                prepared_file__membership=actor,
                prepared_file__kind=KINDS[fmt],
                prepared_file__status__in=[FileStatus.QUEUED, FileStatus.RUNNING],
            )
            .select_related("prepared_file")
            .first()
        )
        if waiting is not None:
            return waiting.prepared_file
        prepared = jobs.prepared_file_queue(
            actor=actor,
            kind=KINDS[fmt],
            task=TASK,
            file_name=report_file_name(questionnaire, fmt),
            content_type=CONTENT_TYPES[fmt],
        )
        ReportFile.objects.create(prepared_file=prepared, questionnaire=questionnaire)
    return prepared


def analysis_report_run(pk: int) -> str:
    """The job: build the report for the membership that asked, if she still may read the
    analysis. A second run of the same file does nothing (``jobs.prepared_file_run``)."""
    return jobs.prepared_file_run(pk, _build)


def _build(prepared: PreparedFile, progress: jobs.Progress) -> bytes:
    membership = Membership.objects.select_related("organisation__area", "user").get(
        pk=prepared.membership_id
    )
    questionnaire = (
        Questionnaire.objects.select_related("kelurahan", "organisation")
        .filter(report_files__prepared_file=prepared)
        .get()
    )
    # Her role, her membership or her account may have been taken away since she asked;
    # the builders check ``may_read_analysis`` again, this checks the account.
    if not membership.user.is_active:
        raise PermissionDenied
    if prepared.kind == KINDS[PDF]:
        return analysis_report_pdf(actor=membership, questionnaire=questionnaire, progress=progress)
    return analysis_export(actor=membership, questionnaire=questionnaire, progress=progress)
