"""The decree number in parts (issue 17): the archive classification code and the
office code replace the format string, and the yearly register replaces the single
counter. Existing formats are split where they can be: "400.x/{seq:02d}/Kel-WS/{year}"
becomes the classification code "400.x" (incomplete: the office fills in the real code
before the next issue) and the office code "Kel-WS". The place loses "Kota"/"Kabupaten"."""

import re

import django.db.models.deletion
from django.db import migrations, models

PREFIXES = ("Kota ", "Kabupaten ", "Kab. ")


def _parts(number_format):
    """The classification code (first part) and the office code (the parts that are no
    placeholder) of an old format; what cannot be read is left blank, and so incomplete."""
    parts = [p.strip() for p in (number_format or "").split("/")]
    code = parts[0] if parts and "{" not in parts[0] and "}" not in parts[0] else ""
    office = "/".join(p for p in parts[1:] if p and "{" not in p and "}" not in p)
    return code[:40], office[:40]


def forward(apps, schema_editor):
    Mechanism = apps.get_model("mechanisms", "Mechanism")
    DecreeSequence = apps.get_model("mechanisms", "DecreeSequence")
    Decree = apps.get_model("mechanisms", "Decree")
    for mechanism in Mechanism.objects.all():
        mechanism.classification_code, mechanism.office_code = _parts(mechanism.number_format)
        for prefix in PREFIXES:
            if mechanism.place.startswith(prefix):
                mechanism.place = mechanism.place[len(prefix) :].strip()
        mechanism.save(update_fields=["classification_code", "office_code", "place"])
        if mechanism.last_number_year:
            DecreeSequence.objects.create(
                mechanism=mechanism,
                year=mechanism.last_number_year,
                last_number=mechanism.last_number,
            )
    for decree in Decree.objects.all():
        parts = decree.number.split("/")
        if len(parts) > 1 and re.fullmatch(r"\d{1,6}", parts[1]):
            decree.sequence = int(parts[1])
            decree.save(update_fields=["sequence"])


def backward(apps, schema_editor):
    Mechanism = apps.get_model("mechanisms", "Mechanism")
    for mechanism in Mechanism.objects.all():
        last = mechanism.sequences.order_by("-year").first()
        mechanism.number_format = (
            f"{mechanism.classification_code or '400'}/{{seq:02d}}/"
            f"{mechanism.office_code or 'Kel'}/{{year}}"
        )
        mechanism.last_number = last.last_number if last else 0
        mechanism.last_number_year = last.year if last else None
        mechanism.save(update_fields=["number_format", "last_number", "last_number_year"])


class Migration(migrations.Migration):
    dependencies = [
        ("mechanisms", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="decree",
            name="sequence",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="number in the year"
            ),
        ),
        migrations.AddField(
            model_name="decree",
            name="signer_rank",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="rank and grade (pangkat/golongan)"
            ),
        ),
        migrations.AddField(
            model_name="mechanism",
            name="classification_code",
            field=models.CharField(
                blank=True, max_length=40, verbose_name="archive classification code"
            ),
        ),
        migrations.AddField(
            model_name="mechanism",
            name="office_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="office code"),
        ),
        migrations.AlterField(
            model_name="mechanism",
            name="place",
            field=models.CharField(max_length=100, verbose_name="place of issue"),
        ),
        migrations.CreateModel(
            name="DecreeSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "last_number",
                    models.PositiveIntegerField(default=0, verbose_name="last number given"),
                ),
                (
                    "mechanism",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sequences",
                        to="mechanisms.mechanism",
                    ),
                ),
            ],
            options={
                "verbose_name": "decree register",
                "verbose_name_plural": "decree registers",
                "ordering": ["mechanism", "year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mechanism", "year"), name="one_sequence_per_year"
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(
            model_name="mechanism",
            name="last_number",
        ),
        migrations.RemoveField(
            model_name="mechanism",
            name="last_number_year",
        ),
        migrations.RemoveField(
            model_name="mechanism",
            name="number_format",
        ),
    ]
