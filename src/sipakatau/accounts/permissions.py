"""The one vocabulary of permissions: each bundle is named by what it lets a role do, and
says which roles may do it (DESIGN.md §5). Apps ask ``membership.role in BUNDLE`` (or a
``may_<verb>`` predicate in their ``queries.py`` built on it); they never spell role sets
by hand."""

from .models import Membership, OrganisationType, Role

# --- Accounts ------------------------------------------------------------------------------

# An administrator manages the users, roles and organisations of its area, and nothing else.
MANAGE_ACCOUNTS = frozenset({Role.ADMIN})

# --- Roles that take a second person ------------------------------------------------------

# Every role that reads case or referral content: the frontline (kader, caseworker,
# coordinator: WORK_ON_CASES) and the agencies' officers and managers (ANSWER_REFERRAL).
# An administrator manages accounts and must not read cases (DESIGN.md §5), so she cannot
# give such a role alone — not to herself, not to an account whose password she knows.
CASE_CONTENT_ROLES = frozenset(
    {Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR, Role.AGENCY_OFFICER, Role.AGENCY_MANAGER}
)
# What takes a second person's approval: the content roles, and the administrator role
# itself (else an administrator makes a second administrator account and approves her own
# request with it).
ROLES_NEEDING_APPROVAL = CASE_CONTENT_ROLES | {Role.ADMIN}
# Who approves: the unit's coordinator (content roles of her unit) or another administrator
# who manages the organisation (every role); never the requester, never the user concerned.
DECIDE_ROLE_REQUESTS = frozenset({Role.COORDINATOR, Role.ADMIN})

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

# --- Needs mapping -------------------------------------------------------------------------

# Enumerators of a kelurahan's units enter survey responses (kader, caseworker, coordinator).
ENTER_MAPPING_RESPONSES = frozenset({Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR})
# Analysts (the unit's coordinator, the kelurahan's staff) keep questionnaires, import
# submissions and read the analysis.
ANALYSE_MAPPING = frozenset({Role.COORDINATOR, Role.VILLAGE_OFFICER})

# --- Social protection ---------------------------------------------------------------------

# Everyone who works in a kelurahan (its office and its LBK-KK units) sees its households.
SEE_HOUSEHOLDS = frozenset(
    {Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR, Role.VILLAGE_OFFICER}
)
# Kelurahan staff, coordinators and caseworkers register households, members, DTSEN and aid.
MANAGE_HOUSEHOLDS = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.VILLAGE_OFFICER})
# Volunteers too record civil documents and the help they gave to get them.
RECORD_CIVIL_DOCUMENTS = frozenset(
    {Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR, Role.VILLAGE_OFFICER}
)
# Kelurahan staff and LBK coordinators prepare the monthly proposal and run the screening.
PREPARE_PROPOSALS = frozenset({Role.COORDINATOR, Role.VILLAGE_OFFICER})
# The addressed Dinsos office's officers and managers approve and decide.
DECIDE_PROPOSALS = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_MANAGER})
# Dinsos officers and managers keep the screening rules of their jurisdiction.
EDIT_SCREENING_RULES = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_MANAGER})

# --- Reports -------------------------------------------------------------------------------

# Aggregates at the reader's scope: the coordinator her unit, the kelurahan officer the
# kelurahan, DP3A/UPTD PPA/Dinsos officers and managers the city. Never a person.
READ_STATISTICS = frozenset(
    {Role.COORDINATOR, Role.VILLAGE_OFFICER, Role.AGENCY_OFFICER, Role.AGENCY_MANAGER}
)
# The coordinator writes, reviews and sends the unit's monthly report (SK Lurah, KEEMPAT).
SEND_MONTHLY_REPORT = frozenset({Role.COORDINATOR})
# The Lurah's office, DP3A/UPTD PPA and Dinsos receive the monthly reports of their area.
RECEIVE_MONTHLY_REPORT = frozenset({Role.VILLAGE_OFFICER, Role.AGENCY_OFFICER, Role.AGENCY_MANAGER})
# The coordinator's working list of the unit's cases leaves the system as XLSX.
EXPORT_CASE_LIST = frozenset({Role.COORDINATOR})
# Anonymised exports in the agencies' formats (SIMFONI-PPA, GBVIMS).
EXPORT_STATISTICS = frozenset({Role.COORDINATOR, Role.AGENCY_MANAGER})

# --- Audit ---------------------------------------------------------------------------------

# Only the auditor reads the audit trail (separation of duties). The audit app stands below
# accounts and checks the same role by its name (``audit.queries.AUDITOR``).
READ_AUDIT_TRAIL = frozenset({Role.AUDITOR})


# --- The menu ------------------------------------------------------------------------------

# What the menu and the home page offer, each entry by the bundle that opens its pages.
MENU = {
    "manage_accounts": MANAGE_ACCOUNTS,
    "decide_role_requests": DECIDE_ROLE_REQUESTS,
    "work_on_cases": WORK_ON_CASES,
    "browse_cases": BROWSE_CASES,
    "handle_public_reports": HANDLE_PUBLIC_REPORTS,
    "answer_referrals": ANSWER_REFERRAL,
    "take_part_in_mechanisms": TAKE_PART_IN_MECHANISMS,
    "read_directory": READ_DIRECTORY,
    "read_audit_trail": READ_AUDIT_TRAIL,
    "see_social_protection": SEE_HOUSEHOLDS | DECIDE_PROPOSALS,
    "map_needs": ENTER_MAPPING_RESPONSES | ANALYSE_MAPPING,
    "read_statistics": READ_STATISTICS | RECEIVE_MONTHLY_REPORT,
}


# The offices that read the city's figures (DP3A and its UPTD PPA, Dinsos, the leading
# sectors); a health centre, the police or a legal aid post answer referrals but read no
# statistics (reports.queries.reporting_scope).
STATISTICS_AGENCIES = frozenset(
    {OrganisationType.DP3A, OrganisationType.UPTD_PPA, OrganisationType.DINSOS}
)
AGENCY_ROLES = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_MANAGER})


def menu_for(membership: Membership | None) -> dict[str, bool]:
    """Which entries of ``MENU`` the acting membership may open (none without one), so
    the templates ask ``may.answer_referrals`` instead of spelling roles."""
    may = {
        name: membership is not None and membership.is_active and membership.role in bundle
        for name, bundle in MENU.items()
    }
    if membership is not None and membership.role in AGENCY_ROLES:
        may["read_statistics"] = (
            may["read_statistics"] and membership.organisation.type in STATISTICS_AGENCIES
        )
    return may


def bundles_of(role: str) -> frozenset[str]:
    """The names of the bundles above that let ``role`` do something."""
    return frozenset(
        name
        for name, bundle in globals().items()
        if name.isupper() and isinstance(bundle, frozenset) and role in bundle
    )


def is_narrower(role: str, than: str) -> bool:
    """Whether ``role`` may do nothing that ``than`` may not (a caseworker made a kader
    loses rights and gains none), so the change needs no second person."""
    return bundles_of(role) <= bundles_of(than)
