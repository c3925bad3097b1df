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


class RelationDetail(models.TextChoices):
    """The finer relation behind a SIMFONI category, where the category lumps together
    people whom GBVIMS counts apart ("Pacar/Teman" is a partner or a friend). Blank when
    not recorded."""

    SUAMI = "SUAMI", _("Husband")
    ISTRI = "ISTRI", _("Wife")
    MANTAN_SUAMI_ISTRI = "MANTAN_SUAMI_ISTRI", _("Former husband or wife")
    PACAR = "PACAR", _("Boyfriend or girlfriend")
    MANTAN_PACAR = "MANTAN_PACAR", _("Former boyfriend or girlfriend")
    TEMAN = "TEMAN", _("Friend")


# The SIMFONI categories each finer relation may be recorded under. SIMFONI has no
# category for a former partner: offices record one under the old category or "Other".
RELATION_DETAIL_CATEGORIES: dict[str, frozenset[str]] = {
    RelationDetail.SUAMI: frozenset({Relationship.SUAMI_ISTRI}),
    RelationDetail.ISTRI: frozenset({Relationship.SUAMI_ISTRI}),
    RelationDetail.MANTAN_SUAMI_ISTRI: frozenset({Relationship.SUAMI_ISTRI, Relationship.LAINNYA}),
    RelationDetail.PACAR: frozenset({Relationship.PACAR_TEMAN}),
    RelationDetail.MANTAN_PACAR: frozenset({Relationship.PACAR_TEMAN, Relationship.LAINNYA}),
    RelationDetail.TEMAN: frozenset({Relationship.PACAR_TEMAN}),
}

# GBVIMS intimate-partner violence: by a current or former spouse or dating partner, never
# by a friend. A husband or wife is always a partner, so the category alone decides; for
# "Pacar/Teman" (and "Other") only the finer relation can say, and without it the
# violence is not counted as intimate-partner violence. (This is not the household scope
# of UU 23/2004 PKDRT Pasal 2 — spouses, children, relatives by blood or marriage living
# in the household, live-in domestic workers — which leaves out an unmarried partner.)
INTIMATE_PARTNER = frozenset({Relationship.SUAMI_ISTRI})
INTIMATE_PARTNER_DETAILS = frozenset(
    {
        RelationDetail.SUAMI,
        RelationDetail.ISTRI,
        RelationDetail.MANTAN_SUAMI_ISTRI,
        RelationDetail.PACAR,
        RelationDetail.MANTAN_PACAR,
    }
)


def is_household_violence(relationship: str, relation_detail: str, place_type: str) -> bool:
    """SIMFONI-PPA's KDRT flag: the violence is within a household in the sense of UU 23/2004
    PKDRT Pasal 2 — by a husband or wife (not a former one) or a parent, wherever it
    happened (ayat 1 a: suami, isteri, anak); by a relative or an employer only when it
    happened in the home, the record's sign that they live in the household (ayat 1 b and
    c: kin and domestic workers "yang menetap dalam rumah tangga")."""
    if relationship == Relationship.SUAMI_ISTRI:
        return relation_detail != RelationDetail.MANTAN_SUAMI_ISTRI
    if relationship == Relationship.ORANG_TUA:
        return True
    return (
        relationship in (Relationship.KELUARGA_SAUDARA, Relationship.MAJIKAN)
        and place_type == PlaceType.RUMAH_TANGGA
    )


