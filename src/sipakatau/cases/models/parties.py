"""Who is involved in a case, and how each suspected perpetrator relates to each victim."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.people.models import Person

from ..codes import (
    Citizenship,
    Education,
    MaritalStatus,
    Occupation,
    PartyRole,
    RelationDetail,
    Relationship,
)
from .case import Case


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    # Age at the time of the incident, so a child victim stays a child in the statistics
    # (UU 35/2014: a child is under 18) even after a birthday.
    age_at_incident = models.PositiveSmallIntegerField(_("age at the time"), null=True, blank=True)
    # A victim's SIMFONI-PPA particulars, as they were when the case was recorded (a pupil
    # then stays a pupil in that year's figures); blank when not known or not a victim.
    education = models.CharField(
        _("education"), max_length=24, choices=Education.choices, blank=True, default=""
    )
    # Also a suspected perpetrator's main occupation (GBVIMS), from the same national list.
    occupation = models.CharField(
        _("occupation"),
        max_length=24,
        choices=Occupation.choices,
        blank=True,
        default="",
        help_text=_(
            "SIMFONI-PPA occupation of a victim, or the main occupation of a suspected "
            "perpetrator (GBVIMS); blank when not known."
        ),
    )
    marital_status = models.CharField(
        _("marital status"), max_length=16, choices=MaritalStatus.choices, blank=True, default=""
    )
    citizenship = models.CharField(
        _("citizenship"), max_length=8, choices=Citizenship.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"], name="one_role_per_person_per_case"
            )
        ]
        verbose_name = _("person in the case")
        verbose_name_plural = _("people in the case")

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"

    @property
    def is_child(self) -> bool:
        return self.age_at_incident is not None and self.age_at_incident < 18


class PerpetratorLink(models.Model):
    """The SIMFONI relationship of one suspected perpetrator to one victim, and the finer
    relation where the category lumps several together."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrator_links")
    victim = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    perpetrator = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(_("relationship"), max_length=24, choices=Relationship.choices)
    # SIMFONI's category stays what SIMFONI reads; the finer relation is what GBVIMS
    # needs to tell a partner from a friend (codes.is_intimate_partner).
    relation_detail = models.CharField(
        _("relation in detail"),
        max_length=24,
        choices=RelationDetail.choices,
        blank=True,
        default="",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "perpetrator"], name="one_relationship_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.perpetrator_id}→{self.victim_id}: {self.relationship}"
