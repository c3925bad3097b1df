from django.urls import path

from sipakatau.referrals import views

app_name = "referrals"

# Paths carry numbers only: never a name or words from the case.
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("ekspor.csv", views.inbox_export, name="inbox_export"),
    path("kasus/<int:pk>/", views.referral_create, name="referral_create"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/surat.pdf", views.referral_letter, name="referral_letter"),
    path("<int:pk>/terima/", views.referral_accept, name="referral_accept"),
    path("<int:pk>/tolak/", views.referral_decline, name="referral_decline"),
    path("<int:pk>/mulai/", views.referral_start, name="referral_start"),
    path("<int:pk>/selesai/", views.referral_complete, name="referral_complete"),
    path("<int:pk>/batal/", views.referral_cancel, name="referral_cancel"),
]
