from django.urls import path

from .views import batches, cases, files, households, screening

app_name = "social"

# Paths carry numbers only: never a name, a NIK or a KK number.
urlpatterns = [
    path("", households.household_list, name="household_list"),
    path("rumah-tangga/baru/", households.household_create, name="household_create"),
    path("rumah-tangga/<int:pk>/", households.household_detail, name="household_detail"),
    path("rumah-tangga/<int:pk>/anggota/", households.member_add, name="member_add"),
    path("rumah-tangga/<int:pk>/dtsen/", households.dtsen_add, name="dtsen_add"),
    path("rumah-tangga/<int:pk>/dokumen/", households.document_set, name="document_set"),
    path(
        "rumah-tangga/<int:pk>/bantuan-dokumen/",
        households.document_help_add,
        name="document_help_add",
    ),
    path("rumah-tangga/<int:pk>/program/", households.enrolment_set, name="enrolment_set"),
    path("rumah-tangga/<int:pk>/usulkan/", households.propose, name="propose"),
    path("anggota/<int:pk>/keluar/", households.member_end, name="member_end"),
    path("anggota/<int:pk>/pindah/", households.member_move, name="member_move"),
    path("kasus/<int:pk>/rumah-tangga/", cases.case_household, name="case_household"),
    path("daftar-periksa/", screening.worklist, name="worklist"),
    path("daftar-periksa/saring/", screening.screening_run, name="screening_run"),
    path("daftar-periksa/<int:pk>/sisihkan/", screening.worklist_dismiss, name="worklist_dismiss"),
    path("aturan/", screening.rule_list, name="rule_list"),
    path("aturan/baru/", screening.rule_create, name="rule_create"),
    path("aturan/<int:pk>/", screening.rule_edit, name="rule_edit"),
    path("usulan/", batches.batch_list, name="batch_list"),
    path("usulan/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("usulan/<int:pk>/musyawarah/", batches.batch_musyawarah, name="batch_musyawarah"),
    path("usulan/<int:pk>/lanjut/", batches.batch_advance, name="batch_advance"),
    path("usulan/<int:pk>/tanda-tangan/", batches.batch_sign, name="batch_sign"),
    path("usulan/<int:pk>/bnba.xlsx", files.batch_bnba_xlsx, name="batch_bnba_xlsx"),
    path("usulan/<int:pk>/bnba.pdf", files.batch_bnba_pdf, name="batch_bnba_pdf"),
    path("usulan/<int:pk>/berita-acara.pdf", files.batch_minutes_pdf, name="batch_minutes_pdf"),
    path("usulan/item/<int:pk>/verval/", batches.item_verify, name="item_verify"),
    path("usulan/item/<int:pk>/keputusan/", batches.item_outcome, name="item_outcome"),
]
