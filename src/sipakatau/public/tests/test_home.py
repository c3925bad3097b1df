"""The home page shows where each community unit's posko is and when it is open."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_the_units_posko_and_hours_are_shown(anonymous: Client, bahagia: Organisation) -> None:
    Organisation.objects.filter(pk=bahagia.pk).update(
        posko_address="Jl. Posko Bahagia 7", service_hours="Senin-Jumat 08.00-16.00"
    )

    html = anonymous.get(reverse("root"))

    assertContains(html, "Jl. Posko Bahagia 7")
    assertContains(html, "Senin-Jumat 08.00-16.00")


def test_inactive_units_and_agencies_are_not_listed(anonymous: Client, db: None) -> None:
    closed = make_organisation("LBK-KK Tutup")
    Organisation.objects.filter(pk=closed.pk).update(is_active=False, posko_address="Jl. Lama 1")
    office = make_organisation("Dinas Contoh", type=OrganisationType.DINSOS, area_code="73.72")
    Organisation.objects.filter(pk=office.pk).update(posko_address="Jl. Dinas 2")
    kelurahan = make_organisation("Kantor Kelurahan Contoh", type=OrganisationType.KELURAHAN)
    Organisation.objects.filter(pk=kelurahan.pk).update(service_hours="Senin 09.00-12.00")

    html = anonymous.get(reverse("root"))

    assertNotContains(html, "Jl. Lama 1")
    assertNotContains(html, "Jl. Dinas 2")
    assertContains(html, "Senin 09.00-12.00")
