"""Who is involved in a case, and how each suspected perpetrator relates to each victim."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.people.models import Person

from ..codes import PartyRole, Relationship
from .case import Case


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    # Age at the time of the incident, so a child victim stays a child in the statistics
    # (UU 35/2014: a child is under 18) even after a birthday.
    age_at_incident = models.PositiveSmallIntegerField(_("age at the time"), null=True, blank=True)
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
    """The SIMFONI relationship of one suspected perpetrator to one victim."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrator_links")
    victim = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    perpetrator = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(_("relationship"), max_length=24, choices=Relationship.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "perpetrator"], name="one_relationship_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.perpetrator_id}→{self.victim_id}: {self.relationship}"
