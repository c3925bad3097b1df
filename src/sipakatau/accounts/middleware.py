"""Request set-up for signed-in staff: the active membership, its time zone, and the
rule that nothing is reachable before the second factor."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from sipakatau.areas.queries import area_time_zone
from sipakatau.lib.access import is_verified

from .queries import has_authenticator, membership_for_user

Handler = Callable[[HttpRequest], HttpResponse]
SESSION_MEMBERSHIP = "active_membership_id"

# Reachable with a password but before the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/")
_OPEN_NAMES = ("accounts:login", "accounts:verify", "accounts:setup", "accounts:logout")


def active_membership(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        zone = str(settings.DEFAULT_AREA_TIME_ZONE)
        if request.user.is_authenticated:
            membership = membership_for_user(
                request.user,
                request.session.get(SESSION_MEMBERSHIP),
            )
            request.membership = membership  # type: ignore[attr-defined]
            if membership is not None:
                zone = area_time_zone(membership.organisation.area)
        timezone.activate(zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


def require_verified_staff(get_response: Handler) -> Handler:
    """Every signed-in page needs the second factor: enrol first, then verify."""
    open_paths = None

    def middleware(request: HttpRequest) -> HttpResponse:
        nonlocal open_paths
        if open_paths is None:
            open_paths = {reverse(name) for name in _OPEN_NAMES}
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and request.path not in open_paths
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Second factor required.", "code": "otp_required"}, status=401
                )
            enrolled = has_authenticator(user)
            target = "accounts:verify" if enrolled else "accounts:setup"
            return HttpResponseRedirect(reverse(target))
        return get_response(request)

    return middleware
