from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("pemberitahuan/", views.notification_list, name="notification_list"),
]
