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
SESSION_SEEN = "_seen"  # when the session was last marked alive (epoch seconds)

# Reachable with a password but before the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/")
_OPEN_NAMES = ("accounts:login", "accounts:verify", "accounts:setup", "accounts:logout")


def idle_timeout(get_response: Handler) -> Handler:
    """Keep a session alive while it is used, without writing it on every request.

    The session store ends a session ``SESSION_COOKIE_AGE`` seconds after it was last
    saved. Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) made every page a
    write (on SQLite, one that waits for every other writer). Here the session is saved
    only when its data changed or when its last mark is older than a tenth of the idle
    window (at most a minute): the session then ends between the idle window minus that
    step and the full idle window after the last request, never later.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        step = min(60, settings.SESSION_COOKIE_AGE // 10)
        session = request.session
        seen = session.get(SESSION_SEEN, 0)  # loads the session; an expired one is empty
        now = int(timezone.now().timestamp())
        if not session.is_empty() and now - seen >= step:
            session[SESSION_SEEN] = now  # modified: SessionMiddleware saves a new expiry
        response = get_response(request)
        if session.modified and not session.is_empty():
            # Saved anyway (a sign-in, a choice kept in the session): mark it at no cost.
            session[SESSION_SEEN] = now
        return response

    return middleware


def active_membership(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        zone = str(settings.DEFAULT_AREA_TIME_ZONE)
        if request.user.is_authenticated:
            membership, memberships = membership_for_user(
                request.user,
                request.session.get(SESSION_MEMBERSHIP),
            )
            request.membership = membership  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
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
