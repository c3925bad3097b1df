"""Objects of the data-entry pages for tests outside this app (tests/test_access_policy.py):
made through the real services, in the kelurahan of ``organisation``."""

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.mapping import services
from sipakatau.mapping.forms.needs_template import FORM_ID
from sipakatau.mapping.models import (
    AnalysisSnapshot,
    ImportRun,
    Questionnaire,
    QuestionnaireStatus,
)
from tests.factories import make_user

KINDS = {"mapping_questionnaire", "mapping_draft"}


def _member(organisation: Organisation, role: str) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(
        user=make_user(organisation, role), organisation=organisation
    )


def active_questionnaire(organisation: Organisation) -> Questionnaire:
    """The template questionnaire of the organisation's kelurahan, open for entry (once:
    a kelurahan holds one form of each id and version)."""
    found = Questionnaire.objects.filter(kelurahan=organisation.area, form_id=FORM_ID).first()
    if found is not None:
        return found
    coordinator = _member(organisation, Role.COORDINATOR)
    made = services.questionnaire_load_template(actor=coordinator)
    return services.questionnaire_set_status(
        actor=coordinator, questionnaire=made, status=QuestionnaireStatus.ACTIVE
    )


def policy_target(kind: str, organisation: Organisation) -> int:
    """``mapping_questionnaire``: the active questionnaire; ``mapping_draft``: a draft
    started by a kader of ``organisation`` (nobody else's: everyone else gets 404)."""
    questionnaire = active_questionnaire(organisation)
    if kind == "mapping_questionnaire":
        return questionnaire.pk
    kader = _member(organisation, Role.VOLUNTEER)
    return services.draft_start(actor=kader, questionnaire=questionnaire, rw="1", rt="1").pk


def imported(
    *, actor: Membership, questionnaire: Questionnaire, data: bytes, file_name: str
) -> ImportRun:
    """An upload (``services.submissions_import``) and its job run at once, as the queue
    would after the commit: the finished run. (test_import_job.py tests the job itself.)"""
    run = services.submissions_import(
        actor=actor, questionnaire=questionnaire, data=data, file_name=file_name
    )
    services.submissions_import_run(run.pk)
    run.refresh_from_db()
    return run


def analysed(*, actor: Membership, questionnaire: Questionnaire) -> AnalysisSnapshot:
    """The analysis asked for (``services.analysis_snapshot_request``) and its job run at
    once, as the queue would after the commit: the snapshot the page then shows.
    (test_analysis_job.py tests the job itself.)"""
    snapshot = services.analysis_snapshot_request(actor=actor, questionnaire=questionnaire)
    services.analysis_snapshot_run(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot
