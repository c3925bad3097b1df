"""The social demo: both pilot kelurahan get households, documents, a rule's worklist and
the month's proposal; loading again adds nothing."""

import pytest
from django.test import override_settings

from sipakatau.social.demo import load_demo
from sipakatau.social.models import (
    DocumentHelp,
    Household,
    ProposalBatch,
    ScreeningRule,
    WorklistEntry,
)


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
def test_the_demo_fills_both_pilot_kelurahan_once() -> None:
    from sipakatau.demo.services import demo_load

    demo_load()  # the other apps' demo (accounts, cases...); may already call load_demo
    load_demo()
    assert Household.objects.filter(kelurahan__code="73.72.03.1003").count() == 3
    assert Household.objects.filter(kelurahan__code="73.72.01.1005").count() == 2
    assert ScreeningRule.objects.count() == 2
    assert WorklistEntry.objects.filter(household__kelurahan__code="73.72.03.1003").exists()
    assert ProposalBatch.objects.count() == 2
    assert all(batch.items.count() == 1 for batch in ProposalBatch.objects.all())
    assert DocumentHelp.objects.count() == 2
    assert load_demo() == 0
    assert Household.objects.count() == 5
