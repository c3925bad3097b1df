"""Derive again the stored GBVIMS case context of every classified incident (issue 17).

Incidents classified before the finer relation existed (migration 0007) keep the context
of the time: "Pacar/Teman" counted as an intimate partner, so a friend's assault was
intimate-partner violence until someone reclassified it. This applies the function the
service uses now (``classification.gbvims_context_from``, with the case read by
``classification.context_inputs``) to the facts stored on each incident.

Safely, on a hub with a million incidents: in batches of ``BATCH`` incidents, each in its
own short transaction (the migration is not atomic), reading only the columns needed;
it writes only the contexts that change, and running it again changes nothing. No audit
event: like the other data migrations, this is the software correcting a derived value,
not a person's action (the audit trail records who did what; the release notes say
what a migration changed)."""

from collections import defaultdict

from django.db import migrations, transaction

BATCH = 500


def recompute(apps, schema_editor):
    from sipakatau.cases.services.classification import context_inputs, gbvims_context_from

    Incident = apps.get_model("cases", "Incident")
    CaseParty = apps.get_model("cases", "CaseParty")
    PerpetratorLink = apps.get_model("cases", "PerpetratorLink")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Incident.objects.filter(pk__gt=last)
                .exclude(gbvims_type="")
                .order_by("pk")
                .only(
                    "pk", "case_id", "gbvims_type", "goods_exchanged", "abduction", "gbvims_context"
                )[:BATCH]
            )
            if not batch:
                return
            last = batch[-1].pk
            cases = [incident.case_id for incident in batch]
            ages = defaultdict(list)
            for case_id, age in CaseParty.objects.filter(
                case_id__in=cases, role="VICTIM"
            ).values_list("case_id", "age_at_incident"):
                ages[case_id].append(age)
            links = defaultdict(list)
            for case_id, relationship, detail in PerpetratorLink.objects.filter(
                case_id__in=cases
            ).values_list("case_id", "relationship", "relation_detail"):
                links[case_id].append((relationship, detail))
            changed = []
            for incident in batch:
                contexts = gbvims_context_from(
                    gbvims_type=incident.gbvims_type,
                    goods_exchanged=incident.goods_exchanged,
                    abduction=incident.abduction,
                    **context_inputs(links[incident.case_id], ages[incident.case_id]),
                )
                if contexts != incident.gbvims_context:
                    incident.gbvims_context = contexts
                    changed.append(incident)
            Incident.objects.bulk_update(changed, ["gbvims_context"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0009_incident_gbvims_fields"),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True),
    ]
