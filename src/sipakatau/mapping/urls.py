from django.urls import path

from .views import analysis, entry, questionnaires

app_name = "mapping"

urlpatterns = [
    path("", questionnaires.questionnaire_list, name="questionnaire_list"),
    # Questionnaires, imports and analysis (mapping-analysis)
    path("baru/", questionnaires.questionnaire_upload, name="questionnaire_upload"),
    path(
        "templat/", questionnaires.questionnaire_from_template, name="questionnaire_from_template"
    ),
    path("<int:pk>/", questionnaires.questionnaire_detail, name="questionnaire_detail"),
    path("<int:pk>/status/", questionnaires.questionnaire_status, name="questionnaire_status"),
    path("<int:pk>/xlsform/", questionnaires.questionnaire_export, name="questionnaire_export"),
    path("<int:pk>/impor/", questionnaires.submissions_upload, name="submissions_upload"),
    path("impor/<int:pk>/", questionnaires.import_run_detail, name="import_run_detail"),
    path("<int:pk>/analisis/", analysis.analysis_page, name="analysis"),
    path("<int:pk>/analisis/perbarui/", analysis.analysis_refresh, name="analysis_refresh"),
    path("<int:pk>/analisis/temuan/", analysis.findings_edit, name="findings_edit"),
    path("<int:pk>/analisis/minta-layanan/", analysis.gaps_report, name="gaps_report"),
    path("<int:pk>/laporan.pdf", analysis.report_pdf, name="report_pdf"),
    path("<int:pk>/laporan.xlsx", analysis.report_xlsx, name="report_xlsx"),
    # Data entry on a phone (mapping-entry)
    path("isi/", entry.entry_list, name="entry_list"),
    path("isi/kuesioner/<int:pk>/mulai/", entry.entry_start, name="entry_start"),
    path("isi/<int:pk>/", entry.entry_screen, name="entry_screen"),
    path("isi/<int:pk>/periksa/", entry.entry_review, name="entry_review"),
    path("isi/<int:pk>/buang/", entry.entry_discard, name="entry_discard"),
]
