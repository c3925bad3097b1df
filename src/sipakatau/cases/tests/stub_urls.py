"""A stand-in for the case page, for service tests that run while the site's URLs are
being rebuilt (services put a link to the case page into notifications)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def _case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(status=204)


_case_patterns = ([path("kasus/<int:pk>/", _case_detail, name="case_detail")], "cases")

urlpatterns = [path("", include(_case_patterns))]
