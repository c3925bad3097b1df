"""Code lists of the mechanism. The case module enforces the deadlines of the steps that
carry a ``TrackedAction``; these values are the ones ``cases`` already records, so a
mechanism's rules travel down to the cases as data (DESIGN §3) without an import."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_DISCUSSION = "in_discussion", _("In discussion")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded")


# What may follow what. Issuing a version supersedes the one issued before it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.IN_DISCUSSION}),
    Status.IN_DISCUSSION: frozenset({Status.DRAFT, Status.APPROVED}),
    Status.APPROVED: frozenset({Status.IN_DISCUSSION, Status.ISSUED}),
    Status.ISSUED: frozenset({Status.SUPERSEDED}),
    Status.SUPERSEDED: frozenset(),
}
EDITABLE = frozenset({Status.DRAFT, Status.IN_DISCUSSION})


class Trigger(models.TextChoices):
    """The case event a step's deadline counts from (same values as cases' rules)."""

    CASE_OPENED = "case_opened", _("When the case is opened")
    SEXUAL_VIOLENCE_RECORDED = "sexual_violence", _("When sexual violence is recorded")
    CASE_ACTIVE = "case_active", _("While the case is active (repeating)")


class TrackedAction(models.TextChoices):
    """Steps whose completion the case module records, so their deadline is enforced,
    escalated and measured. Other steps are part of the decree but not timed by cases."""

    FIRST_CONTACT = "first_contact", _("Contact the survivor")
    ASSESSMENT = "assessment", _("Assess risk and needs")
    POLICE_FORWARDING = "police_forwarding", _("Forward the sexual-violence report to the police")
    FOLLOW_UP = "follow_up", _("Follow up with the survivor")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WORKING_DAYS = "working_days", _("working days")


class RiskLevel(models.TextChoices):
    """Empty: the deadline for every level; else only for cases at this level (the
    case module's risk codes)."""

    ANY = "", _("Every risk level")
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")
    UNASSESSED = "UNASSESSED", _("Not yet assessed")


class Responsible(models.TextChoices):
    """Who carries out a step or is told when it is late: the roles and parties named in
    the pilot's mechanism (LBK-KK, kelurahan, agencies, community leaders)."""

    KADER = "kader", _("LBK-KK volunteer (kader)")
    CASEWORKER = "caseworker", _("LBK-KK caseworker")
    COORDINATOR = "coordinator", _("LBK-KK coordinator")
    LURAH = "lurah", _("Lurah")
    SEKRETARIS_LURAH = "sekretaris_lurah", _("Kelurahan secretary")
    RT_RW = "rt_rw", _("RT/RW head")
    LPMK = "lpmk", _("LPMK")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas (police liaison)")
    BABINSA = "babinsa", _("Babinsa (army liaison)")
    UPTD_PPA = "uptd_ppa", _("DP3A / UPTD PPA")
    DINSOS = "dinsos", _("Dinas Sosial")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    POLICE_PPA = "police_ppa", _("Police (Unit PPA)")
    LEGAL_AID = "legal_aid", _("Legal aid")


# A desa's own names for the village's parties (documents/labels.py DESA_RESPONSIBLE has the
# decree's words), for the pages in the reader's language.
DESA_PARTY: dict[str, object] = {
    Responsible.LURAH: _("Kepala Desa"),
    Responsible.SEKRETARIS_LURAH: _("Desa secretary"),
    Responsible.LPMK: _("LPM (desa)"),
}


def responsible_choices(*, desa: bool) -> list[tuple[str, object]]:
    """The parties a step or duty may name, as the village calls them."""
    return [
        (code, DESA_PARTY.get(code, label) if desa else label)
        for code, label in Responsible.choices
    ]


class Section(models.TextChoices):
    """The parts of a version a comment can be about."""

    GENERAL = "general", _("The whole draft")
    TITLE = "title", _("Title")
    CONSIDERATIONS = "considerations", _("Considerations (Menimbang)")
    LEGAL_BASES = "legal_bases", _("Legal bases (Mengingat)")
    STEP = "step", _("A step")
    PATHWAY = "pathway", _("Referral pathway")
    DUTIES = "duties", _("Roles and duties")
    REPORTING = "reporting", _("Reporting schedule")
    FUNDING = "funding", _("Funding")
    MONITORING = "monitoring", _("Monitoring")


class CommentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")


class Gender(models.TextChoices):
    FEMALE = "P", _("Woman")
    MALE = "L", _("Man")
