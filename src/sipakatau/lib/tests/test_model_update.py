"""model_update: sets and saves only what changed, validates first, and says what changed."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sipakatau.areas.models import Area
from sipakatau.directory.models import Provider
from sipakatau.lib.services import model_update
from tests.factories import WATANG_SOREANG, load_areas

pytestmark = pytest.mark.django_db


def _provider() -> Provider:
    load_areas()
    return Provider.objects.create(
        name="Rumah Aman", area=Area.objects.get(code=WATANG_SOREANG), phone="0421 1"
    )


def test_it_saves_the_changed_fields_and_the_auto_now_stamp_only() -> None:
    provider = _provider()
    Provider.objects.filter(pk=provider.pk).update(
        updated_at=provider.updated_at - timedelta(days=1), hours="kept in the row"
    )

    provider, changed = model_update(
        instance=provider,
        fields=["phone", "cost"],
        data={"phone": "0421 2", "cost": "", "hours": "not in fields"},
    )

    assert changed == ["phone"]
    stored = Provider.objects.get(pk=provider.pk)
    assert stored.phone == "0421 2"
    assert stored.hours == "kept in the row"  # not written: not a changed field
    assert stored.updated_at > provider.created_at


def test_nothing_changed_writes_nothing(django_assert_num_queries: Any) -> None:
    provider = _provider()

    with django_assert_num_queries(0):
        provider, changed = model_update(
            instance=provider, fields=["phone"], data={"phone": "0421 1"}
        )

    assert changed == []


def test_it_validates_before_saving() -> None:
    provider = _provider()

    with pytest.raises(ValidationError) as error:
        model_update(instance=provider, fields=["email"], data={"email": "not an address"})

    assert "email" in error.value.message_dict
    assert Provider.objects.get(pk=provider.pk).email == ""
