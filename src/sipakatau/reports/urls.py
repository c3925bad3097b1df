from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("laporan-bulanan/", views.monthly_list, name="monthly_list"),
    path("laporan-bulanan/<int:pk>/", views.monthly_detail, name="monthly_detail"),
    path("laporan-bulanan/<int:pk>/tulis/", views.monthly_write, name="monthly_write"),
    path("laporan-bulanan/<int:pk>/kirim/", views.monthly_send, name="monthly_send"),
    path("laporan-bulanan/<int:pk>/laporan.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("laporan-bulanan/<int:pk>/laporan.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("ekspor/daftar-kasus.xlsx", views.export_case_list, name="export_case_list"),
    path("ekspor/simfoni-ppa.xlsx", views.export_simfoni, name="export_simfoni"),
    path("ekspor/gbvims.xlsx", views.export_gbvims, name="export_gbvims"),
]
