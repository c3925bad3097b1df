"""How long a recipient has to accept or decline a referral, per urgency (domain notes:
typical UPTD PPA practice, to confirm with DP3A). The mechanism will own these later."""

from django.db import migrations

RULES = [
    # urgency, amount, unit, basis
    ("EMERGENCY", 2, "hours", "SOP: an emergency is answered the same morning or afternoon"),
    ("URGENT", 24, "hours", "SOP: urgent within one day"),
    ("ROUTINE", 3, "working_days", "SOP: routine within 3 working days"),
]


def load(apps, schema_editor):
    Rule = apps.get_model("referrals", "ReferralDeadlineRule")
    for urgency, amount, unit, basis in RULES:
        Rule.objects.update_or_create(
            urgency=urgency, defaults={"amount": amount, "unit": unit, "basis": basis}
        )


def unload(apps, schema_editor):
    apps.get_model("referrals", "ReferralDeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
