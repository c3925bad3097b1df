"""The analysis leaves the system: the analyst's key findings, the printed report (PDF) and
the workbook (XLSX), each suppressed and each recorded as an export."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.lib.pdf import html_to_pdf

from ..models import Questionnaire
from ..presentation import Report, build_report
from ..queries import analysis_for, may_analyse, may_read_analysis
from ..report import report_xlsx
from .common import require

MAX_FINDINGS = 5000


@transaction.atomic
def questionnaire_findings_save(
    *, actor: Membership, questionnaire: Questionnaire, findings: str
) -> Questionnaire:
    """The analyst's key findings, printed in the report as they are written."""
    questionnaire = (
        Questionnaire.objects.select_for_update()
        .select_related("kelurahan")
        .get(pk=questionnaire.pk)
    )
    require(may_analyse(actor, questionnaire))
    findings = findings.strip()
    if len(findings) > MAX_FINDINGS:
        raise ValidationError(
            {"findings": [_("Keep the key findings under %(n)d characters.") % {"n": MAX_FINDINGS}]}
        )
    questionnaire.findings = findings
    questionnaire.save(update_fields=["findings"])
    audit.log(actor, "questionnaire.findings_saved", questionnaire, fields=["findings"])
    return questionnaire


def report_for(actor: Membership, questionnaire: Questionnaire) -> Report:
    return build_report(analysis_for(actor, questionnaire), questionnaire.kelurahan)


def method_facts(questionnaire: Questionnaire) -> dict[str, Any]:
    """How the answers were collected: the period and how many came from each source
    (counts of rows, not of people: no cell of it is about a respondent)."""
    submissions = questionnaire.submissions.all()
    span = submissions.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    by_source = dict(
        submissions.values_list("source").annotate(n=Count("pk")).values_list("source", "n")
    )
    return {
        "first": span["first"],
        "last": span["last"],
        "by_source": by_source,
        "questions": questionnaire.questions.exclude(type="note").count(),
    }


# The steps a report is built in, for the progress of its job (``report_files``): the
# answers read, the tables counted, the file drawn.
REPORT_STEPS = 3


def _no_progress(done: int, total: int) -> None:
    pass


def _report_in_steps(
    actor: Membership, questionnaire: Questionnaire, progress: Callable[[int, int], None]
) -> Report:
    progress(0, REPORT_STEPS)
    analysis = analysis_for(actor, questionnaire)
    progress(1, REPORT_STEPS)
    report = build_report(analysis, questionnaire.kelurahan)  # every table counted
    progress(2, REPORT_STEPS)
    return report


def analysis_report_pdf(
    *,
    actor: Membership,
    questionnaire: Questionnaire,
    progress: Callable[[int, int], None] = _no_progress,
) -> bytes:
    """ "Laporan Hasil Pemetaan Kebutuhan": cover, method, sample, key findings, needs
    ranking, service gaps, every table with its chart, cross-tabs. Built by the job of
    ``report_files`` (its ``progress``), never while a page waits."""
    from ..models import SubmissionSource

    require(may_read_analysis(actor, questionnaire))
    report = _report_in_steps(actor, questionnaire, progress)
    facts = method_facts(questionnaire)
    sources = [
        (label, facts["by_source"].get(value, 0))
        for value, label in SubmissionSource.choices
        if facts["by_source"].get(value)
    ]
    printed_at: datetime = timezone.localtime()
    data = html_to_pdf(
        "mapping/report_pdf.html",
        {
            "questionnaire": questionnaire,
            "kelurahan": questionnaire.kelurahan,
            "organisation": questionnaire.organisation,
            "report": report,
            "facts": facts,
            "sources": sources,
            "printed_at": printed_at,
        },
    )
    progress(REPORT_STEPS, REPORT_STEPS)
    audit.log(actor, "mapping.report_printed", questionnaire, fields=["answers", "findings"])
    return data


def analysis_export(
    *,
    actor: Membership,
    questionnaire: Questionnaire,
    progress: Callable[[int, int], None] = _no_progress,
) -> bytes:
    """The analysis as XLSX, one sheet per table (suppressed), recorded as an export."""
    require(may_read_analysis(actor, questionnaire))
    report = _report_in_steps(actor, questionnaire, progress)
    data = report_xlsx(questionnaire.title, report.tables())
    progress(REPORT_STEPS, REPORT_STEPS)
    audit.log(actor, "mapping.analysis_exported", questionnaire, fields=["answers"])
    return data


@transaction.atomic
def gaps_report_to_directory(*, actor: Membership, questionnaire: Questionnaire) -> int:
    """Ask the directory's keepers (the administrators whose area holds the kelurahan) to
    find providers for the needs with no service in reach. Once a day per questionnaire;
    the notice carries the kelurahan, how many needs and a link, never an answer."""
    from sipakatau.accounts.models import Role
    from sipakatau.audit.models import AuditEvent
    from sipakatau.notifications.services import notify

    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    require(may_analyse(actor, questionnaire))
    gaps = report_for(actor, questionnaire).gap_count
    if gaps == 0:
        raise ValidationError(_("Every need named has a service in reach: nothing to ask for."))
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if AuditEvent.objects.filter(
        action="mapping.gaps_reported",
        object_type=questionnaire._meta.label_lower,
        object_id=str(questionnaire.pk),
        occurred_at__gte=start_of_day,
    ).exists():
        raise ValidationError(_("The directory's keepers were already asked today."))
    kelurahan = questionnaire.kelurahan
    keepers = Membership.objects.filter(
        role=Role.ADMIN, is_active=True, user__is_active=True
    ).select_related("organisation__area", "user")
    users = [
        m.user
        for m in keepers
        if kelurahan.code == m.organisation.area.code
        or kelurahan.code.startswith(m.organisation.area.code + ".")
    ]
    if not users:
        raise ValidationError(_("No administrator keeps the directory for this kelurahan."))
    link = reverse("directory:search") + f"?kelurahan={kelurahan.code}"
    sent = notify(
        users=users,
        template="directory_gaps_found",
        context={"unit_name": kelurahan.name, "count": gaps, "link": link},
    )
    audit.log(actor, "mapping.gaps_reported", questionnaire, fields=["gaps"])
    return sent
