"""A sent form belongs to an owner (a staff user, or a reporter's session by a keyed hash)
instead of a user only. The rows live a day and are only a guard against a second send,
so the table is made again, empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_sent_form")]

    operations = [
        migrations.DeleteModel(name="SentForm"),
        migrations.CreateModel(
            name="SentForm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("owner", models.CharField(max_length=64)),
                ("key", models.CharField(max_length=32)),
                ("path", models.CharField(max_length=255)),
                ("sent_at", models.DateTimeField()),
                ("location", models.CharField(blank=True, default="", max_length=500)),
            ],
            options={
                "indexes": [models.Index(fields=["owner", "sent_at"], name="accounts_se_owner_sent_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "key"), name="one_sent_form_per_owner_key"
                    )
                ],
            },
        ),
    ]
