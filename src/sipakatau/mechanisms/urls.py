"""Staff pages under /mekanisme/ and the public decree verification page under /sk/.
Every route takes one object's pk (or the decree's verification token)."""

from django.urls import path

from .views import discussion, documents, drafting, lifecycle

app_name = "mechanisms"

urlpatterns = [
    # Mechanisms and versions (views/drafting.py)
    path("mekanisme/", drafting.mechanism_list, name="mechanism_list"),
    path("mekanisme/mulai/", drafting.mechanism_start, name="mechanism_start"),
    path("mekanisme/<int:pk>/", drafting.mechanism_detail, name="mechanism_detail"),
    path("mekanisme/<int:pk>/pengaturan/", drafting.mechanism_settings, name="mechanism_settings"),
    path("mekanisme/<int:pk>/lambang/", drafting.crest_upload, name="crest_upload"),
    path("mekanisme/versi/<int:pk>/", drafting.version_detail, name="version_detail"),
    path("mekanisme/versi/<int:pk>/ubah/", drafting.version_edit, name="version_edit"),
    path("mekanisme/versi/<int:pk>/langkah/tambah/", drafting.step_add, name="step_add"),
    path("mekanisme/langkah/<int:pk>/", drafting.step_edit, name="step_edit"),
    path("mekanisme/langkah/<int:pk>/hapus/", drafting.step_delete, name="step_delete"),
    path("mekanisme/versi/<int:pk>/jalur/tambah/", drafting.pathway_add, name="pathway_add"),
    path("mekanisme/jalur/<int:pk>/hapus/", drafting.pathway_remove, name="pathway_remove"),
    path("mekanisme/versi/<int:pk>/tugas/tambah/", drafting.duty_add, name="duty_add"),
    path("mekanisme/tugas/<int:pk>/", drafting.duty_edit, name="duty_edit"),
    path("mekanisme/tugas/<int:pk>/hapus/", drafting.duty_delete, name="duty_delete"),
    # Discussion (views/discussion.py)
    path("mekanisme/versi/<int:pk>/komentar/", discussion.comment_add, name="comment_add"),
    path(
        "mekanisme/komentar/<int:pk>/selesai/", discussion.comment_resolve, name="comment_resolve"
    ),
    path("mekanisme/versi/<int:pk>/rapat/tambah/", discussion.meeting_add, name="meeting_add"),
    path("mekanisme/rapat/<int:pk>/", discussion.meeting_detail, name="meeting_detail"),
    # Status, new version, comparison, issuance (views/lifecycle.py)
    path(
        "mekanisme/versi/<int:pk>/status/", lifecycle.version_transition, name="version_transition"
    ),
    path("mekanisme/versi/<int:pk>/versi-baru/", lifecycle.version_new, name="version_new"),
    path("mekanisme/versi/<int:pk>/perbandingan/", lifecycle.version_diff, name="version_diff"),
    path("mekanisme/versi/<int:pk>/terbitkan/", lifecycle.decree_issue, name="decree_issue"),
    # Documents (views/documents.py)
    path("mekanisme/versi/<int:pk>/pratinjau.pdf", documents.decree_preview, name="decree_preview"),
    path("mekanisme/versi/<int:pk>/sk.pdf", documents.decree_pdf, name="decree_pdf"),
    path("mekanisme/versi/<int:pk>/sk.docx", documents.decree_docx, name="decree_docx"),
    path(
        "mekanisme/rapat/<int:pk>/daftar-hadir.pdf",
        documents.meeting_attendance_pdf,
        name="meeting_attendance_pdf",
    ),
    path(
        "mekanisme/rapat/<int:pk>/notulen.pdf",
        documents.meeting_minutes_pdf,
        name="meeting_minutes_pdf",
    ),
    # Public: anyone with the QR code checks the decree (no sign-in).
    path("sk/<str:pk>/", documents.decree_verify, name="decree_verify"),
]
