"""The benchmarks' floor page: a signed-in staff request that does nothing else, and only
where SIPAKATAU_BENCH_FLOOR mounts it."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from sipakatau.lib import views
from sipakatau.urls import urlpatterns as mounted
from tests.factories import make_organisation, make_user, signed_in_client

# The app's URLs as SIPAKATAU_BENCH_FLOOR=1 mounts them.
urlpatterns = [*mounted, path("bench-floor/", views.bench_floor)]


@pytest.mark.django_db
def test_the_floor_is_not_mounted_by_default() -> None:
    client = signed_in_client(make_user(make_organisation()))

    assert client.get("/bench-floor/").status_code == 404


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_floor_answers_signed_in_staff_only() -> None:
    assert Client().get("/bench-floor/").status_code == 302  # to the sign-in page

    answer = signed_in_client(make_user(make_organisation())).get("/bench-floor/")

    assert answer.status_code == 200
    assert answer.content == b"ok"
