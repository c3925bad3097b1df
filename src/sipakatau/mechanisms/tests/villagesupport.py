"""A desa office in a regency, for the tests of the desa's wording and of a second city:
the village part of a desa's code starts with 2 (Kemendagri); the regency, kecamatan and
desa are test data shaped like the real code list."""

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.areas.services import areas_import
from tests.factories import load_areas, make_organisation

REGENCY = "73.11"
DESA = "73.11.01.2001"


def desa_office_make() -> Organisation:
    load_areas()
    areas_import(
        rows=[
            {"code": REGENCY, "level": "city", "name": "Kabupaten Barru", "parent_code": "73"},
            {
                "code": "73.11.01",
                "level": "kecamatan",
                "name": "Tanete Riaja",
                "parent_code": REGENCY,
            },
            {"code": DESA, "level": "kelurahan", "name": "Lompo Riaja", "parent_code": "73.11.01"},
        ],
        source="test",
    )
    return make_organisation(
        "Kantor Desa Lompo Riaja", type=OrganisationType.KELURAHAN, area_code=DESA
    )
