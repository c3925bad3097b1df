"""What happened: kept apart from when and how it was reported."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area
from sipakatau.lib.fields import EncryptedTextField

from ..codes import GbvimsType, PlaceType
from .case import Case


class Incident(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="incident")
    # The incident date is often known only roughly; the report date is on the case.
    occurred_on = models.DateField(_("date of the incident"), null=True, blank=True)
    occurred_on_is_estimate = models.BooleanField(_("the date is an estimate"), default=False)
    place_type = models.CharField(_("place"), max_length=32, choices=PlaceType.choices, blank=True)
    # Where it happened, down to the RT when known; NULL with outside_city for elsewhere.
    # A victim domiciled here still counts for the city (SIMFONI), so this is separate
    # from the victim's own address.
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    outside_city = models.BooleanField(_("outside the city"), default=False)
    narrative = EncryptedTextField(_("what happened"), blank=True, default="")
    violence_forms = models.JSONField(_("forms of violence"), default=list, blank=True)
    gbvims_type = models.CharField(
        _("GBVIMS type"), max_length=24, choices=GbvimsType.choices, blank=True
    )
    gbvims_context = models.JSONField(_("GBVIMS case context"), default=list, blank=True)
    # Facts that GBVIMS needs to derive the context: asked in the classification wizard.
    goods_exchanged = models.BooleanField(default=False)
    abduction = models.BooleanField(default=False)
    tpks_offences = models.JSONField(_("TPKS offences"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"incident of case #{self.case_id}"

    @property
    def is_sexual_violence(self) -> bool:
        return (
            "SEKSUAL" in self.violence_forms
            or bool(self.tpks_offences)
            or self.gbvims_type
            in {
                GbvimsType.RAPE,
                GbvimsType.SEXUAL_ASSAULT,
            }
        )
