"""The one vocabulary of permissions: each bundle is named by what it lets a role do, and
says which roles may do it (DESIGN.md §5). Apps ask ``membership.role in BUNDLE`` (or a
``may_<verb>`` predicate in their ``queries.py`` built on it); they never spell role sets
by hand."""

from .models import Role

# --- Cases ---------------------------------------------------------------------------------

# The frontline (kader, caseworker, coordinator) takes intakes and records on the cases it sees.
WORK_ON_CASES = frozenset({Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR})
# Caseworkers and coordinators see every case of their unit; a kader sees only her own.
BROWSE_CASES = frozenset({Role.CASEWORKER, Role.COORDINATOR})
# Caseworkers and coordinators run a case: service plan, status, closure request.
MANAGE_CASE = frozenset({Role.CASEWORKER, Role.COORDINATOR})
# A case is held by a caseworker or coordinator of its unit (never a kader).
HOLD_CASES = frozenset({Role.CASEWORKER, Role.COORDINATOR})
# A caseworker takes an unassigned case herself (a coordinator assigns instead).
TAKE_CASE = frozenset({Role.CASEWORKER})
# Only a coordinator assigns or transfers a case to someone else.
ASSIGN_CASES = frozenset({Role.COORDINATOR})
# A coordinator approves or rejects a closure (four eyes), and is told of each request.
APPROVE_CLOSURE = frozenset({Role.COORDINATOR})
# A coordinator reopens a closed case.
REOPEN_CASE = frozenset({Role.COORDINATOR})

# --- Referrals -----------------------------------------------------------------------------

# The case's unit (caseworker, coordinator) refers it, follows and cancels its referrals.
REFER_CASE = frozenset({Role.CASEWORKER, Role.COORDINATOR})
# The recipient agency's officers and managers read the inbox and answer referrals.
ANSWER_REFERRAL = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_MANAGER})

# --- Public reports ------------------------------------------------------------------------

# A unit's caseworkers and coordinators read public reports and turn them into cases.
HANDLE_PUBLIC_REPORTS = frozenset({Role.CASEWORKER, Role.COORDINATOR})

# --- People --------------------------------------------------------------------------------

# Who meets survivors records their identities; kelurahan, agency, auditor and admin do not.
RECORD_PEOPLE = frozenset({Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR})

# --- Directory -----------------------------------------------------------------------------

# Everyone but the auditor reads the service directory (the auditor reads the audit trail only).
READ_DIRECTORY = frozenset(Role.values) - {Role.AUDITOR}
# Administrators (in their area) and agency managers (their own entry) keep providers.
MANAGE_PROVIDERS = frozenset({Role.ADMIN, Role.AGENCY_MANAGER})
# Only an administrator imports the directory in bulk.
IMPORT_DIRECTORY = frozenset({Role.ADMIN})

# --- Mechanisms ----------------------------------------------------------------------------

# Every stakeholder takes part in a kelurahan's mechanism; auditor and admin stand outside.
TAKE_PART_IN_MECHANISMS = frozenset(Role.values) - {Role.AUDITOR, Role.ADMIN}
