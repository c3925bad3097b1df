from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.provider_detail, name="provider_detail"),
    path("kelola/", views.manage_list, name="manage_list"),
    path("kelola/baru/", views.provider_create, name="provider_create"),
    path("kelola/<int:pk>/", views.provider_edit, name="provider_edit"),
    path("kelola/<int:pk>/layanan/", views.provider_services, name="provider_services"),
    path("kelola/<int:pk>/status/", views.provider_set_active, name="provider_set_active"),
    path("impor/", views.directory_import, name="import"),
    path("impor/contoh.csv", views.import_template, name="import_template"),
]
