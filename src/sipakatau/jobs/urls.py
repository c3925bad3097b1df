from django.urls import path

from sipakatau.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.file_detail, name="file_detail"),
    path("<int:pk>/unduh/", views.file_download, name="file_download"),
]
