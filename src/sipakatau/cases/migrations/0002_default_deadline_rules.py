"""The default deadline rules (labels are stored in English and translated on display;
gettext_noop marks them for the catalogue).

The default deadline rules (domain notes: typical local SOPs, to confirm with DP3A).

An issued mechanism (SK Lurah) brings its own rule set later; these stay as "default".
"""

from django.db import migrations
from django.utils.translation import gettext_noop as _

RULES = [
    # code, label, trigger, risk level ("" = any), amount, unit, legal basis
    ("first_contact", _("Contact the survivor"), "case_opened", "HIGH", 2, "hours", "SOP: high risk is served at once"),
    ("first_contact", _("Contact the survivor"), "case_opened", "MEDIUM", 6, "hours", "SOP: medium risk within 6 hours"),
    ("first_contact", _("Contact the survivor"), "case_opened", "UNASSESSED", 6, "hours", "SOP: unknown risk counts as medium"),
    ("first_contact", _("Contact the survivor"), "case_opened", "LOW", 3, "working_days", "SOP: follow-up within 3 working days"),
    ("assessment", _("Assess risk and needs"), "case_opened", "", 3, "days", "Permen PPPA 2/2022: assessment after intake"),
    ("police_forwarding", _("Forward the sexual-violence report to the police"), "sexual_violence", "", 72, "hours", "UU 12/2022 TPKS Pasal 41 (3×24 jam)"),
    ("follow_up", _("Follow up with the survivor"), "case_active", "", 14, "days", "SOP: follow-up at least every 14 days"),
]


def load(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for code, label, trigger, risk, amount, unit, basis in RULES:
        DeadlineRule.objects.update_or_create(
            rule_set="default", code=code, risk_level=risk,
            defaults={"label": label, "trigger": trigger, "amount": amount, "unit": unit, "legal_basis": basis},
        )


def unload(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(rule_set="default").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
