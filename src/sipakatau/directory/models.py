"""Service providers and the services they give: the referral pathway's address book,
also shown on the public portal where the provider agreed to it."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area

from .codes import ServiceType


class Provider(models.Model):
    """An organisation using Sipakatau (referrals reach its inbox) or an outside service
    (referrals are printed or phoned)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider",
        verbose_name=_("organisation in Sipakatau"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("located in")
    )
    areas_served = models.ManyToManyField(
        Area, related_name="+", blank=True, verbose_name=_("areas served")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    sign_language = models.BooleanField(_("sign language"), default=False)
    cost = models.CharField(
        _("cost"), max_length=200, blank=True, help_text=_("For example: free, or BPJS.")
    )
    # Shown on the public portal only when the provider has agreed to it.
    is_public = models.BooleanField(_("shown to the public"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # A provider is known by its name where it is located: an import matches on
            # this pair to update instead of adding a twin, and two imports racing each
            # other cannot both add one.
            models.UniqueConstraint(Lower("name"), "area", name="one_provider_name_per_area"),
        ]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class ProviderService(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    description = models.CharField(_("details"), max_length=300, blank=True)

    class Meta:
        ordering = ["service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type"], name="one_row_per_provider_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.service_type}"
