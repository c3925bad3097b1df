"""The national and international code lists a case is recorded with.

These codes are standards that other systems read (SIMFONI-PPA, the GBVIMS Incident
Recorder, UU 12/2022 TPKS), so they live here once, with stable codes, and every form,
filter and export takes them from here. Labels are translatable; codes never change.
Lists that a kelurahan or agency changes (deadlines, programmes) are rows in the
database instead.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Services are the directory's vocabulary too (providers say which they give), so the
# list lives there, one floor down, and is re-exported here.
from sipakatau.directory.codes import ServiceType as ServiceType


class Channel(models.TextChoices):
    """How the report reached the unit (intake channels in the domain notes)."""

    WALK_IN = "WALK_IN", _("Came to the post in person")
    PHONE = "PHONE", _("Phone, hotline or WhatsApp")
    LETTER = "LETTER", _("Letter or email")
    THIRD_PARTY = "THIRD_PARTY", _("Reported by someone else")
    OUTREACH = "OUTREACH", _("Found during outreach")
    REFERRAL_IN = "REFERRAL_IN", _("Referred by another service")
    HANDOVER = "HANDOVER", _("Handed over by another unit")
    PUBLIC_PORTAL = "PUBLIC_PORTAL", _("Public report form")


class ViolenceForm(models.TextChoices):
    """SIMFONI-PPA forms of violence; several per victim."""

    FISIK = "FISIK", _("Physical")
    PSIKIS = "PSIKIS", _("Psychological")
    SEKSUAL = "SEKSUAL", _("Sexual")
    EKSPLOITASI = "EKSPLOITASI", _("Exploitation")
    TRAFFICKING = "TRAFFICKING", _("Trafficking")
    PENELANTARAN = "PENELANTARAN", _("Neglect")
    LAINNYA = "LAINNYA", _("Other")


class PlaceType(models.TextChoices):
    """SIMFONI-PPA place of the incident."""

    RUMAH_TANGGA = "RUMAH_TANGGA", _("Household")
    TEMPAT_KERJA = "TEMPAT_KERJA", _("Workplace")
    SEKOLAH = "SEKOLAH", _("School")
    FASILITAS_UMUM = "FASILITAS_UMUM", _("Public place")
    LEMBAGA_PENDIDIKAN_KILAT = "LEMBAGA_PENDIDIKAN_KILAT", _("Short-course or boarding institution")
    LAINNYA = "LAINNYA", _("Other place")


class Relationship(models.TextChoices):
    """SIMFONI-PPA relationship of the perpetrator to the victim."""

    ORANG_TUA = "ORANG_TUA", _("Parent")
    KELUARGA_SAUDARA = "KELUARGA_SAUDARA", _("Family member or relative")
    SUAMI_ISTRI = "SUAMI_ISTRI", _("Husband or wife")
    PACAR_TEMAN = "PACAR_TEMAN", _("Boyfriend, girlfriend or friend")
    TETANGGA = "TETANGGA", _("Neighbour")
    GURU = "GURU", _("Teacher")
    MAJIKAN = "MAJIKAN", _("Employer")
    REKAN_KERJA = "REKAN_KERJA", _("Co-worker")
    LAINNYA = "LAINNYA", _("Other")
    TIDAK_DIKETAHUI = "TIDAK_DIKETAHUI", _("Unknown")


# Relationships that make violence "domestic" (UU 23/2004 PKDRT, Pasal 2) and, for
# GBVIMS, intimate-partner violence.
INTIMATE_PARTNER = frozenset({Relationship.SUAMI_ISTRI, Relationship.PACAR_TEMAN})


class ImmediateNeed(models.TextChoices):
    MEDICAL = "MEDICAL", _("Medical care now")
    SAFETY = "SAFETY", _("Protection from the perpetrator now")
    SHELTER = "SHELTER", _("A safe place to stay tonight")


class GbvimsType(models.TextChoices):
    """GBVIMS incident types, in the order the classification asks (first 'yes' wins)."""

    RAPE = "RAPE", _("Rape")
    SEXUAL_ASSAULT = "SEXUAL_ASSAULT", _("Sexual assault")
    PHYSICAL_ASSAULT = "PHYSICAL_ASSAULT", _("Physical assault")
    FORCED_MARRIAGE = "FORCED_MARRIAGE", _("Forced marriage")
    DENIAL_OF_RESOURCES = "DENIAL_OF_RESOURCES", _("Denial of resources, opportunities or services")
    PSYCHOLOGICAL_ABUSE = "PSYCHOLOGICAL_ABUSE", _("Psychological or emotional abuse")
    NON_GBV = "NON_GBV", _("Not gender-based violence")


class GbvimsContext(models.TextChoices):
    """Case contexts that GBVIMS derives from the type and the facts; never chosen."""

    INTIMATE_PARTNER = "INTIMATE_PARTNER", _("Intimate partner violence")
    CHILD_SEXUAL_ABUSE = "CHILD_SEXUAL_ABUSE", _("Child sexual abuse")
    EARLY_MARRIAGE = "EARLY_MARRIAGE", _("Early marriage")
    SEXUAL_EXPLOITATION = "SEXUAL_EXPLOITATION", _("Possible sexual exploitation")
    SEXUAL_SLAVERY = "SEXUAL_SLAVERY", _("Possible sexual slavery")


class TpksOffence(models.TextChoices):
    """UU 12/2022 TPKS: the nine offences of Pasal 4(1) and the main ones of Pasal 4(2)."""

    PELECEHAN_NONFISIK = "PELECEHAN_NONFISIK", _("Non-physical sexual harassment")
    PELECEHAN_FISIK = "PELECEHAN_FISIK", _("Physical sexual harassment")
    PEMAKSAAN_KONTRASEPSI = "PEMAKSAAN_KONTRASEPSI", _("Forced contraception")
    PEMAKSAAN_STERILISASI = "PEMAKSAAN_STERILISASI", _("Forced sterilisation")
    PEMAKSAAN_PERKAWINAN = "PEMAKSAAN_PERKAWINAN", _("Forced marriage")
    PENYIKSAAN_SEKSUAL = "PENYIKSAAN_SEKSUAL", _("Sexual torture")
    EKSPLOITASI_SEKSUAL = "EKSPLOITASI_SEKSUAL", _("Sexual exploitation")
    PERBUDAKAN_SEKSUAL = "PERBUDAKAN_SEKSUAL", _("Sexual slavery")
    KSBE = "KSBE", _("Electronic-based sexual violence")
    PERKOSAAN = "PERKOSAAN", _("Rape")
    PERBUATAN_CABUL = "PERBUATAN_CABUL", _("Indecent assault")
    PERSETUBUHAN_ANAK = "PERSETUBUHAN_ANAK", _("Sexual intercourse with a child")
    CABUL_ANAK = "CABUL_ANAK", _("Indecent assault of a child")
    KS_RUMAH_TANGGA = "KS_RUMAH_TANGGA", _("Sexual violence in the household")


class PartyRole(models.TextChoices):
    VICTIM = "VICTIM", _("Victim")
    PERPETRATOR = "PERPETRATOR", _("Suspected perpetrator")
    REPORTER = "REPORTER", _("Reporter")
    GUARDIAN = "GUARDIAN", _("Parent or guardian")
    WITNESS = "WITNESS", _("Witness")


class RiskLevel(models.TextChoices):
    UNASSESSED = "UNASSESSED", _("Not yet assessed")
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")


class RiskCriterion(models.TextChoices):
    """What the worker saw; any of the first four makes the risk high."""

    THREAT_TO_LIFE = "THREAT_TO_LIFE", _("Threats to kill or serious injury")
    WEAPON = "WEAPON", _("A weapon was used or threatened")
    LIVES_WITH_PERPETRATOR = (
        "LIVES_WITH_PERPETRATOR",
        _("Lives with the perpetrator and cannot leave"),
    )
    SUICIDAL = "SUICIDAL", _("Thoughts of suicide or self-harm")
    ESCALATING = "ESCALATING", _("Violence is getting worse or more frequent")
    CHILD_AT_RISK = "CHILD_AT_RISK", _("A child is in danger")
    PREGNANT = "PREGNANT", _("Pregnant")
    NO_SUPPORT = "NO_SUPPORT", _("No family or friends to help")
    ECONOMIC_DEPENDENCE = "ECONOMIC_DEPENDENCE", _("Depends on the perpetrator for money")


HIGH_RISK_CRITERIA = frozenset(
    {
        RiskCriterion.THREAT_TO_LIFE,
        RiskCriterion.WEAPON,
        RiskCriterion.LIVES_WITH_PERPETRATOR,
        RiskCriterion.SUICIDAL,
    }
)


class NeedDomain(models.TextChoices):
    """Biopsychosocial needs assessment (UPTD PPA flow)."""

    PHYSICAL = "PHYSICAL", _("Physical health")
    PSYCHOLOGICAL = "PSYCHOLOGICAL", _("Psychological")
    SOCIAL = "SOCIAL", _("Social and family")
    ECONOMIC = "ECONOMIC", _("Economic")
    EDUCATION = "EDUCATION", _("Education")
    CIVIL_DOCUMENTS = "CIVIL_DOCUMENTS", _("Civil documents")


class ConsentPurpose(models.TextChoices):
    SERVICES = "SERVICES", _("Receive services from this unit")
    REFERRAL = "REFERRAL", _("Referral to another service")
    STATISTICS = "STATISTICS", _("Inclusion in anonymous statistics")


class ConsentMethod(models.TextChoices):
    SIGNATURE = "SIGNATURE", _("Signature (photo of the signed form)")
    THUMBPRINT = "THUMBPRINT", _("Thumbprint (photo)")
    VERBAL_WITNESSED = "VERBAL_WITNESSED", _("Spoken, with a witness")


class ClosureReason(models.TextChoices):
    SERVICES_COMPLETED = "SERVICES_COMPLETED", _("Services completed, the person is safe")
    REFERRED_ON = "REFERRED_ON", _("Handed over to another service for good")
    CLIENT_DECLINED = "CLIENT_DECLINED", _("The person no longer wants services")
    LOST_CONTACT = "LOST_CONTACT", _("Contact lost after repeated tries")
    MOVED_AWAY = "MOVED_AWAY", _("Moved out of the area")
    MEDIATION = "MEDIATION", _("Settled by mediation")
    NOT_A_CASE = "NOT_A_CASE", _("Not a case of violence")
    DECEASED = "DECEASED", _("The person died")


# UU 12/2022 TPKS Pasal 23: sexual-violence cases may not be settled outside court (the
# child-perpetrator exception is for the court system to decide, not for this unit).
CLOSURE_REASONS_FORBIDDEN_FOR_SEXUAL_VIOLENCE = frozenset({ClosureReason.MEDIATION})
