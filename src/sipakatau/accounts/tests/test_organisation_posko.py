"""An administrator writes where the unit's posko is and when it is open; the public home
page shows it. Another organisation's administrator cannot."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from tests.factories import Persona

pytestmark = pytest.mark.django_db


def _edit(organisation: Organisation, **changes: str) -> dict[str, str]:
    data = {"name": organisation.name, "short_name": organisation.short_name, "is_active": "on"}
    data.update(changes)
    return data


def test_an_admin_sets_the_posko_and_hours_of_her_unit(
    bahagia_admin: Persona, bahagia: Organisation
) -> None:
    url = reverse("accounts:organisation_detail", args=[bahagia.pk])
    assertContains(bahagia_admin.client.get(url), 'name="posko_address"')

    response = bahagia_admin.client.post(
        url, _edit(bahagia, posko_address=" Jl. Posko 3 ", service_hours="Senin 08.00-12.00")
    )

    assert response.status_code == 302
    bahagia.refresh_from_db()
    assert bahagia.posko_address == "Jl. Posko 3"
    assert bahagia.service_hours == "Senin 08.00-12.00"
    event = AuditEvent.objects.filter(action="organisation.updated").latest("pk")
    assert set(event.fields) == {"posko_address", "service_hours"}
    assertContains(bahagia_admin.client.get(reverse("root")), "Jl. Posko 3")


def test_another_units_admin_cannot_change_it(ikhlas_admin: Persona, bahagia: Organisation) -> None:
    response = ikhlas_admin.client.post(
        reverse("accounts:organisation_detail", args=[bahagia.pk]),
        _edit(bahagia, posko_address="Jl. Palsu 9"),
    )

    assert response.status_code == 404
    bahagia.refresh_from_db()
    assert bahagia.posko_address == ""


def test_setting_up_again_fills_an_empty_posko_but_never_overwrites_one(
    bahagia: Organisation,
) -> None:
    from sipakatau.accounts.services.setup import organisation_ensure

    def ensure(address: str) -> Organisation:
        return organisation_ensure(
            name=bahagia.name,
            short_name=bahagia.short_name,
            type=bahagia.type,
            area=bahagia.area,
            posko_address=address,
        )

    assert ensure("Jl. Pertama 1").posko_address == "Jl. Pertama 1"
    assert ensure("Jl. Kedua 2").posko_address == "Jl. Pertama 1"
    bahagia.refresh_from_db()
    assert bahagia.posko_address == "Jl. Pertama 1"
