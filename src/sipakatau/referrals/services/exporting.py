"""The inbox export, asked for on the inbox page or through the API and prepared by a job
(``referrals.tasks.export_inbox``) into a file only the officer who asked may download."""

from django.core.exceptions import PermissionDenied

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import ANSWER_REFERRAL
from sipakatau.jobs import services as jobs
from sipakatau.jobs.models import PreparedFile
from sipakatau.lib.csv_response import CONTENT_TYPE

from ..export import inbox_csv, inbox_file_name

KIND = "referrals.inbox_csv"
TASK = "sipakatau.referrals.tasks.export_inbox"


def may_export_inbox(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in ANSWER_REFERRAL


def inbox_export_request(*, actor: Membership) -> PreparedFile:
    """Queue the export of everything the actor's organisation received."""
    if not may_export_inbox(actor):
        raise PermissionDenied
    return jobs.prepared_file_queue(
        actor=actor,
        kind=KIND,
        task=TASK,
        file_name=inbox_file_name(),
        content_type=CONTENT_TYPE,
    )


def inbox_export_run(pk: int) -> str:
    """The job: build the file for the membership that asked, if she still may."""
    return jobs.prepared_file_run(pk, _build)


def _build(prepared: PreparedFile, progress: jobs.Progress) -> bytes:
    membership = Membership.objects.select_related("organisation", "user").get(
        pk=prepared.membership_id
    )
    # Her role may have been taken away between the request and the job.
    if not may_export_inbox(membership) or not membership.user.is_active:
        raise PermissionDenied
    return inbox_csv(membership, progress)
