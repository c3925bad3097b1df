"""Who may change the directory: an administrator within its organisation's area (and
below it), an agency manager its own organisation's entry, nobody else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.directory.models import Provider
from sipakatau.directory.services import (
    provider_create,
    provider_set_active,
    provider_set_services,
    provider_update,
)
from tests.factories import WATANG_BACUKIKI, WATANG_SOREANG, Persona

from .conftest import CITY, LAKESSI, add_provider, area


def _update(actor: Persona, provider: Provider, **changes: object) -> Provider:
    values = {
        "name": provider.name,
        "area": provider.area,
        "address": provider.address,
        "phone": provider.phone,
        "whatsapp": provider.whatsapp,
        "email": provider.email,
        "hours": provider.hours,
        "wheelchair_access": provider.wheelchair_access,
        "sign_language": provider.sign_language,
        "cost": provider.cost,
        "is_public": provider.is_public,
        "areas_served": list(provider.areas_served.all()),
        **changes,
    }
    return provider_update(actor=actor.membership, provider=provider, **values)  # type: ignore[arg-type]


def test_an_admin_adds_a_provider_in_its_own_area_and_the_audit_names_fields_only(
    bahagia_admin: Persona,
) -> None:
    provider = add_provider(
        bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG, phone="0812-3456-7890"
    )

    assert provider.phone == "+6281234567890"
    event = AuditEvent.objects.get(action="provider.created", object_id=str(provider.pk))
    assert "phone" in event.fields and "services" in event.fields
    assert not AuditEvent.objects.filter(fields__icontains="Mawar").exists()


def test_an_admin_cannot_add_or_change_a_provider_outside_its_area(
    bahagia_admin: Persona, ikhlas_admin: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        add_provider(bahagia_admin.membership, "Posyandu Melati", WATANG_BACUKIKI)
    # A kelurahan administrator does not manage the city around it either.
    with pytest.raises(PermissionDenied):
        add_provider(bahagia_admin.membership, "Kantor Kota", CITY)

    theirs = add_provider(ikhlas_admin.membership, "Posyandu Melati", WATANG_BACUKIKI)

    with pytest.raises(PermissionDenied):
        _update(bahagia_admin, theirs, hours="24 jam")
    with pytest.raises(PermissionDenied):
        provider_set_services(actor=bahagia_admin.membership, provider=theirs, services={})
    with pytest.raises(PermissionDenied):
        provider_set_active(actor=bahagia_admin.membership, provider=theirs, active=False)
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.hours == ""


def test_a_city_admin_manages_providers_in_every_kelurahan_below_it(
    city_admin: Persona, bahagia_admin: Persona
) -> None:
    local = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    _update(city_admin, local, hours="Senin 08.00")
    provider_set_active(actor=city_admin.membership, provider=local, active=False)

    local.refresh_from_db()
    assert local.hours == "Senin 08.00"
    assert not local.is_active
    assert AuditEvent.objects.filter(action="provider.deactivated").count() == 1


def test_an_admin_cannot_move_its_provider_out_of_its_area(bahagia_admin: Persona) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    with pytest.raises(PermissionDenied):
        _update(bahagia_admin, provider, area=area(WATANG_BACUKIKI))


def test_an_agency_manager_keeps_its_own_organisations_entry_only(
    dinsos_manager: Persona, dinsos: Organisation, puskesmas_manager: Persona, city_admin: Persona
) -> None:
    own = provider_create(
        actor=dinsos_manager.membership,
        name="Dinas Sosial Kota Parepare",
        area=area(CITY),
        organisation=dinsos,
    )
    other = add_provider(city_admin.membership, "RSUD Andi Makkasau", "73.72.04.1006")

    provider_set_services(
        actor=dinsos_manager.membership, provider=own, services={"BANSOS": "PKH, BPNT"}
    )
    assert list(own.services.values_list("service_type", "description")) == [
        ("BANSOS", "PKH, BPNT")
    ]
    # Not an outside service, nor another agency's entry, nor an unlinked new one.
    with pytest.raises(PermissionDenied):
        _update(dinsos_manager, other, hours="24 jam")
    with pytest.raises(PermissionDenied):
        provider_set_services(actor=puskesmas_manager.membership, provider=own, services={})
    with pytest.raises(PermissionDenied):
        provider_create(actor=dinsos_manager.membership, name="Lain", area=area(CITY))


def test_an_organisation_has_one_entry(dinsos_manager: Persona, dinsos: Organisation) -> None:
    provider_create(
        actor=dinsos_manager.membership, name="Dinsos", area=area(CITY), organisation=dinsos
    )

    with pytest.raises(ValidationError) as refused:
        provider_create(
            actor=dinsos_manager.membership, name="Dinsos 2", area=area(CITY), organisation=dinsos
        )
    assert "organisation" in refused.value.message_dict


def test_other_roles_change_nothing(bahagia_caseworker: Persona, bahagia_admin: Persona) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    with pytest.raises(PermissionDenied):
        add_provider(bahagia_caseworker.membership, "Lain", WATANG_SOREANG)
    with pytest.raises(PermissionDenied):
        provider_set_active(actor=bahagia_caseworker.membership, provider=provider, active=False)


def test_a_twin_name_in_the_same_area_is_refused_whatever_the_capitals(
    bahagia_admin: Persona, city_admin: Persona
) -> None:
    add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    with pytest.raises(ValidationError):
        add_provider(bahagia_admin.membership, "posyandu  MAWAR", WATANG_SOREANG)
    # The same name elsewhere is another provider.
    add_provider(city_admin.membership, "Posyandu Mawar", LAKESSI)


def test_bad_contact_details_are_refused_per_field(bahagia_admin: Persona) -> None:
    with pytest.raises(ValidationError) as refused:
        add_provider(
            bahagia_admin.membership,
            "Posyandu Mawar",
            WATANG_SOREANG,
            phone="telepon saja",
            email="bukan-email",
            whatsapp="0421 21000",
        )

    assert set(refused.value.message_dict) == {"phone", "email", "whatsapp"}
    assert not Provider.objects.exists()


def test_an_unknown_service_is_refused(bahagia_admin: Persona) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    with pytest.raises(ValidationError):
        provider_set_services(
            actor=bahagia_admin.membership, provider=provider, services={"PIJAT": ""}
        )
    assert list(provider.services.values_list("service_type", flat=True)) == ["PSIKOSOSIAL"]
