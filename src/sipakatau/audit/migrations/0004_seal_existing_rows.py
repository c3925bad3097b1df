"""Seal every existing row of the sealed models (issue 18), so that an installation that
upgrades starts with every case, party, consent and referral sealed: from here on an
edit made in the database behind the application's back shows in ``audit_verify``.

The sealed columns are frozen here, as they were registered when this was written
(``audit.tests.test_seals`` checks they still agree): a later change of the list needs a
migration of its own that seals the rows again, after the columns exist. Batched, one
upsert per batch and no long transaction, and running it again changes nothing.
"""

from django.db import migrations

from sipakatau.audit.seals import seal_rows

SEALED = {
    "cases.case": (
        "register_number",
        "organisation",
        "status",
        "risk_level",
        "danger_now",
        "reported_at",
        "created_by",
        "assigned_to",
        "rule_set",
        "closed_at",
        "intake_completed_at",
    ),
    "cases.consent": (
        "case",
        "subject",
        "purpose",
        "recipient_type",
        "given_by_guardian",
        "method",
        "witness_name",
        "proof",
        "given_at",
        "recorded_by",
        "withdrawn_at",
        "withdrawn_reason",
    ),
    "cases.caseparty": ("case", "person", "role", "age_at_incident"),
    "referrals.referral": (
        "register_number",
        "case",
        "sender",
        "subject",
        "provider",
        "recipient",
        "recipient_type",
        "service_type",
        "shared_fields",
        "projection",
        "shared_needs",
        "consent",
        "override_legal_basis",
        "status",
        "due_at",
        "created_by",
        "answered_by",
    ),
}


def seal_everything(apps, schema_editor):
    row_seal = apps.get_model("audit", "RowSeal")
    for label, fields in SEALED.items():
        model = apps.get_model(label)
        seal_rows(
            model,
            fields,
            using=schema_editor.connection.alias,
            seal_model_class=row_seal,
        )


def forget_seals(apps, schema_editor):
    apps.get_model("audit", "RowSeal").objects.using(schema_editor.connection.alias).filter(
        label__in=list(SEALED)
    ).delete()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0003_row_seals"),
        ("cases", "0010_recompute_gbvims_context"),
        ("referrals", "0005_statistics_index"),
    ]

    operations = [migrations.RunPython(seal_everything, forget_seals)]
