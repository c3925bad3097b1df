"""The programmes a kelurahan proposes households for, as data (domain README, "Social
protection"). No amounts: they change every year and are Dinsos's to announce."""

from typing import Any

from django.db import migrations

# code, name, parent, given to, target groups, decided by, city programme, description
PROGRAMMES: list[tuple[str, str, str, str, list[str], str, bool, str]] = [
    ("PKH", "Program Keluarga Harapan (PKH)", "", "HOUSEHOLD",
     ["POOR_HOUSEHOLDS", "PREGNANT_WOMEN", "CHILDREN", "SCHOOL_CHILDREN", "ELDERLY", "DISABILITY"],
     "KEMENSOS", False, "Conditional cash transfer for poor families in DTSEN."),
    ("BPNT", "Bantuan Pangan Non Tunai / Program Sembako", "", "HOUSEHOLD",
     ["POOR_HOUSEHOLDS"], "KEMENSOS", False, "Food assistance for poor families in DTSEN."),
    ("PBI_JK", "Penerima Bantuan Iuran Jaminan Kesehatan (PBI-JK)", "", "PERSON",
     ["POOR_HOUSEHOLDS", "UNINSURED"], "KEMENSOS", False,
     "BPJS Kesehatan paid by the state for poor and vulnerable people."),
    ("ATENSI", "Asistensi Rehabilitasi Sosial (ATENSI)", "", "PERSON", [], "KEMENSOS", False,
     "Social rehabilitation support; proposed through one of its clusters."),
    ("ATENSI_ANAK", "ATENSI Anak", "ATENSI", "PERSON", ["CHILDREN"], "KEMENSOS", False,
     "Children in need of special protection."),
    ("ATENSI_DISABILITAS", "ATENSI Penyandang Disabilitas", "ATENSI", "PERSON", ["DISABILITY"],
     "KEMENSOS", False, "People with disabilities."),
    ("ATENSI_LANSIA", "ATENSI Lanjut Usia", "ATENSI", "PERSON", ["ELDERLY"], "KEMENSOS", False,
     "Elderly people."),
    ("ATENSI_TUNA_SOSIAL", "ATENSI Tuna Sosial dan Korban Perdagangan Orang", "ATENSI", "PERSON",
     ["SOCIAL_DEVIANCE"], "KEMENSOS", False,
     "People with social deviance problems and victims of trafficking."),
    ("ATENSI_NAPZA", "ATENSI Korban Penyalahgunaan NAPZA", "ATENSI", "PERSON", ["DRUG_VICTIMS"],
     "KEMENSOS", False, "Victims of drug abuse."),
    ("ASLUT", "Asistensi Sosial Lanjut Usia (ASLUT)", "", "PERSON", ["ELDERLY"], "KEMENSOS",
     False, "Support for elderly people, especially those living alone."),
    ("ASPD", "Asistensi Sosial Penyandang Disabilitas", "", "PERSON", ["DISABILITY"],
     "KEMENSOS", False, "Support for people with severe disabilities."),
    ("BPJS_PEMDA", "BPJS Kesehatan gratis dari Pemda (PBI daerah)", "", "PERSON",
     ["POOR_HOUSEHOLDS", "UNINSURED"], "PEMDA", True,
     "Health insurance paid by the city for residents left out of PBI-JK."),
    ("RTLH", "Rehabilitasi Rumah Tidak Layak Huni (RTLH)", "", "HOUSEHOLD",
     ["UNFIT_HOUSING", "POOR_HOUSEHOLDS"], "PEMDA", True,
     "Renovation of unfit houses of poor families."),
]


def load(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("social", "Programme")
    by_code: dict[str, Any] = {}
    for code, name, parent, level, groups, authority, local, description in PROGRAMMES:
        by_code[code], _ = Programme.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": by_code.get(parent),
                "target_level": level,
                "target_groups": groups,
                "authority": authority,
                "is_local": local,
                "description": description,
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("social", "Programme")
    codes = [row[0] for row in PROGRAMMES]
    Programme.objects.filter(code__in=codes, parent__isnull=False).delete()
    Programme.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("social", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
