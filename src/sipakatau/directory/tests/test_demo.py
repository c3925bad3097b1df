"""The demo's directory: the service-giving demo organisations are linked to their
entries, and loading it twice adds nothing."""

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.demo.directory import PROVIDERS, demo_directory
from sipakatau.directory.models import Provider
from sipakatau.directory.queries import provider_for_organisation, providers_for_search
from tests.factories import make_organisation, make_user

from .conftest import area


def test_the_demo_directory_links_the_agencies_and_loads_once(db: None) -> None:
    city = make_organisation(
        "Tim Pengelola Sipakatau Kota Parepare", type=OrganisationType.OTHER, area_code="73.72"
    )
    make_user(city, Role.ADMIN, username="kota.admin")
    linked: list[Organisation] = []
    for entry in PROVIDERS:
        if entry.organisation:
            code = "73.72.03" if "Puskesmas" in entry.organisation else "73.72"
            linked.append(make_organisation(entry.organisation, area_code=code))

    assert demo_directory() == len(PROVIDERS)
    assert demo_directory() == 0

    assert Provider.objects.count() == len(PROVIDERS)
    assert all(provider_for_organisation(org) is not None for org in linked)
    # A kader in Watang Soreang finds the hospital and the civil-registry office.
    found = {p.name for p in providers_for_search(area=area("73.72.03.1003"))}
    assert {"RSUD Andi Makkasau", "Disdukcapil Kota Parepare", "Puskesmas Lakessi"} <= found