def is_intimate_partner(relationship: str, relation_detail: str = "") -> bool:
    """Whether one perpetrator link is an intimate partner's, for GBVIMS."""
    return relationship in INTIMATE_PARTNER or relation_detail in INTIMATE_PARTNER_DETAILS


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
    """UU 12/2022 TPKS: the nine offences of Pasal 4 ayat (1) and the ten forms of ayat (2)
    (``TPKS_PASAL_4_AYAT_2`` says which code stands for which letter). Codes are added at
    the end, never renamed: incidents keep the codes they were classified with."""

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
    EKSPLOITASI_SEKSUAL_ANAK = "EKSPLOITASI_SEKSUAL_ANAK", _("Sexual exploitation of a child")
    MELANGGAR_KESUSILAAN = (
        "MELANGGAR_KESUSILAAN",
        _("An indecent act against the victim's will"),
    )
    PORNOGRAFI = (
        "PORNOGRAFI",
        _("Pornography involving a child, or showing sexual violence and exploitation"),
    )
    PEMAKSAAN_PELACURAN = "PEMAKSAAN_PELACURAN", _("Forced prostitution")
    TPPO_SEKSUAL = "TPPO_SEKSUAL", _("Trafficking in persons for sexual exploitation")
    TPPU_TPKS = "TPPU_TPKS", _("Laundering the proceeds of sexual violence")
    TPKS_LAINNYA = (
        "TPKS_LAINNYA",
        _("Another offence that a law expressly declares sexual violence"),
    )


# UU 12/2022 Pasal 4 ayat (1): the nine offences the law itself defines (Pasal 5-14).
TPKS_PASAL_4_AYAT_1 = (
    TpksOffence.PELECEHAN_NONFISIK,
    TpksOffence.PELECEHAN_FISIK,
    TpksOffence.PEMAKSAAN_KONTRASEPSI,
    TpksOffence.PEMAKSAAN_STERILISASI,
    TpksOffence.PEMAKSAAN_PERKAWINAN,
    TpksOffence.PENYIKSAAN_SEKSUAL,
    TpksOffence.EKSPLOITASI_SEKSUAL,
    TpksOffence.PERBUDAKAN_SEKSUAL,
    TpksOffence.KSBE,
)

# UU 12/2022 Pasal 4 ayat (2) a-j: offences under other laws that are also sexual
# violence (so the TPKS procedure and victims' rights apply). Letter c names three acts.
TPKS_PASAL_4_AYAT_2: dict[str, tuple[TpksOffence, ...]] = {
    "a": (TpksOffence.PERKOSAAN,),
    "b": (TpksOffence.PERBUATAN_CABUL,),
    "c": (
        TpksOffence.PERSETUBUHAN_ANAK,
        TpksOffence.CABUL_ANAK,
        TpksOffence.EKSPLOITASI_SEKSUAL_ANAK,
    ),
    "d": (TpksOffence.MELANGGAR_KESUSILAAN,),
    "e": (TpksOffence.PORNOGRAFI,),
    "f": (TpksOffence.PEMAKSAAN_PELACURAN,),
    "g": (TpksOffence.TPPO_SEKSUAL,),
    "h": (TpksOffence.KS_RUMAH_TANGGA,),
    "i": (TpksOffence.TPPU_TPKS,),
    "j": (TpksOffence.TPKS_LAINNYA,),
}


class Education(models.TextChoices):
    """SIMFONI-PPA victim's education (the last school level attended); blank: not known."""

    BELUM_SEKOLAH = "BELUM_SEKOLAH", _("Not yet of school age")
    TIDAK_SEKOLAH = "TIDAK_SEKOLAH", _("Never went to school")
    TK_PAUD = "TK_PAUD", _("Kindergarten or early childhood education")
    SD = "SD", _("Primary school")
    SLTP = "SLTP", _("Junior secondary school")
    SLTA = "SLTA", _("Senior secondary school")
    PERGURUAN_TINGGI = "PERGURUAN_TINGGI", _("College or university")


class Occupation(models.TextChoices):
    """SIMFONI-PPA occupation of a victim, and of a suspected perpetrator: GBVIMS asks the
    perpetrator's main occupation from a list each country sets, beside "Unemployed"
    (here TIDAK_BEKERJA), "Other" (LAINNYA) and "Unknown" (blank), so the national list
    serves both and one code means the same in either export. Blank: not known."""

    PELAJAR_MAHASISWA = "PELAJAR_MAHASISWA", _("Pupil or student")
    IBU_RUMAH_TANGGA = "IBU_RUMAH_TANGGA", _("Homemaker")
    SWASTA_BURUH = "SWASTA_BURUH", _("Private employee or labourer")
    PNS_TNI_POLRI = "PNS_TNI_POLRI", _("Civil servant, soldier or police officer")
    PETANI = "PETANI", _("Farmer")
    NELAYAN = "NELAYAN", _("Fisher")
    PEDAGANG_WIRASWASTA = "PEDAGANG_WIRASWASTA", _("Trader or self-employed")
    TIDAK_BEKERJA = "TIDAK_BEKERJA", _("Not working")
    LAINNYA = "LAINNYA", _("Other work")


