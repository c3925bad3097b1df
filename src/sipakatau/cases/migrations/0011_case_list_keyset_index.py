"""The unit's case list in its order, newest report first and the id to break ties: the
first index reads a page of the list from a position (keyset pages) without sorting or
counting the unit's cases, and covers what ``(organisation, reported_at)`` served
(statistics of a period filter by unit and report time). The second does the same for the
list filtered by status, the filter used most, and covers ``(organisation, status)``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_recompute_gbvims_context"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "reported_at", "id"], name="case_unit_reported_id_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "status", "reported_at", "id"],
                name="case_unit_status_reported_idx",
            ),
        ),
    ]
