"""The code lists of social protection. Codes are stable (stored, exported, named in the
API and in screening rules); labels are translatable. The programmes themselves are data
(``Programme``, loaded by migration 0002), not codes here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relationship(models.TextChoices):
    """ "Status hubungan dalam keluarga" as printed on the KK."""

    HEAD = "KEPALA", _("Head of the family")
    SPOUSE = "PASANGAN", _("Husband or wife")
    CHILD = "ANAK", _("Child")
    CHILD_IN_LAW = "MENANTU", _("Son- or daughter-in-law")
    GRANDCHILD = "CUCU", _("Grandchild")
    PARENT = "ORANG_TUA", _("Parent")
    PARENT_IN_LAW = "MERTUA", _("Parent-in-law")
    OTHER_FAMILY = "FAMILI_LAIN", _("Other family")
    OTHER = "LAINNYA", _("Other")


class DtsenStatus(models.TextChoices):
    """DTSEN (Inpres 4/2025) replaced DTKS."""

    LISTED = "LISTED", _("In DTSEN")
    NOT_LISTED = "NOT_LISTED", _("Not in DTSEN")
    UNKNOWN = "UNKNOWN", _("Not known")


class KnowledgeSource(models.TextChoices):
    """Where a fact about aid came from: how far it can be trusted."""

    KATA_WARGA = "KATA_WARGA", _("The resident says so")
    CEK_BANSOS = "CEK_BANSOS", _("Cek Bansos website or app")
    DATA_DINSOS = "DATA_DINSOS", _("Dinsos data")
    PROPOSAL = "PROPOSAL", _("Decision on a proposal")


class DocumentKind(models.TextChoices):
    KTP_EL = "KTP_EL", _("Electronic ID card (KTP-el)")
    KK = "KK", _("Family card (KK)")
    AKTA_KELAHIRAN = "AKTA_KELAHIRAN", _("Birth certificate (akta kelahiran)")
    BPJS_KESEHATAN = "BPJS_KESEHATAN", _("BPJS Kesehatan")


class DocumentStatus(models.TextChoices):
    HAS = "HAS", _("Has it")
    MISSING = "MISSING", _("Does not have it")
    IN_PROCESS = "IN_PROCESS", _("Being arranged")
    # BPJS Kesehatan only: a membership can exist and still not work.
    ACTIVE = "ACTIVE", _("Active")
    INACTIVE = "INACTIVE", _("Not active")
    NONE = "NONE", _("No membership")


PAPER_STATUSES = frozenset({DocumentStatus.HAS, DocumentStatus.MISSING, DocumentStatus.IN_PROCESS})
BPJS_STATUSES = frozenset({DocumentStatus.ACTIVE, DocumentStatus.INACTIVE, DocumentStatus.NONE})


class HelpOutcome(models.TextChoices):
    DONE = "DONE", _("Done: the document was issued")
    PENDING = "PENDING", _("Still in process")
    FAILED = "FAILED", _("Not successful")


class TargetLevel(models.TextChoices):
    PERSON = "PERSON", _("A person")
    HOUSEHOLD = "HOUSEHOLD", _("A household")


class TargetGroup(models.TextChoices):
    POOR_HOUSEHOLDS = "POOR_HOUSEHOLDS", _("Poor and vulnerable households")
    PREGNANT_WOMEN = "PREGNANT_WOMEN", _("Pregnant women")
    CHILDREN = "CHILDREN", _("Children")
    SCHOOL_CHILDREN = "SCHOOL_CHILDREN", _("School children")
    ELDERLY = "ELDERLY", _("Elderly people")
    DISABILITY = "DISABILITY", _("People with disabilities")
    SOCIAL_DEVIANCE = "SOCIAL_DEVIANCE", _("Social deviance and trafficking victims")
    DRUG_VICTIMS = "DRUG_VICTIMS", _("Victims of drug abuse")
    UNINSURED = "UNINSURED", _("People without working health insurance")
    UNFIT_HOUSING = "UNFIT_HOUSING", _("Households in unfit housing")


class Authority(models.TextChoices):
    """Who decides who receives a programme."""

    KEMENSOS = "KEMENSOS", _("Ministry of Social Affairs (Kemensos)")
    DINSOS = "DINSOS", _("City or regency social office (Dinsos)")
    PEMDA = "PEMDA", _("City or regency government (Pemda)")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "ENROLLED", _("Receives it")
    NOT_ENROLLED = "NOT_ENROLLED", _("Does not receive it")
    PROPOSED = "PROPOSED", _("Proposed")
    STOPPED = "STOPPED", _("Stopped")


class WorklistSource(models.TextChoices):
    RULE = "RULE", _("Screening rule")
    CASE_NEED = "CASE_NEED", _("Raised by a service unit")


class WorklistStatus(models.TextChoices):
    OPEN = "OPEN", _("To look at")
    PROPOSED = "PROPOSED", _("In a proposal")
    DISMISSED = "DISMISSED", _("Set aside")


class BatchState(models.TextChoices):
    """The usulan path (domain README, "Social protection")."""

    DRAFT = "DRAFT", _("Draft")
    MUSYAWARAH = "MUSYAWARAH", _("Musyawarah kelurahan")
    VERVAL = "VERVAL", _("Field verification")
    INPUT_SIKS = "INPUT_SIKS", _("Entered in SIKS-NG")
    DISAHKAN_DINSOS = "DISAHKAN_DINSOS", _("Approved by Dinsos")
    DITETAPKAN = "DITETAPKAN", _("Decided: accepted")
    DITOLAK = "DITOLAK", _("Decided: refused")


def batch_state_label(state: str, *, desa: bool) -> str:
    """The step's name as the village says it: a desa holds a musyawarah desa, never a
    musyawarah kelurahan (``Area.is_desa``)."""
    if desa and state == BatchState.MUSYAWARAH:
        return str(_("Musyawarah desa"))
    return str(BatchState(state).label)


# Before SIKS-NG entry the kelurahan still works on the batch; past the cut-off it is late.
BEFORE_CUTOFF_STATES = frozenset({BatchState.DRAFT, BatchState.MUSYAWARAH, BatchState.VERVAL})
FINAL_STATES = frozenset({BatchState.DITETAPKAN, BatchState.DITOLAK})


class VerificationResult(models.TextChoices):
    ELIGIBLE = "LAYAK", _("Eligible")
    NOT_ELIGIBLE = "TIDAK_LAYAK", _("Not eligible")
    NOT_FOUND = "TIDAK_DITEMUKAN", _("Not found at the address")


class ItemOutcome(models.TextChoices):
    PENDING = "PENDING", _("Waiting for the decision")
    DITETAPKAN = "DITETAPKAN", _("Accepted")
    DITOLAK = "DITOLAK", _("Refused")


# The needs of a case's assessment (cases.codes.NeedDomain) that are social protection.
SOCIAL_PROTECTION_NEEDS = frozenset({"ECONOMIC", "CIVIL_DOCUMENTS"})

# The default day of the month of the proposal cut-off (setting SIPAKATAU_PROPOSAL_CUTOFF_DAY).
DEFAULT_CUTOFF_DAY = 17
