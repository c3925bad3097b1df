"""A kelurahan's mechanism for handling victims of violence and social protection, in
versions. One version is data enough to render the decree (SK Lurah) and to drive the
case workflow, so what was signed is what is enforced.

Nothing here is about a survivor: a mechanism is a public rule of the kelurahan.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider

from .codes import (
    CommentStatus,
    DeadlineUnit,
    Gender,
    Responsible,
    RiskLevel,
    Section,
    Status,
    TrackedAction,
    Trigger,
)


class Mechanism(models.Model):
    """One per kelurahan: the versions, the decree numbering and the active version."""

    area = models.OneToOneField(
        Area, on_delete=models.PROTECT, related_name="mechanism", verbose_name=_("kelurahan")
    )
    # The parts of the decree number (numbering.py): 400.2.2/03/Kel-WS/2026. Blank or
    # "400.x" is an incomplete number, and no decree is issued with it.
    classification_code = models.CharField(
        _("archive classification code"), max_length=40, blank=True
    )
    office_code = models.CharField(_("office code"), max_length=40, blank=True)
    # "Ditetapkan di Parepare": the city without "Kota", editable.
    place = models.CharField(_("place of issue"), max_length=100)
    # The kop's contact line under the office's name (Permendagri 1/2023): each optional,
    # printed when set.
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_phone = models.CharField(_("office telephone"), max_length=40, blank=True)
    office_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    office_email = models.EmailField(_("office email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def __str__(self) -> str:
        return str(self.area)


class DecreeSequence(models.Model):
    """The kelurahan's register of decrees: the last number given in one year. Read and
    advanced under a row lock when a decree is issued, so two decrees never share a
    number; the office may set where it continues (decrees numbered on paper before)."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="sequences")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        ordering = ["mechanism", "year"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "year"], name="one_sequence_per_year"),
        ]
        verbose_name = _("decree register")
        verbose_name_plural = _("decree registers")

    def __str__(self) -> str:
        return f"{self.mechanism} {self.year}: {self.last_number}"


class MechanismVersion(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    # Lists of paragraphs: each "bahwa …" of Menimbang, each legal basis of Mengingat.
    considerations = models.JSONField(_("considerations (Menimbang)"), default=list)
    legal_bases = models.JSONField(_("legal bases (Mengingat)"), default=list)
    reporting_schedule = models.TextField(_("reporting schedule"), blank=True)
    funding = models.TextField(_("funding"), blank=True)
    monitoring = models.TextField(_("monitoring and evaluation"), blank=True)
    copies_to = models.JSONField(_("copies to (Tembusan)"), default=list)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # When the version became the kelurahan's active mechanism (its decree was issued).
    activated_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mechanism", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "number"], name="one_version_number"),
            # At most one issued (active) version per kelurahan, whatever the race.
            models.UniqueConstraint(
                fields=["mechanism"],
                condition=models.Q(status="issued"),
                name="one_active_version",
            ),
        ]
        verbose_name = _("mechanism version")
        verbose_name_plural = _("mechanism versions")

    def __str__(self) -> str:
        return f"{self.mechanism} v{self.number}"

    @property
    def rule_set(self) -> str:
        """The name under which cases record that this version governs them."""
        return f"mechanism-{self.pk}"


class Step(models.Model):
    version = models.ForeignKey(MechanismVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("step"), max_length=200)
    description = models.TextField(_("what is done"), blank=True)
    responsible = models.CharField(_("responsible"), max_length=32, choices=Responsible.choices)
    # Empty: a step of the decree that the case module does not time (e.g. recording).
    action = models.CharField(
        _("recorded in the case as"), max_length=32, choices=TrackedAction.choices, blank=True
    )
    trigger = models.CharField(_("starts from"), max_length=24, choices=Trigger.choices, blank=True)
    escalate_to = models.CharField(
        _("when late, tell"), max_length=32, choices=Responsible.choices, blank=True
    )
    is_social_protection = models.BooleanField(_("social-protection track"), default=False)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="one_step_per_position"),
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class StepDeadline(models.Model):
    """A step's deadline, for every risk level or for one (a high-risk case is contacted
    within hours, a low-risk one within working days)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="deadlines")
    risk_level = models.CharField(
        _("risk level"), max_length=16, choices=RiskLevel.choices, blank=True
    )
    amount = models.PositiveIntegerField(_("within"))
    unit = models.CharField(_("unit"), max_length=16, choices=DeadlineUnit.choices)

    class Meta:
        ordering = ["step", "risk_level"]
        constraints = [
            models.UniqueConstraint(fields=["step", "risk_level"], name="one_deadline_per_risk"),
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


class PathwayEntry(models.Model):
    """Where the kelurahan refers for a service: the provider from the directory, and the
    contact person or note agreed with it."""

    version = models.ForeignKey(MechanismVersion, on_delete=models.CASCADE, related_name="pathway")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    contact = models.CharField(_("contact person or note"), max_length=200, blank=True)

    class Meta:
        ordering = ["version", "service_type", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "service_type", "provider"], name="one_pathway_entry"
            ),
        ]
        verbose_name = _("pathway entry")
        verbose_name_plural = _("pathway entries")

    def __str__(self) -> str:
        return f"{self.service_type} → {self.provider_id}"


class Duty(models.Model):
    """The roles and duties of one party (Lurah, LBK-KK, LPMK, RT/RW …)."""

    version = models.ForeignKey(MechanismVersion, on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveSmallIntegerField()
    party = models.CharField(_("party"), max_length=32, choices=Responsible.choices)
    duties = models.TextField(_("duties"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="one_duty_per_position"),
        ]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return self.party


class Comment(models.Model):
    version = models.ForeignKey(MechanismVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("about"), max_length=16, choices=Section.choices)
    # Kept when the step is deleted from a later edit: the discussion stays readable.
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The organisation the author spoke for (a user may belong to several).
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class Meeting(models.Model):
    version = models.ForeignKey(MechanismVersion, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.CharField(_("agenda"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "held_on", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class Attendee(models.Model):
    """One line of the attendance list: officials and community members who took part
    (gender and disability are counted for the programme's inclusion figures)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation or group"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    has_disability = models.BooleanField(_("has a disability"), default=False)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return self.name


class Decree(models.Model):
    """The SK Lurah that issued a version. The PDF is kept as issued: its SHA-256 is what
    the public verification page confirms, so it is never re-rendered."""

    version = models.OneToOneField(
        MechanismVersion, on_delete=models.PROTECT, related_name="decree"
    )
    # Numbers are the kelurahan's own register: two Lurah may both issue "400/01/2026".
    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="decrees")
    number = models.CharField(_("decree number"), max_length=100)
    # The number's place in the year's register (null for decrees issued before it was kept).
    sequence = models.PositiveIntegerField(_("number in the year"), null=True, blank=True)
    issued_on = models.DateField(_("date of issue"))
    place = models.CharField(_("place of issue"), max_length=100)
    signer_name = models.CharField(_("name of the Lurah"), max_length=200)
    signer_nip = models.CharField(_("NIP"), max_length=30, blank=True)
    signer_rank = models.CharField(
        _("rank and grade (pangkat/golongan)"), max_length=100, blank=True
    )
    signer_title = models.CharField(_("title of the signatory"), max_length=200)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The public verification page's address: random, so decrees cannot be enumerated.
    verification_token = models.CharField(max_length=32, unique=True)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "number"], name="one_decree_number"),
        ]
        verbose_name = _("decree")
        verbose_name_plural = _("decrees")

    def __str__(self) -> str:
        return self.number
