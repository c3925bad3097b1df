"""The code lists against their sources: the finer relation behind SIMFONI's "Pacar/Teman"
(a friend is not an intimate partner for GBVIMS), and the ten forms of UU 12/2022 TPKS
Pasal 4 ayat (2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import (
    INTIMATE_PARTNER_DETAILS,
    RELATION_DETAIL_CATEGORIES,
    TPKS_PASAL_4_AYAT_1,
    TPKS_PASAL_4_AYAT_2,
    Citizenship,
    Education,
    GbvimsContext,
    GbvimsType,
    MaritalStatus,
    Occupation,
    PartyRole,
    RelationDetail,
    Relationship,
    TpksOffence,
    is_intimate_partner,
)
from sipakatau.cases.models import Case, CaseParty, PerpetratorLink
from sipakatau.cases.services import classification, intake
from sipakatau.cases.services.classification import gbvims_context_from
from sipakatau.cases.services.intake import NewPerson, Particulars
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona, english

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")


# --- the finer relation -------------------------------------------------------------------


def test_a_friend_is_never_an_intimate_partner() -> None:
    assert not is_intimate_partner(Relationship.PACAR_TEMAN, RelationDetail.TEMAN)
    # "Pacar/Teman" without the finer relation may be a friend: not counted as a partner.
    assert not is_intimate_partner(Relationship.PACAR_TEMAN, "")
    assert RelationDetail.TEMAN not in INTIMATE_PARTNER_DETAILS


@pytest.mark.parametrize(
    ("relationship", "detail"),
    [
        (Relationship.SUAMI_ISTRI, ""),
        (Relationship.SUAMI_ISTRI, RelationDetail.SUAMI),
        (Relationship.SUAMI_ISTRI, RelationDetail.ISTRI),
        (Relationship.SUAMI_ISTRI, RelationDetail.MANTAN_SUAMI_ISTRI),
        (Relationship.LAINNYA, RelationDetail.MANTAN_SUAMI_ISTRI),
        (Relationship.PACAR_TEMAN, RelationDetail.PACAR),
        (Relationship.PACAR_TEMAN, RelationDetail.MANTAN_PACAR),
        (Relationship.LAINNYA, RelationDetail.MANTAN_PACAR),
    ],
)
def test_a_spouse_a_former_spouse_and_a_present_or_former_boyfriend_are_partners(
    relationship: str, detail: str
) -> None:
    assert is_intimate_partner(relationship, detail)


def test_intimate_partners_are_exactly_spouses_former_spouses_and_boyfriends_or_girlfriends() -> (
    None
):
    assert {
        RelationDetail.SUAMI,
        RelationDetail.ISTRI,
        RelationDetail.MANTAN_SUAMI_ISTRI,
        RelationDetail.PACAR,
        RelationDetail.MANTAN_PACAR,
    } == INTIMATE_PARTNER_DETAILS
    others = set(Relationship.values) - {Relationship.SUAMI_ISTRI}
    assert not any(is_intimate_partner(code) for code in others)


def test_every_finer_relation_says_which_simfoni_categories_it_may_go_with() -> None:
    assert set(RELATION_DETAIL_CATEGORIES) == set(RelationDetail.values)
    for categories in RELATION_DETAIL_CATEGORIES.values():
        assert categories and categories <= set(Relationship.values)
    assert RELATION_DETAIL_CATEGORIES[RelationDetail.TEMAN] == {Relationship.PACAR_TEMAN}


def test_the_simfoni_relationship_codes_are_unchanged() -> None:
    # Other systems read these codes: the finer relation is added beside them.
    assert Relationship.values == [
        "ORANG_TUA", "KELUARGA_SAUDARA", "SUAMI_ISTRI", "PACAR_TEMAN", "TETANGGA", "GURU",
        "MAJIKAN", "REKAN_KERJA", "LAINNYA", "TIDAK_DIKETAHUI",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("detail", "intimate"),
    [(RelationDetail.TEMAN, False), (RelationDetail.PACAR, True), ("", False)],
)
def test_the_derived_context_follows_the_finer_relation(detail: str, intimate: bool) -> None:
    contexts = gbvims_context_from(
        gbvims_type=GbvimsType.PHYSICAL_ASSAULT,
        relationships={Relationship.PACAR_TEMAN},
        relation_details={detail} if detail else set(),
        victim_is_child=False,
        goods_exchanged=False,
        abduction=False,
    )
    assert (GbvimsContext.INTIMATE_PARTNER in contexts) is intimate


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


@pytest.fixture
def case(volunteer: Membership) -> Case:
    return open_case(volunteer)


def _pair(volunteer: Membership, case: Case) -> tuple[CaseParty, CaseParty]:
    victim = add_party(volunteer, case, name="Ani", age=19)
    perpetrator = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Baso", sex="L", age=20)
    return victim, perpetrator


@pytest.mark.parametrize(
    ("detail", "contexts"),
    [
        (RelationDetail.TEMAN, []),
        (RelationDetail.PACAR, [GbvimsContext.INTIMATE_PARTNER]),
        (RelationDetail.MANTAN_PACAR, [GbvimsContext.INTIMATE_PARTNER]),
    ],
)
def test_a_friends_assault_is_not_counted_as_intimate_partner_violence(
    volunteer: Membership, case: Case, detail: str, contexts: list[str]
) -> None:
    # Given a young woman hit by a man recorded as "Pacar/Teman", with the finer relation
    victim, perpetrator = _pair(volunteer, case)
    link = intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship=Relationship.PACAR_TEMAN,
        relation_detail=detail,
    )
    assert (link.relationship, link.relation_detail) == (Relationship.PACAR_TEMAN, detail)

    # when the incident is classified as physical assault
    incident = classification.incident_classify(
        actor=volunteer, case=case, answers={"physical": True}
    )

    # then only a partner makes it intimate-partner violence
    assert incident.gbvims_context == contexts


@pytest.mark.parametrize(
    ("relationship", "detail"),
    [
        (Relationship.GURU, RelationDetail.PACAR),
        (Relationship.PACAR_TEMAN, RelationDetail.SUAMI),
        (Relationship.SUAMI_ISTRI, RelationDetail.TEMAN),
        (Relationship.PACAR_TEMAN, "SAHABAT"),
    ],
)
def test_a_finer_relation_that_does_not_fit_the_category_is_refused(
    volunteer: Membership, case: Case, relationship: str, detail: str
) -> None:
    victim, perpetrator = _pair(volunteer, case)

    with pytest.raises(ValidationError) as refused:
        intake.perpetrator_link_set(
            actor=volunteer,
            case=case,
            victim=victim,
            perpetrator=perpetrator,
            relationship=relationship,
            relation_detail=detail,
        )

    assert "relation_detail" in refused.value.message_dict
    assert not PerpetratorLink.objects.filter(case=case).exists()


def test_the_case_page_records_the_finer_relation(bahagia_volunteer: Persona, case: Case) -> None:
    victim = add_party(bahagia_volunteer.membership, case, name="Ani", age=19)
    client = english(bahagia_volunteer.client)
    url = reverse("cases:party_add", args=[case.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert b'name="relation_detail"' in page.content
    response = client.post(
        url,
        {
            "role": PartyRole.PERPETRATOR,
            "name": "Baso",
            "sex": "L",
            "relationship": Relationship.PACAR_TEMAN,
            "relation_detail": RelationDetail.TEMAN,
            "victim": victim.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    link = PerpetratorLink.objects.get(case=case)
    assert (link.relationship, link.relation_detail) == ("PACAR_TEMAN", "TEMAN")


def test_the_case_page_refuses_a_finer_relation_that_does_not_fit(
    bahagia_volunteer: Persona, case: Case
) -> None:
    victim = add_party(bahagia_volunteer.membership, case, name="Ani", age=19)
    response = english(bahagia_volunteer.client).post(
        reverse("cases:party_add", args=[case.pk]),
        {
            "role": PartyRole.PERPETRATOR,
            "name": "Baso",
            "sex": "L",
            "relationship": Relationship.GURU,
            "relation_detail": RelationDetail.PACAR,
            "victim": victim.pk,
        },
    )

    assert response.status_code == 200
    assert b"This relation does not fit the relationship chosen." in response.content
    assert not PerpetratorLink.objects.filter(case=case).exists()


def test_the_case_page_is_refused_to_an_outsider(ikhlas_volunteer: Persona, case: Case) -> None:
    response = ikhlas_volunteer.client.post(
        reverse("cases:party_add", args=[case.pk]),
        {"role": PartyRole.PERPETRATOR, "name": "Baso", "relationship": "PACAR_TEMAN"},
    )
    assert response.status_code == 404


def test_the_api_takes_and_gives_back_the_finer_relation(
    bahagia_volunteer: Persona, ikhlas_volunteer: Persona, case: Case
) -> None:
    victim, perpetrator = _pair(bahagia_volunteer.membership, case)
    body = {
        "victim_party_id": victim.pk,
        "perpetrator_party_id": perpetrator.pk,
        "relationship": "PACAR_TEMAN",
        "relation_detail": "MANTAN_PACAR",
    }

    answer = post(bearer(bahagia_volunteer), f"{API}/{case.pk}/relationships", body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["relation_detail"] == "MANTAN_PACAR"

    misfit = post(
        bearer(bahagia_volunteer),
        f"{API}/{case.pk}/relationships",
        {**body, "relationship": "GURU"},
    )
    assert misfit.status_code == 422
    outsider = post(bearer(ikhlas_volunteer), f"{API}/{case.pk}/relationships", body)
    assert outsider.status_code == 404
    link = PerpetratorLink.objects.get(case=case)
    assert (link.relationship, link.relation_detail) == ("PACAR_TEMAN", "MANTAN_PACAR")


# --- UU 12/2022 TPKS Pasal 4 ----------------------------------------------------------------

# Pasal 4 ayat (2), in the law's words: "Tindak Pidana Kekerasan Seksual juga meliputi:"
PASAL_4_AYAT_2 = {
    "a": "perkosaan",
    "b": "perbuatan cabul",
    "c": "persetubuhan terhadap Anak, perbuatan cabul terhadap Anak, dan/atau eksploitasi "
    "seksual terhadap Anak",
    "d": "perbuatan melanggar kesusilaan yang bertentangan dengan kehendak Korban",
    "e": "pornografi yang melibatkan Anak atau pornografi yang secara eksplisit memuat "
    "kekerasan dan eksploitasi seksual",
    "f": "pemaksaan pelacuran",
    "g": "tindak pidana perdagangan orang yang ditujukan untuk eksploitasi seksual",
    "h": "kekerasan seksual dalam lingkup rumah tangga",
    "i": "tindak pidana pencucian uang yang tindak pidana asalnya merupakan Tindak Pidana "
    "Kekerasan Seksual",
    "j": "tindak pidana lain yang dinyatakan secara tegas sebagai Tindak Pidana Kekerasan "
    "Seksual sebagaimana diatur dalam ketentuan peraturan perundang-undangan",
}

# The acts each letter names (words of the law above), and the code that stands for each.
ACTS = {
    "a": {"perkosaan": "PERKOSAAN"},
    "b": {"perbuatan cabul": "PERBUATAN_CABUL"},
    "c": {
        "persetubuhan terhadap Anak": "PERSETUBUHAN_ANAK",
        "perbuatan cabul terhadap Anak": "CABUL_ANAK",
        "eksploitasi seksual terhadap Anak": "EKSPLOITASI_SEKSUAL_ANAK",
    },
    "d": {"perbuatan melanggar kesusilaan": "MELANGGAR_KESUSILAAN"},
    "e": {"pornografi": "PORNOGRAFI"},
    "f": {"pemaksaan pelacuran": "PEMAKSAAN_PELACURAN"},
    "g": {"perdagangan orang": "TPPO_SEKSUAL"},
    "h": {"kekerasan seksual dalam lingkup rumah tangga": "KS_RUMAH_TANGGA"},
    "i": {"pencucian uang": "TPPU_TPKS"},
    "j": {"tindak pidana lain": "TPKS_LAINNYA"},
}


def test_every_form_of_pasal_4_ayat_2_has_a_code() -> None:
    assert sorted(TPKS_PASAL_4_AYAT_2) == list("abcdefghij") == sorted(PASAL_4_AYAT_2)
    for letter, words in PASAL_4_AYAT_2.items():
        assert all(act in words for act in ACTS[letter]), letter
        assert sorted(TPKS_PASAL_4_AYAT_2[letter]) == sorted(ACTS[letter].values()), letter


def test_the_tpks_list_is_pasal_4_and_nothing_else() -> None:
    ayat_2 = [code for codes in TPKS_PASAL_4_AYAT_2.values() for code in codes]
    assert len(TPKS_PASAL_4_AYAT_1) == 9
    assert sorted([*TPKS_PASAL_4_AYAT_1, *ayat_2]) == sorted(TpksOffence.values)


def test_the_tpks_codes_already_in_use_are_kept() -> None:
    # Incidents are classified with these codes: new forms are added, none renamed.
    assert TpksOffence.values[:14] == [
        "PELECEHAN_NONFISIK", "PELECEHAN_FISIK", "PEMAKSAAN_KONTRASEPSI",
        "PEMAKSAAN_STERILISASI", "PEMAKSAAN_PERKAWINAN", "PENYIKSAAN_SEKSUAL",
        "EKSPLOITASI_SEKSUAL", "PERBUDAKAN_SEKSUAL", "KSBE", "PERKOSAAN", "PERBUATAN_CABUL",
        "PERSETUBUHAN_ANAK", "CABUL_ANAK", "KS_RUMAH_TANGGA",
    ]  # fmt: skip


def test_a_new_tpks_form_can_be_recorded_and_makes_the_case_sexual_violence(
    volunteer: Membership, case: Case
) -> None:
    add_party(volunteer, case, name="Ani", age=16)

    incident = classification.incident_classify(
        actor=volunteer,
        case=case,
        answers={"psychological": True},
        tpks_offences=[TpksOffence.PORNOGRAFI, TpksOffence.TPPO_SEKSUAL],
    )

    assert incident.tpks_offences == ["PORNOGRAFI", "TPPO_SEKSUAL"]
    assert incident.is_sexual_violence


# --- SIMFONI-PPA victim particulars -------------------------------------------------------


def test_the_victim_particulars_use_simfonis_categories() -> None:
    assert Education.values == [
        "BELUM_SEKOLAH", "TIDAK_SEKOLAH", "TK_PAUD", "SD", "SLTP", "SLTA", "PERGURUAN_TINGGI",
    ]  # fmt: skip
    assert {"PELAJAR_MAHASISWA", "IBU_RUMAH_TANGGA", "TIDAK_BEKERJA", "LAINNYA"} <= set(
        Occupation.values
    )
    # The civil registry's four marital statuses (KTP, KK).
    assert MaritalStatus.values == ["BELUM_KAWIN", "KAWIN", "CERAI_HIDUP", "CERAI_MATI"]
    assert Citizenship.values == ["WNI", "WNA"]


def test_the_victim_screen_records_the_particulars(bahagia_volunteer: Persona, case: Case) -> None:
    client = english(bahagia_volunteer.client)
    url = reverse("cases:intake_victim", args=[case.pk])
    page = client.get(url)
    for name in ("education", "occupation", "marital_status", "citizenship"):
        assert f'name="{name}"'.encode() in page.content

    response = client.post(
        url,
        {
            "name": "Siti Aminah",
            "sex": "P",
            "age": "16",
            "education": "SLTP",
            "occupation": "PELAJAR_MAHASISWA",
            "marital_status": "BELUM_KAWIN",
            "citizenship": "WNI",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM)
    assert (victim.education, victim.occupation, victim.marital_status, victim.citizenship) == (
        "SLTP",
        "PELAJAR_MAHASISWA",
        "BELUM_KAWIN",
        "WNI",
    )


def test_the_victim_screen_leaves_the_particulars_blank_when_not_known(
    bahagia_volunteer: Persona, case: Case
) -> None:
    response = english(bahagia_volunteer.client).post(
        reverse("cases:intake_victim", args=[case.pk]),
        {"name": "Siti Aminah", "sex": "P", "age": "30"},
    )

    assert response.status_code == 302
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM)
    assert (victim.education, victim.occupation, victim.marital_status, victim.citizenship) == (
        "",
        "",
        "",
        "",
    )


def test_the_victim_screen_is_refused_to_an_outsider(ikhlas_volunteer: Persona, case: Case) -> None:
    response = ikhlas_volunteer.client.post(
        reverse("cases:intake_victim", args=[case.pk]),
        {"name": "Siti Aminah", "sex": "P", "education": "SD"},
    )
    assert response.status_code == 404
    assert not CaseParty.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("role", "particulars", "field"),
    [
        (PartyRole.VICTIM, Particulars(education="SMA"), "education"),
        (PartyRole.VICTIM, Particulars(citizenship="ASING"), "citizenship"),
        (PartyRole.PERPETRATOR, Particulars(occupation="PETANI"), "occupation"),
    ],
)
def test_particulars_outside_the_lists_or_for_a_non_victim_are_refused(
    volunteer: Membership, case: Case, role: str, particulars: Particulars, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        intake.party_create(
            actor=volunteer,
            case=case,
            role=role,
            person=NewPerson(name="Baso", sex="L"),
            particulars=particulars,
        )

    assert field in refused.value.message_dict
    assert not CaseParty.objects.filter(case=case).exists()


def test_the_api_takes_and_gives_back_the_particulars(
    bahagia_volunteer: Persona, ikhlas_volunteer: Persona, case: Case
) -> None:
    body = {
        "role": "VICTIM",
        "person": {"name": "Siti Aminah", "sex": "P", "age_estimate": 40},
        "particulars": {
            "education": "SD",
            "occupation": "IBU_RUMAH_TANGGA",
            "marital_status": "KAWIN",
            "citizenship": "WNI",
        },
    }

    answer = post(bearer(bahagia_volunteer), f"{API}/{case.pk}/parties", body)
    assert answer.status_code == 201, answer.content
    assert {key: answer.json()[key] for key in body["particulars"]} == body["particulars"]

    wrong = {**body, "particulars": {"education": "SMA"}}
    assert post(bearer(bahagia_volunteer), f"{API}/{case.pk}/parties", wrong).status_code == 422
    outsider = post(bearer(ikhlas_volunteer), f"{API}/{case.pk}/parties", body)
    assert outsider.status_code == 404
    assert CaseParty.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_case_page_shows_the_finer_relation(
    bahagia_volunteer: Persona, volunteer: Membership, case: Case
) -> None:
    victim, perpetrator = _pair(volunteer, case)
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship=Relationship.PACAR_TEMAN,
        relation_detail=RelationDetail.MANTAN_PACAR,
    )
    page = english(bahagia_volunteer.client).get(reverse("cases:case_detail", args=[case.pk]))
    assert "Former boyfriend or girlfriend" in page.content.decode()
