"""What happened: kept apart from when and how it was reported."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area
from sipakatau.lib.fields import EncryptedTextField

from ..codes import (
    AbductionType,
    GbvimsType,
    HarmfulPractice,
    LegalAction,
    PerpetratorCount,
    PlaceType,
    ReferredFrom,
    ReportedElsewhere,
    TimeOfDay,
    YesNoUnknown,
)
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
    goods_exchanged = models.BooleanField(
        default=False,
        help_text=_("Money, goods or a favour given or promised in exchange for sex (GBVIMS)."),
    )
    abduction = models.BooleanField(
        default=False,
        help_text=_("Taken away or held against her or his will (GBVIMS); see abduction type."),
    )
    tpks_offences = models.JSONField(_("TPKS offences"), default=list, blank=True)
    # GBVIMS intake fields (Incident Recorder columns), each optional: blank is "not asked".
    time_of_day = models.CharField(
        _("time of day"),
        max_length=16,
        choices=TimeOfDay.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: when in the day the incident took place."),
    )
    harmful_practice = models.CharField(
        _("harmful traditional practice"),
        max_length=24,
        choices=HarmfulPractice.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: whether the incident was a harmful traditional practice, and which."),
    )
    abduction_type = models.CharField(
        _("type of abduction"),
        max_length=24,
        choices=AbductionType.choices,
        blank=True,
        default="",
        help_text=_(
            "GBVIMS: abduction at the time of the incident. Any type but 'None' also sets "
            "'abduction', from which the context 'possible sexual slavery' is derived."
        ),
    )
    reported_elsewhere = models.CharField(
        _("reported elsewhere before"),
        max_length=24,
        choices=ReportedElsewhere.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: whether the survivor had reported this incident anywhere else."),
    )
    reported_to = models.JSONField(
        _("reported to"),
        default=list,
        blank=True,
        help_text=_("GBVIMS: the kinds of service it was reported to (ReportedTo codes)."),
    )
    previous_incidents = models.CharField(
        _("previous incidents"),
        max_length=8,
        choices=YesNoUnknown.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: whether the survivor had suffered gender-based violence before."),
    )
    legal_action = models.CharField(
        _("wants legal action"),
        max_length=16,
        choices=LegalAction.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: whether the survivor wants to pursue legal action."),
    )
    perpetrator_count = models.CharField(
        _("number of perpetrators"),
        max_length=12,
        choices=PerpetratorCount.choices,
        blank=True,
        default="",
        help_text=_(
            "GBVIMS band (1, 2, 3, more than 3, not known) as the survivor told it; the "
            "export takes the larger of this and the perpetrators recorded in the case."
        ),
    )
    referred_from = models.CharField(
        _("referred from"),
        max_length=24,
        choices=ReferredFrom.choices,
        blank=True,
        default="",
        help_text=_("GBVIMS: who referred the survivor to the unit."),
    )
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
