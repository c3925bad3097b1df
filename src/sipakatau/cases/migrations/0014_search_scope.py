"""The unit's own name index (people.ScopedNameToken), filled for the cases that exist:
each person's name tokens once per unit whose cases she is part of. From now on the
services keep it (cases.services.search_scope). Plus the index of a unit's drafts."""

from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    scoped = apps.get_model("people", "ScopedNameToken")._meta.db_table
    tokens = apps.get_model("people", "PersonNameToken")._meta.db_table
    parties = apps.get_model("cases", "CaseParty")._meta.db_table
    cases = apps.get_model("cases", "Case")._meta.db_table
    # One statement, on both databases: the same rows the services would write.
    schema_editor.execute(
        f"INSERT INTO {scoped} (scope_id, token_hash, person_id) "  # noqa: S608
        f"SELECT DISTINCT c.organisation_id, t.token_hash, t.person_id "
        f"FROM {parties} p JOIN {cases} c ON c.id = p.case_id "
        f"JOIN {tokens} t ON t.person_id = p.person_id"
    )


def empty(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("people", "ScopedNameToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_organisation_contact"),
        ("cases", "0013_follow_up_list_indexes"),
        ("people", "0003_scoped_name_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("intake_completed_at__isnull", True)),
                fields=["organisation"],
                name="case_unit_draft_idx",
            ),
        ),
        migrations.RunPython(fill, empty),
    ]
