from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("lapor/", views.report, name="report"),
    path("lapor/mudah/", views.report_easy, name="report_easy"),
    path("lapor/tempat-lain/", views.hotlines, name="hotlines"),
    path("lapor/selesai/", views.report_done, name="report_done"),
    path("lacak/", views.track, name="track"),
    path("lacak/pesan/", views.track_message, name="track_message"),
    path("lacak/keluar/", views.track_forget, name="track_forget"),
    path("laporan-masuk/", views.inbox, name="inbox"),
    path("laporan-masuk/banjir/", views.inbox_flood, name="inbox_flood"),
    path("laporan-masuk/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("laporan-masuk/<int:pk>/foto/", views.inbox_photo, name="inbox_photo"),
    path("laporan-masuk/<int:pk>/kasus/", views.inbox_promote, name="inbox_promote"),
    path("laporan-masuk/<int:pk>/tautkan/", views.inbox_link, name="inbox_link"),
    path("laporan-masuk/<int:pk>/tutup/", views.inbox_close, name="inbox_close"),
    path("laporan-masuk/<int:pk>/balas/", views.inbox_reply, name="inbox_reply"),
]
