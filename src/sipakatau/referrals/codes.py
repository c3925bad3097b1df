"""The code lists of a referral: urgency, status, and the catalogue of what may be shared.

Codes are stable (they are stored in each referral and named in exports and the API);
labels are translatable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.cases.codes import NeedDomain
from sipakatau.directory.codes import ServiceType


class Urgency(models.TextChoices):
    EMERGENCY = "EMERGENCY", _("Emergency (within hours)")
    URGENT = "URGENT", _("Urgent (within a day)")
    ROUTINE = "ROUTINE", _("Routine (within a few working days)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_SERVICE = "in_service", _("In service")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled by the sender")
    WITHDRAWN = "withdrawn", _("Withdrawn (consent was withdrawn)")


OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_SERVICE})
# The sender took the referral back: the recipient keeps the register number and the
# status, never the shared data (UU 27/2022 PDP Pasal 16 ayat (2): processing ends with
# its purpose; Pasal 40: it stops when consent is withdrawn).
ENDED_BY_SENDER = frozenset({ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN})


class SharedField(models.TextChoices):
    """What the referring worker may choose to share: never more than this list, and
    never what the list does not name (NIK, family card, address, the story, other
    people in the case, notes, files)."""

    VICTIM_FIRST_NAME = "VICTIM_FIRST_NAME", _("First name")
    VICTIM_FULL_NAME = "VICTIM_FULL_NAME", _("Full name")
    VICTIM_AGE_BAND = "VICTIM_AGE_BAND", _("Age group")
    VICTIM_SEX = "VICTIM_SEX", _("Sex")
    VICTIM_CONTACT = "VICTIM_CONTACT", _("Safe way to contact, with the telephone")
    VICTIM_DISABILITY = "VICTIM_DISABILITY", _("Disability and communication needs")
    NEEDS = "NEEDS", _("Needs (from the assessment)")
    SUMMARY = "SUMMARY", _("A summary written for this service")
    INCIDENT_FORMS = "INCIDENT_FORMS", _("Forms of violence")
    INCIDENT_DATE = "INCIDENT_DATE", _("Date of the incident")
    KELURAHAN = "KELURAHAN", _("Kelurahan where the person lives")


# The need a service is for: ticked already when the worker refers for that service, and
# shared when an API client shares "NEEDS" without naming which. A referral for
# psychosocial support carries the psychological need, not the family's income (UU 27/2022
# PDP Pasal 16 ayat (2): limited to the purpose). A service with no row ticks none.
NEED_OF_SERVICE: dict[str, str] = {
    ServiceType.KESEHATAN: NeedDomain.PHYSICAL,
    ServiceType.PSIKOSOSIAL: NeedDomain.PSYCHOLOGICAL,
    ServiceType.REINTEGRASI_SOSIAL: NeedDomain.SOCIAL,
    ServiceType.PEMULANGAN: NeedDomain.SOCIAL,
    ServiceType.BANSOS: NeedDomain.ECONOMIC,
    ServiceType.DOKUMEN_KEPENDUDUKAN: NeedDomain.CIVIL_DOCUMENTS,
}


class AgeBand(models.TextChoices):
    """Bands instead of an age or a birth date: enough to plan a service, too coarse to
    identify anyone (UU 27/2022 PDP Pasal 16 ayat (2): limited to the purpose)."""

    CHILD_0_5 = "0-5", _("0 to 5 years")
    CHILD_6_12 = "6-12", _("6 to 12 years")
    CHILD_13_17 = "13-17", _("13 to 17 years")
    ADULT_18_24 = "18-24", _("18 to 24 years")
    ADULT_25_39 = "25-39", _("25 to 39 years")
    ADULT_40_59 = "40-59", _("40 to 59 years")
    ELDER_60 = "60+", _("60 years or older")


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for band, upper in (
        (AgeBand.CHILD_0_5, 5),
        (AgeBand.CHILD_6_12, 12),
        (AgeBand.CHILD_13_17, 17),
        (AgeBand.ADULT_18_24, 24),
        (AgeBand.ADULT_25_39, 39),
        (AgeBand.ADULT_40_59, 59),
    ):
        if age <= upper:
            return str(band)
    return str(AgeBand.ELDER_60)
