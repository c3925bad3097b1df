"""Every shareable field says how it is copied and how it reads."""

from sipakatau.referrals.codes import SharedField
from sipakatau.referrals.projection import SHARED_FIELDS


def test_every_shared_field_has_exactly_one_spec() -> None:
    assert set(SHARED_FIELDS) == set(SharedField.values)
