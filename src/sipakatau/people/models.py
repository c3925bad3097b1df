"""People known to the system: survivors, children, family members, reported persons.

Everything that identifies a person is stored encrypted (``lib.fields``); what must be
searchable is searchable only through blind indexes (``lib.blind_index``), so the database
holds no name, NIK, family card number, telephone number, address or birth date in
plain text (UU 27/2022 art. 35-39; children's data is specific personal data, art. 4(2)).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sipakatau.lib.blind_index import INDEX_HEX_CHARS
from sipakatau.lib.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField


class Sex(models.TextChoices):
    # L/P as on the KTP (laki-laki / perempuan), so a NIK can be cross-checked.
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")
    UNKNOWN = "U", _("Unknown")


# Each identity number and the blind index it is found by.
IDENTITY_INDEXES = (("nik", "nik_index"), ("kk_number", "kk_index"), ("phone", "phone_index"))


class Person(models.Model):
    name = EncryptedTextField(_("name"))
    nik = EncryptedTextField(_("NIK"), null=True, blank=True)
    kk_number = EncryptedTextField(_("family card (KK) number"), null=True, blank=True)
    phone = EncryptedTextField(_("telephone"), null=True, blank=True)
    address = EncryptedTextField(_("address"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)

    # Blind indexes (keyed HMAC of the normalised value); NULL when the value is absent.
    nik_index = models.CharField(max_length=INDEX_HEX_CHARS, null=True, blank=True, db_index=True)
    kk_index = models.CharField(max_length=INDEX_HEX_CHARS, null=True, blank=True, db_index=True)
    phone_index = models.CharField(max_length=INDEX_HEX_CHARS, null=True, blank=True, db_index=True)

    # Domicile down to the RT when known (kelurahan + RW + RT); the street address above
    # is encrypted. Kept apart from where an incident happened.
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lives in"),
    )
    # Washington Group Short Set: {domain: answer}. Health data is specific personal data
    # (UU 27/2022 Pasal 4), so the answers are encrypted; the derived flag is kept plain
    # because the statistics must count people with disabilities.
    wg_answers = EncryptedJSONField(_("functioning (WG-SS)"), default=dict, blank=True)
    has_disability = models.BooleanField(_("has a disability"), default=False)
    disability_kinds = EncryptedJSONField(
        _("kinds of disability (UU 8/2016)"), default=list, blank=True
    )
    communication_needs = EncryptedTextField(
        _("communication and access needs"), blank=True, default=""
    )
    # How and when the person may be contacted safely; {"do_not_contact": bool,
    # "channels": [...], "times": "...", "note": "..."}. Nothing is sent on other channels.
    safe_contact = EncryptedJSONField(_("safe contact"), default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # A number and its blind index are stored together or not at all: the case page
        # asks the index whether a number is recorded (``has_identity_numbers``) and
        # offers to show it only then.
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{number}__isnull": True, f"{index}__isnull": True})
                | Q(**{f"{number}__isnull": False, f"{index}__isnull": False}),
                name=f"person_{number}_with_its_index",
            )
            for number, index in IDENTITY_INDEXES
        ]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin messages and error reports.
        return f"Person #{self.pk}"

    @property
    def has_identity_numbers(self) -> bool:
        """Whether a telephone, NIK or KK number is on record, told by their blind
        indexes (``people.services`` sets each with its value): a page that only offers
        to show them need not decrypt them."""
        return any(getattr(self, index) for _number, index in IDENTITY_INDEXES)


class PersonNameToken(models.Model):
    """One blind index of a person's name (a word, or the sound of a word)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token_hash = models.CharField(max_length=INDEX_HEX_CHARS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "token_hash"], name="one_name_token_per_person"
            )
        ]
        indexes = [models.Index(fields=["token_hash"], name="people_name_token_hash")]

    def __str__(self) -> str:
        return f"name token of person #{self.person_id}"


class ScopedNameToken(models.Model):
    """A name token of a person as seen from one organisation: one row per token and per
    unit whose cases the person is part of (``services.person_scopes_set``, called by the
    cases services whenever a party is added or a case goes).

    The unit's search by name is an index range scan on ``(scope, token_hash)`` that reads
    the matching tokens of that unit only, and never the unit's people or parties, nor more
    than ``queries.NAME_ROWS_PER_INDEX`` + 1 rows of each word (backwards: the most recent
    people first): its cost is bounded, whatever the size of the unit or of the city
    (issue 19). The rows are
    the same keyed hashes as ``PersonNameToken``'s, kept in step with them in the same
    transaction (``services._index_name``)."""

    scope = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token_hash = models.CharField(max_length=INDEX_HEX_CHARS)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="scoped_name_tokens", db_index=False
    )

    class Meta:
        constraints = [
            # Also the lookup's index: (scope, token_hash) first, the person last, so that
            # the score per person is counted from the index alone.
            models.UniqueConstraint(
                fields=["scope", "token_hash", "person"], name="one_scoped_name_token"
            )
        ]
        indexes = [models.Index(fields=["person", "scope"], name="people_scoped_token_person")]

    def __str__(self) -> str:
        return f"name token of person #{self.person_id} in organisation #{self.scope_id}"


class WgDomain(models.TextChoices):
    """Washington Group Short Set domains."""

    SEEING = "SEEING", _("Seeing, even with glasses")
    HEARING = "HEARING", _("Hearing, even with a hearing aid")
    WALKING = "WALKING", _("Walking or climbing steps")
    COGNITION = "COGNITION", _("Remembering or concentrating")
    SELF_CARE = "SELF_CARE", _("Washing all over or dressing")
    COMMUNICATION = "COMMUNICATION", _("Communicating in the usual language")


class WgAnswer(models.TextChoices):
    NO_DIFFICULTY = "NO_DIFFICULTY", _("No difficulty")
    SOME = "SOME", _("Some difficulty")
    A_LOT = "A_LOT", _("A lot of difficulty")
    CANNOT = "CANNOT", _("Cannot do at all")


# WG-SS: "a lot of difficulty" or "cannot do at all" in any domain.
WG_DISABILITY_ANSWERS = frozenset({WgAnswer.A_LOT, WgAnswer.CANNOT})


class DisabilityKind(models.TextChoices):
    """UU 8/2016 Pasal 4: single or multiple."""

    FISIK = "FISIK", _("Physical")
    INTELEKTUAL = "INTELEKTUAL", _("Intellectual")
    MENTAL = "MENTAL", _("Mental")
    SENSORIK_NETRA = "SENSORIK_NETRA", _("Sensory: blind or low vision")
    SENSORIK_RUNGU = "SENSORIK_RUNGU", _("Sensory: deaf or hard of hearing")
    SENSORIK_WICARA = "SENSORIK_WICARA", _("Sensory: speech")


class ContactChannel(models.TextChoices):
    PHONE = "PHONE", _("Phone call")
    SMS = "SMS", _("SMS")
    WHATSAPP = "WHATSAPP", _("WhatsApp")
    VISIT = "VISIT", _("Home visit")
    THROUGH_SOMEONE = "THROUGH_SOMEONE", _("Through a trusted person")
