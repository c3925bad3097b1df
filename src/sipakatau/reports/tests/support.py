"""Objects of the reports app made through the real services, for other tests (the
project's access-policy test)."""

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.reports.models import ExportRequest
from sipakatau.reports.services.export_requests import export_request_create
from tests.factories import make_user


def export_request_in(organisation: Organisation) -> ExportRequest:
    """A pending case-list request asked by a (new) coordinator of ``organisation``."""
    requester = make_user(organisation, Role.COORDINATOR)
    actor = Membership.objects.select_related("organisation__area", "user").get(
        user=requester, organisation=organisation
    )
    return export_request_create(
        actor=actor, kind="case_list", period="2026-11", reason="Untuk rapat koordinasi kasus"
    )
