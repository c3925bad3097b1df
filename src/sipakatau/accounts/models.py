"""Users, organisations and the memberships that give a user a role in an organisation."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area


class User(AbstractUser):
    """A staff account. Everyone signs in with a password and a TOTP code."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Bumped to end every session of the user at once (disable, password or 2FA reset):
    # it is part of the session hash, so each old session fails verification.
    session_version = models.PositiveIntegerField(default=0, editable=False)

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "sipakatau.accounts.User.session_auth_hash"
        value = f"{self.password}|{self.session_version}|{self.is_active}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class OrganisationType(models.TextChoices):
    LBK_KK = "LBK_KK", _("Community service unit (LBK-KK)")
    KELURAHAN = "KELURAHAN", _("Kelurahan office")
    DP3A = "DP3A", _("Women and children protection office (DP3A)")
    UPTD_PPA = "UPTD_PPA", _("UPTD PPA")
    DINSOS = "DINSOS", _("Social affairs office (Dinsos)")
    PUSKESMAS = "PUSKESMAS", _("Community health centre (Puskesmas)")
    POLICE_PPA = "POLICE_PPA", _("Police women and children unit (Unit PPA)")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    NGO = "NGO", _("Non-governmental organisation")
    OTHER = "OTHER", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=OrganisationType.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("area of jurisdiction"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("part of"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Shown to the public on the portal's home page for LBK-KK and kelurahan units, so
    # that a neighbour knows where to go and when; plain text, nothing personal.
    posko_address = models.CharField(_("posko address"), max_length=300, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=200, blank=True)
    # Where an agency sends its answer to a referral outside Sipakatau: printed with the
    # posko address at the foot of the referral letter. The unit's own, never a person's.
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer (kader)")
    CASEWORKER = "caseworker", _("Caseworker")
    COORDINATOR = "coordinator", _("Coordinator")
    VILLAGE_OFFICER = "village_officer", _("Kelurahan officer")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    AGENCY_MANAGER = "agency_manager", _("Agency manager")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # The Lurah (or acting Lurah) signs decrees; only a village_officer can carry it.
    is_signatory = models.BooleanField(_("signs decrees"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def role_label(self) -> str:
        """The role's name as its holder reads it: the officer of a desa's office is a desa
        officer, never a kelurahan's (the area's code decides, ``Area.is_desa``)."""
        if self.role == Role.VILLAGE_OFFICER and self.organisation.area.is_desa:
            return str(_("Desa officer"))
        return str(self.get_role_display())


class ApiToken(models.Model):
    """A bearer token for the JSON API, bound to one membership and short-lived.

    Only the SHA-256 of the token is kept: a copy of the database (or of a backup) lets
    nobody call the API as the user. The token is shown once, when it is issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # The organisation and role the token acts through, chosen when it is issued; the
    # token stops working when this membership is deactivated.
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # The user's session_version when issued: a password or 2FA reset, a role change or
    # disabling the account bumps it and so ends every token along with every session.
    session_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        # Never the hash: it identifies the token in logs as well as the token would.
        return f"API token #{self.pk}"


class RoleRequestStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting for approval")
    APPROVED = "APPROVED", _("Approved")
    REFUSED = "REFUSED", _("Refused")
    # Overtaken by a direct change of the membership (deactivated, or given a role that
    # needs no approval) before anyone decided.
    CANCELLED = "CANCELLED", _("Cancelled")


class RoleRequestKind(models.TextChoices):
    GRANT = "GRANT", _("New role")
    CHANGE = "CHANGE", _("Role change")
    RESTORE = "RESTORE", _("Role restored")


class RoleRequest(models.Model):
    """A role that reads case content (or the administrator role), asked for by an
    administrator and waiting for a second person: the unit's coordinator or another
    administrator (``permissions.ROLES_NEEDING_APPROVAL``). Until then the membership it
    concerns stays as it was, or inactive when it is new or suspended."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="role_requests"
    )
    # The membership's user and organisation, kept here so that a coordinator's list and
    # the "one pending request" rule read one table.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="role_requests"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_signatory = models.BooleanField(_("signs decrees"), default=False)
    kind = models.CharField(_("kind"), max_length=8, choices=RoleRequestKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoleRequestStatus.choices,
        default=RoleRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_requests_made"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="role_requests_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="PENDING"),
                name="one_pending_role_request",
            )
        ]
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")

    def __str__(self) -> str:
        return f"Role request #{self.pk}"


class SentForm(models.Model):
    """A form that was sent, by the one-time key each rendered form carries (see
    ``accounts.once``): a second send of the same form (a double tap, a resend after a
    timeout) is answered with where the first one led instead of doing the work again.
    Kept for a day."""

    # Whose send: "u:<user id>" for staff, "s:<keyed hash of the session>" for a
    # reporter following her report (never the session key itself).
    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=32)
    path = models.CharField(max_length=255)
    sent_at = models.DateTimeField()
    # Where the first send led (its redirect); empty while it is still being handled.
    location = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="one_sent_form_per_owner_key")
        ]
        indexes = [models.Index(fields=["owner", "sent_at"], name="accounts_se_owner_sent_idx")]

    def __str__(self) -> str:
        return f"sent form {self.key}"
