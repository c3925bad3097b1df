"""Deadlines as data: rules say what must happen by when; each case gets its instances.

The default rules come from typical local SOPs (domain notes, marked "confirm with
DP3A"); an issued mechanism (SK Lurah) will bring its own rule set, and a case keeps the
rule set it was opened under.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case


class DeadlineRule(models.Model):
    class Trigger(models.TextChoices):
        CASE_OPENED = "case_opened", _("When the case is opened")
        SEXUAL_VIOLENCE_RECORDED = "sexual_violence", _("When sexual violence is recorded")
        CASE_ACTIVE = "case_active", _("While the case is active (repeating)")

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        WORKING_DAYS = "working_days", _("working days")

    rule_set = models.CharField(max_length=64, default="default")
    code = models.CharField(max_length=48)
    label = models.CharField(_("what must happen"), max_length=200)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    # Empty: for every risk level; else only for cases at this level.
    risk_level = models.CharField(max_length=16, blank=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=Unit.choices)
    legal_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["rule_set", "code", "risk_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code", "risk_level"], name="one_rule_per_code_and_risk"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_set}:{self.code}:{self.risk_level or '*'}"


class CaseDeadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(max_length=48)
    label = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["met_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.code} due {self.due_at:%Y-%m-%d %H:%M}"


class DeadlineTally(models.Model):
    """How the deadlines of one step of a rule set stand, kept current by the services
    that write them (``cases.deadline_tally``), so that a mechanism's monitoring page reads
    a few rows instead of counting every deadline it ever governed.

    What does not change with the clock is counted here; whether an open deadline is still
    pending or already overdue changes with it, and is counted when read, over the open
    deadlines not yet due (an index range, as few as the deadlines falling due from now
    on). The row with an empty ``code`` counts in ``total`` the cases with any deadline."""

    rule_set = models.CharField(max_length=64)
    code = models.CharField(max_length=48, blank=True)
    total = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    open = models.IntegerField(default=0)  # not met, the case not closed
    closed_unmet = models.IntegerField(default=0)  # not met, the case closed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="one_tally_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.rule_set}:{self.code or '*'}"