class MaritalStatus(models.TextChoices):
    """SIMFONI-PPA victim's marital status (the civil-registry categories); blank: not
    known."""

    BELUM_KAWIN = "BELUM_KAWIN", _("Not married")
    KAWIN = "KAWIN", _("Married")
    CERAI_HIDUP = "CERAI_HIDUP", _("Divorced")
    CERAI_MATI = "CERAI_MATI", _("Widowed")


class Citizenship(models.TextChoices):
    """SIMFONI-PPA victim's citizenship; blank: not known."""

    WNI = "WNI", _("Indonesian citizen")
    WNA = "WNA", _("Foreign citizen")


# --- GBVIMS intake fields (Incident Recorder columns) ---------------------------------------
# GBVIMS Incident Recorder and the GBVIMS intake form as Primero implements them (forms
# gbv_incident, gbv_type_of_violence, services, alleged_perpetrator). Codes are ours and
# stable; the export writes them, and the KODE sheet says what each one means.


class TimeOfDay(models.TextChoices):
    """GBVIMS "Time of day that the incident took place"; blank: not asked."""

    MORNING = "MORNING", _("Morning (sunrise to noon)")
    AFTERNOON = "AFTERNOON", _("Afternoon (noon to sunset)")
    EVENING_NIGHT = "EVENING_NIGHT", _("Evening or night (sunset to sunrise)")
    UNKNOWN = "UNKNOWN", _("Not known")


class HarmfulPractice(models.TextChoices):
    """GBVIMS "Was this incident a harmful traditional practice?": "No", or one of up to
    five practices that each country names for itself. Indonesia's: child marriage (UU
    16/2019 sets the minimum age at 19), forced marriage (including bride capture,
    "kawin tangkap"), female genital cutting (P2GP), violence for the family's honour (in
    Bugis-Makassar custom, siri', e.g. against a couple who eloped), and any other
    practice. Blank: not asked."""

    NO = "NO", _("No")
    CHILD_MARRIAGE = "CHILD_MARRIAGE", _("Child marriage")
    FORCED_MARRIAGE = "FORCED_MARRIAGE", _("Forced marriage, including bride capture")
    FGM_C = "FGM_C", _("Female genital cutting (P2GP)")
    HONOUR = "HONOUR", _("Violence for the family's honour")
    OTHER = "OTHER", _("Another harmful practice")


class AbductionType(models.TextChoices):
    """GBVIMS "Type of abduction at the time of the incident"; blank: not asked."""

    NONE = "NONE", _("None")
    FORCED_CONSCRIPTION = "FORCED_CONSCRIPTION", _("Forced conscription")
    TRAFFICKED = "TRAFFICKED", _("Trafficked")
    OTHER_ABDUCTION = "OTHER_ABDUCTION", _("Other abduction or kidnapping")


ABDUCTED = frozenset(
    {AbductionType.FORCED_CONSCRIPTION, AbductionType.TRAFFICKED, AbductionType.OTHER_ABDUCTION}
)


class ReportedElsewhere(models.TextChoices):
    """GBVIMS "Has the client reported this incident anywhere else?": no, or yes to an
    organisation that does or does not use GBVIMS; and "not known" (GBVIMS's list is
    named "Yes, No, or Unknown"). Blank: not asked."""

    NO = "NO", _("No")
    YES_GBVIMS_ORG = "YES_GBVIMS_ORG", _("Yes, to a service that uses GBVIMS")
    YES_NON_GBVIMS_ORG = "YES_NON_GBVIMS_ORG", _("Yes, to another service")
    UNKNOWN = "UNKNOWN", _("Not known")


