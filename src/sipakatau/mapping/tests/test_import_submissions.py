"""Import of KoBoToolbox / ODK Central exports into a questionnaire."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from sipakatau.accounts.models import Membership
from sipakatau.audit.models import AuditEvent
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, Submission
from sipakatau.mapping.tests.support import imported

KOBO_HEADER = [
    "start",
    "end",
    "responden/jk",
    "responden/umur",
    "responden/kelompok",
    "responden/kelompok/perempuan",
    "responden/kelompok/disabilitas",
    "responden/kelompok/lansia",
    "punya_anak",
    "kebutuhan",
    "kebutuhan_lain",
    "penghasilan",
    "tanggal",
    "rw",
    "rt",
    "_id",
    "_uuid",
    "_submission_time",
]
KOBO_ROWS = [
    # 2: good, XML values, select_multiple space-separated
    [
        "2026-11-01T09:00:00+08:00",
        "",
        "L",
        "30",
        "perempuan disabilitas",
        "",
        "",
        "",
        "ya",
        "kesehatan lain",
        "Butuh kursi roda",
        "1.5",
        "2026-11-01",
        "1",
        "2",
        "1",
        "uuid-a1",
        "2026-11-01T01:10:00Z",
    ],
    # 3: good, labels, select_multiple labels separated by ";" and ","
    [
        "",
        "",
        "Perempuan",
        "45",
        "Perempuan; Lansia",
        "",
        "",
        "",
        "Tidak",
        "Layanan kesehatan, Bantuan hukum",
        "",
        "",
        "",
        "2",
        "1",
        "2",
        "uuid-a2",
        "2026-11-01T02:00:00Z",
    ],
    # 4: bad, age is not a number
    [
        "",
        "",
        "P",
        "tiga puluh",
        "",
        "",
        "",
        "",
        "",
        "hukum",
        "",
        "",
        "",
        "1",
        "1",
        "3",
        "uuid-a3",
        "",
    ],
    # 5: bad, sex not in the choices
    ["", "", "X", "20", "", "", "", "", "", "", "", "", "", "1", "1", "4", "uuid-a4", ""],
    # 6: bad, no key
    ["", "", "P", "20", "", "", "", "", "", "", "", "", "", "1", "1", "", "", ""],
    # 7: good, select_multiple as one 0/1 column per choice
    ["", "", "P", "61", "", "1", "0", "1", "", "dokumen", "", "", "", "3", "1", "6", "uuid-a6", ""],
    # 8: bad, age breaks the constraint (. <= 120)
    ["", "", "P", "150", "", "", "", "", "", "", "", "", "", "1", "1", "7", "uuid-a7", ""],
    # 9: the same submission as row 2 again (a KoBo export joined twice)
    ["", "", "L", "30", "perempuan", "", "", "", "", "", "", "", "", "1", "2", "1", "uuid-a1", ""],
]


def kobo_csv(delimiter: str = ",") -> bytes:
    lines = [KOBO_HEADER, *KOBO_ROWS]
    text = "\n".join(delimiter.join(f'"{c}"' for c in line) for line in lines)
    return ("\ufeff" + text).encode("utf-8")


def test_a_kobo_export_is_imported_with_its_bad_rows_reported(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = imported(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )

    assert (run.rows_total, run.rows_created, run.rows_duplicate, run.rows_rejected) == (8, 3, 1, 4)
    assert [r["row"] for r in run.rejected] == [4, 5, 6, 8]
    reasons = json.dumps(run.rejected)
    assert '"umur\\" must be a whole number' in reasons
    assert '"jk\\" has an answer that is not in its choices' in reasons
    assert "no submission key" in reasons
    assert "constraint" in reasons
    assert "tiga puluh" not in reasons and '"X"' not in reasons  # no values in the report
    first, second, third = Submission.objects.filter(questionnaire=questionnaire).order_by(
        "source_key"
    )
    assert first.answers == {
        "responden/jk": "L",
        "responden/umur": 30,
        "responden/kelompok": ["perempuan", "disabilitas"],
        "punya_anak": "ya",
        "kebutuhan": ["kesehatan", "lain"],
        "penghasilan": 1.5,
        "tanggal": "2026-11-01",
    }
    assert first.private == {"kebutuhan_lain": "Butuh kursi roda"}
    assert (first.rw, first.rt, first.source) == ("001", "002", "KOBO")
    assert second.answers["responden/jk"] == "P"
    assert second.answers["responden/kelompok"] == ["perempuan", "lansia"]
    assert second.answers["kebutuhan"] == ["kesehatan", "hukum"]
    assert second.answers["punya_anak"] == "tidak"
    assert third.answers["responden/kelompok"] == ["perempuan", "lansia"]
    assert AuditEvent.objects.filter(action="mapping.submissions_imported").count() == 1


def test_the_free_text_is_stored_encrypted(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    from django.db import connection

    imported(actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv")
    with connection.cursor() as cursor:
        cursor.execute("SELECT private, answers FROM mapping_submission")
        stored = " ".join(str(c) for row in cursor.fetchall() for c in row)
    assert "kursi roda" not in stored
    assert "kesehatan" in stored  # coded answers stay countable


def test_re_importing_the_same_file_duplicates_nothing(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    imported(actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv")
    again = imported(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(";"), file_name="kobo.csv"
    )

    assert (again.rows_created, again.rows_duplicate, again.rows_rejected) == (0, 4, 4)
    assert Submission.objects.filter(questionnaire=questionnaire).count() == 3


def test_an_odk_central_xlsx_with_dashes_and_key_is_imported(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "SubmissionDate",
            "responden-jk",
            "responden-umur",
            "responden-kelompok",
            "kebutuhan",
            "meta-instanceID",
            "KEY",
        ]
    )
    sheet.append(
        ["2026-11-02T03:00:00.000Z", "P", 22, "lansia", "hukum dokumen", "uuid:b1", "uuid:b1"]
    )
    sheet.append(["2026-11-02T03:05:00.000Z", "L", 70.0, "", "", "uuid:b2", "uuid:b2"])
    out = io.BytesIO()
    book.save(out)

    run = imported(
        actor=analyst, questionnaire=questionnaire, data=out.getvalue(), file_name="odk.xlsx"
    )

    assert (run.source, run.rows_created, run.rows_rejected) == ("ODK", 2, 0)
    first = Submission.objects.get(source_key="b1")
    assert first.answers == {
        "responden/jk": "P",
        "responden/umur": 22,
        "responden/kelompok": ["lansia"],
        "kebutuhan": ["hukum", "dokumen"],
    }
    assert first.submitted_at.isoformat() == "2026-11-02T03:00:00+00:00"


def test_an_enumerator_and_an_outsider_cannot_import(
    enumerator: Membership, outsider: Membership, questionnaire: Questionnaire
) -> None:
    for who in (enumerator, outsider):
        with pytest.raises(PermissionDenied):
            services.submissions_import(
                actor=who, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
            )
    assert not Submission.objects.exists()
