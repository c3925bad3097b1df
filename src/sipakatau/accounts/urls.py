from django.urls import path

from .views import auth, home, manage, role_requests

app_name = "accounts"

urlpatterns = [
    path("akun/masuk/", auth.sign_in, name="login"),
    path("akun/verifikasi/", auth.verify, name="verify"),
    path("akun/pasang-autentikator/", auth.setup, name="setup"),
    path("akun/keamanan/", auth.security, name="security"),
    path("akun/keluar/", auth.sign_out, name="logout"),
    path("beranda/", home.home, name="home"),
    path("akun/ganti-organisasi/", home.switch_membership, name="switch_membership"),
    path("kelola/pengguna/", manage.user_list, name="user_list"),
    path("kelola/pengguna/baru/", manage.user_create, name="user_create"),
    path("kelola/pengguna/<int:pk>/", manage.user_detail, name="user_detail"),
    path("kelola/pengguna/<int:pk>/status/", manage.user_set_active, name="user_set_active"),
    path("kelola/pengguna/<int:pk>/kata-sandi/", manage.user_password, name="user_password"),
    path(
        "kelola/pengguna/<int:pk>/autentikator/",
        manage.user_reset_two_factor,
        name="user_reset_two_factor",
    ),
    path("kelola/pengguna/<int:pk>/peran/", manage.membership_grant, name="membership_grant"),
    path("kelola/peran/<int:pk>/", manage.membership_change, name="membership_change"),
    path("kelola/permintaan-peran/", role_requests.role_request_list, name="role_request_list"),
    path(
        "kelola/permintaan-peran/<int:pk>/putuskan/",
        role_requests.role_request_decide,
        name="role_request_decide",
    ),
    path("kelola/organisasi/", manage.organisation_list, name="organisation_list"),
    path("kelola/organisasi/baru/", manage.organisation_create, name="organisation_create"),
    path("kelola/organisasi/<int:pk>/", manage.organisation_detail, name="organisation_detail"),
]
