"""Objects of the questionnaire and analysis pages for tests outside this app
(tests/test_access_policy.py): made through the real services, in the kelurahan of
``organisation``. ``mapping_questionnaire`` is support.py's."""

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mapping import services

from .support import _member, active_questionnaire

KINDS = {"mapping_import_run"}


def policy_target(kind: str, organisation: Organisation) -> int:
    """``mapping_import_run``: an import of a one-row CSV into the active questionnaire."""
    assert kind in KINDS, kind
    return services.submissions_import(
        actor=_member(organisation, Role.COORDINATOR),
        questionnaire=active_questionnaire(organisation),
        data=b"_uuid\nuji\n",
        file_name="uji.csv",
    ).pk
