from django.urls import path

from .views import case_summary, exports, statistics

app_name = "reports"

urlpatterns = [
    path("", statistics.dashboard, name="dashboard"),
    path("laporan-bulanan/", statistics.monthly_list, name="monthly_list"),
    path("laporan-bulanan/<int:pk>/", statistics.monthly_detail, name="monthly_detail"),
    path("laporan-bulanan/<int:pk>/tulis/", statistics.monthly_write, name="monthly_write"),
    path("laporan-bulanan/<int:pk>/kirim/", statistics.monthly_send, name="monthly_send"),
    path("laporan-bulanan/<int:pk>/laporan.pdf", statistics.monthly_pdf, name="monthly_pdf"),
    path("laporan-bulanan/<int:pk>/laporan.xlsx", statistics.monthly_xlsx, name="monthly_xlsx"),
    path("ekspor/gbvims.xlsx", statistics.export_gbvims, name="export_gbvims"),
    path("ekspor/", exports.export_request_list, name="export_request_list"),
    path("ekspor/minta/", exports.export_request_create, name="export_request_create"),
    path("ekspor/<int:pk>/", exports.export_request_detail, name="export_request_detail"),
    path("ekspor/<int:pk>/putuskan/", exports.export_request_decide, name="export_request_decide"),
    path("ekspor/<int:pk>/buka/", exports.export_request_open, name="export_request_open"),
    path(
        "ekspor/<int:pk>/arsip.zip", exports.export_request_archive, name="export_request_archive"
    ),
    path("kasus/<int:pk>/ringkasan.pdf", case_summary.case_summary_pdf, name="case_summary_pdf"),
]
