"""The demo referral: one, from Bahagia's active demo case to Dinsos, once."""

import pytest
from django.test import override_settings

from sipakatau.accounts.models import Membership
from sipakatau.demo.referrals import demo_referrals
from sipakatau.demo.services import demo_load
from sipakatau.referrals.queries import received_referrals_visible_to


@pytest.mark.django_db
def test_the_demo_refers_the_active_bahagia_case_to_dinsos_once() -> None:
    # demo_load() makes the referral itself; running it again adds none.
    with override_settings(DEMO_MODE=True):
        demo_load()
    assert demo_referrals() == 0
    officer = Membership.objects.get(user__username="dinsos.petugas")
    (referral,) = received_referrals_visible_to(officer)
    assert referral.sender.short_name == "LBK-KK Bahagia"
    assert referral.consent is not None
