"""The template questionnaire, opened and answered through the app's own service by the
kader of Bahagia: a small fixed dataset for the analysis pages, the gap list and the
printed report. Hand counts are beside the data."""

from typing import Any

from sipakatau.accounts.models import Membership
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, QuestionnaireStatus

# What every respondent below answers alike (the template marks these required).
ALIKE: dict[str, Any] = {
    "dokumen/dokumen_dimiliki": ["ktp", "kk"],
    "perlindungan_sosial/program": ["tidak_ada"],
    "layanan/akses_kesehatan": "mudah",
    "layanan/akses_hukum": "sulit",
    "layanan/akses_psikososial": "tidak_tahu",
    "kekerasan/tahu_tempat_lapor": "tidak",
    "hambatan_grup/hambatan": ["biaya"],
    "prioritas/kebutuhan_utama": "dokumen",
    **{f"wg/{d}": "1" for d in ("wg_melihat", "wg_mendengar", "wg_mengingat", "wg_merawat_diri")},
    "wg/wg_berkomunikasi": "1",
}


def person(jk: str, umur: int, groups: list[str], needs: list[str], walking: str = "1") -> dict:
    return {
        **ALIKE,
        "responden/jk": jk,
        "responden/umur": umur,
        "responden/kelompok": groups,
        "wg/wg_berjalan": walking,
        "prioritas/kebutuhan": needs,
    }


# (rw, answers, how many such respondents). Hand counts of the needs question over the 14:
# dokumen 12 (6 + 4 + 2), kesehatan 8 (6 + 2), hukum 4 (4), psikososial 2 (2),
# pendidikan 0. RW 001: 10 respondents, RW 002: 4. Women 10, men 4. Disability (walking
# "a lot of difficulty"): the 2 of the last row.
DATA: list[tuple[str, dict, int]] = [
    ("001", person("P", 34, ["perempuan"], ["dokumen", "kesehatan"]), 6),
    ("001", person("P", 40, ["perempuan", "keluarga_miskin"], ["dokumen", "hukum"]), 4),
    ("002", person("L", 67, ["lansia"], ["psikososial"]), 2),
    ("002", person("L", 70, ["lansia", "disabilitas"], ["dokumen", "kesehatan"], "3"), 2),
]


def answered_template(analyst: Membership, enumerator: Membership) -> Questionnaire:
    questionnaire = services.questionnaire_load_template(actor=analyst)
    questionnaire = services.questionnaire_set_status(
        actor=analyst, questionnaire=questionnaire, status=QuestionnaireStatus.ACTIVE
    )
    for rw, answers, times in DATA:
        for _ in range(times):
            services.submission_record(
                actor=enumerator, questionnaire=questionnaire, rw=rw, rt="1", answers=answers
            )
    return questionnaire