REPORTED_YES = frozenset({ReportedElsewhere.YES_GBVIMS_ORG, ReportedElsewhere.YES_NON_GBVIMS_ORG})


class ReportedTo(models.TextChoices):
    """GBVIMS "Type of service provider where the survivor reported the incident"."""

    HEALTH = "HEALTH", _("Health or medical services")
    PSYCHOSOCIAL = "PSYCHOSOCIAL", _("Psychosocial or counselling services")
    POLICE = "POLICE", _("Police or other security actor")
    LEGAL = "LEGAL", _("Legal assistance services")
    LIVELIHOODS = "LIVELIHOODS", _("Livelihoods programme")
    SAFE_HOUSE = "SAFE_HOUSE", _("Safe house or shelter")
    OTHER = "OTHER", _("Other")


class YesNoUnknown(models.TextChoices):
    """GBVIMS "Has the client had any previous incidents of GBV perpetrated against
    them?"; blank: not asked."""

    YES = "YES", _("Yes")
    NO = "NO", _("No")
    UNKNOWN = "UNKNOWN", _("Not known")


class LegalAction(models.TextChoices):
    """GBVIMS "Does the client want to pursue legal action?"; blank: not asked."""

    YES = "YES", _("Yes")
    NO = "NO", _("No")
    UNDECIDED = "UNDECIDED", _("Undecided at the time of the report")
    NOT_APPLICABLE = "NOT_APPLICABLE", _("Not applicable")


class PerpetratorCount(models.TextChoices):
    """GBVIMS "Number of alleged perpetrators", in its bands; blank: not asked (the export
    then counts the suspected perpetrators recorded in the case)."""

    # Numbers read the same in every language.
    ONE = "1", "1"
    TWO = "2", "2"
    THREE = "3", "3"
    MORE_THAN_3 = "MORE_THAN_3", _("More than 3")
    UNKNOWN = "UNKNOWN", _("Not known")


def perpetrator_band(stated: str, recorded: int) -> str:
    """The GBVIMS band of the number of perpetrators: what the worker stated, unless more
    suspected perpetrators are recorded in the case than that (as Primero's Incident
    Recorder export does); nothing known is UNKNOWN."""
    bands = [PerpetratorCount.ONE, PerpetratorCount.TWO, PerpetratorCount.THREE]
    counted = (
        str(bands[recorded - 1])
        if 1 <= recorded <= 3
        else str(PerpetratorCount.MORE_THAN_3)
        if recorded > 3
        else ""
    )
    order: dict[str, int] = {
        str(code): rank for rank, code in enumerate([*bands, PerpetratorCount.MORE_THAN_3], 1)
    }
    if stated in order and (not counted or order[stated] >= order[counted]):
        return stated
    return counted or str(PerpetratorCount.UNKNOWN)


class ReferredFrom(models.TextChoices):
    """GBVIMS "Who referred the client to you?" (the Incident Recorder's referral
    sources). "Community or camp leader" is, here, an RT/RW head or a community figure;
    "Other government service" includes the kelurahan office."""

    HEALTH = "HEALTH", _("Health or medical services")
    PSYCHOSOCIAL = "PSYCHOSOCIAL", _("Psychosocial or counselling services")
    POLICE = "POLICE", _("Police or other security actor")
    LEGAL = "LEGAL", _("Legal assistance services")
    LIVELIHOODS = "LIVELIHOODS", _("Livelihoods programme")
    SELF = "SELF", _("Came on her or his own (first point of contact)")
    TEACHER = "TEACHER", _("Teacher or school official")
    COMMUNITY_LEADER = "COMMUNITY_LEADER", _("Community leader, RT or RW head")
    SAFE_HOUSE = "SAFE_HOUSE", _("Safe house or shelter")
    OTHER_HUMANITARIAN = "OTHER_HUMANITARIAN", _("Other humanitarian or development actor")
    OTHER_GOVERNMENT = "OTHER_GOVERNMENT", _("Other government service")
    OTHER = "OTHER", _("Other")


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
