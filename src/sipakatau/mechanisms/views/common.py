"""What the mechanism pages share: the acting membership, the way back to a version, and
the guard that makes a form sent twice (a double tap on a slow phone) do its work once."""

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sipakatau.accounts.models import Membership

from ..models import MechanismVersion

# The keys of forms already done, newest last, kept in the session with where the first
# send led. The services add a row each time they are called (a step, a comment, a
# meeting), so without this a double tap would add it twice.
SESSION_KEY = "mechanisms_forms_done"
KEEP = 50


def membership_of(request: HttpRequest) -> Membership | None:
    return cast("Membership | None", getattr(request, "membership", None))


def acting(request: HttpRequest) -> Membership:
    membership = membership_of(request)
    assert membership is not None  # the scoped read answered 404 otherwise
    return membership


def to_version(version: MechanismVersion | int, anchor: str = "") -> HttpResponse:
    pk = version if isinstance(version, int) else version.pk
    response = redirect("mechanisms:version_detail", pk=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _done(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(SESSION_KEY, {}))


def _keep(request: HttpRequest, done: dict[str, str]) -> None:
    while len(done) > KEEP:
        done.pop(next(iter(done)))
    request.session[SESSION_KEY] = done
    # Saved at once, not when the response leaves, so that a second send arriving a
    # moment later already finds the key.
    request.session.save()


def claim(request: HttpRequest, key: object, fallback: str) -> HttpResponse | None:
    """None when this is the first send of the form ``key`` (which is now taken, before
    the service runs); else a redirect to where the first send led (or to ``fallback``
    while it is still running)."""
    if not key:
        return None
    done = _done(request)
    if str(key) in done:
        return redirect(done[str(key)])
    done[str(key)] = fallback
    _keep(request, done)
    return None


def forget(request: HttpRequest, key: object) -> None:
    """The service refused the send: the corrected form may be sent with the same key."""
    done = _done(request)
    if key and done.pop(str(key), None) is not None:
        _keep(request, done)


def remember(request: HttpRequest, key: object, response: HttpResponse) -> HttpResponse:
    """Where the first send of the form ``key`` led, for a send that repeats it."""
    if key:
        done = _done(request)
        done[str(key)] = response["Location"]
        _keep(request, done)
    return response
