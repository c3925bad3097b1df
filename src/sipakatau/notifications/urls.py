from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("pemberitahuan/", views.notification_list, name="notification_list"),
    path("pemberitahuan/buka/", views.notification_open, name="notification_open"),
    path("pemberitahuan/dibaca/", views.notification_mark_read, name="notification_mark_read"),
    path(
        "pemberitahuan/semua-dibaca/",
        views.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path("pemberitahuan/pengaturan/", views.delivery_preferences, name="delivery_preferences"),
]
