"""Limits on guessing: passwords per username and address, per address and per username,
and second-factor codes per account.

django-axes counts one username from one address itself (``AccessAttempt`` rows) and
refuses that pair for a while. ``LockoutHandler`` adds two wider counts on axes' own
failure log (``AccessFailureLog``: one row for every failed sign-in, real username or
not), each over a sliding window:

- an address that fails too often, whatever usernames it tries (password spraying), is
  paused; a device that has fully signed in as the username is let through, so that
  colleagues behind one shared address are not locked out with the attacker;
- a username that fails too often from everywhere (a distributed attack) stops answering
  to a password alone: the page asks for the password and the code together and tells
  nothing unless both are right. The API always asks for both. The owner's own device
  signs in as usual.

So nobody but the owner can lock the owner out: the pair pause hits only the address
that failed, and the wider counts either spare her device or ask for what only she has.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

# Set on a request whose sign-in carries the second factor together with the password:
# the count per username does not apply to it, since such a guess tells nothing unless
# the code is right too.
SECOND_FACTOR_GIVEN = "sipakatau_second_factor_given"
DEVICE_COOKIE_SALT = "sipakatau.accounts.lockout.device"
# A shared laptop at the posko knows a few people; the newest are kept.
DEVICE_COOKIE_USERNAMES = 10


class LockedOut(Exception):
    """A limit refused the attempt (which one is never said)."""


class CredentialsRefused(Exception):
    """The username, password or code is wrong (which one is never said)."""


@dataclass(frozen=True)
class Pause:
    scope: str  # "pair", "address" or "account"
    until: datetime

    def seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


# --- Counting --------------------------------------------------------------------------


def _address(request: HttpRequest) -> str | None:
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def _paused_until(failures: QuerySet[AccessFailureLog], limit: int) -> datetime | None:
    """When these failures, counted over the window, fall back under the limit (None if
    they are under it now): the moment the limit-th newest one leaves the window."""
    window: timedelta = settings.SIPAKATAU_LOCKOUT_WINDOW
    newest = (
        failures.filter(attempt_time__gt=timezone.now() - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
    )
    boundary = list(newest[limit - 1 : limit])
    return boundary[0] + window if boundary else None


def pair_pause(request: HttpRequest, username: str | None) -> Pause | None:
    """axes' own count for this username from this address."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    totals = AccessAttempt.objects.filter(
        username=username,
        ip_address=_address(request),
        attempt_time__gte=timezone.now() - cool_off,
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (totals["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    # axes still counts a failure exactly cool_off old (attempt_time >= threshold).
    return Pause("pair", totals["last"] + cool_off + timedelta(seconds=1))


def address_pause(request: HttpRequest, username: str | None) -> Pause | None:
    if device_knows(request, username):
        return None
    until = _paused_until(
        AccessFailureLog.objects.filter(ip_address=_address(request)),
        settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES,
    )
    return Pause("address", until) if until else None


def account_pause(request: HttpRequest, username: str | None) -> Pause | None:
    if getattr(request, SECOND_FACTOR_GIVEN, False) or device_knows(request, username):
        return None
    until = _paused_until(
        AccessFailureLog.objects.filter(username=username),
        settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES,
    )
    return Pause("account", until) if until else None


def _longest(*pauses: Pause | None) -> Pause | None:
    found = [pause for pause in pauses if pause is not None]
    return max(found, key=lambda pause: pause.until) if found else None


def pause(request: HttpRequest, username: str | None) -> Pause | None:
    """The longest wait that applies to this sign-in now, if any."""
    return _longest(
        pair_pause(request, username),
        address_pause(request, username),
        account_pause(request, username),
    )


def retry_after(request: HttpRequest, username: str | None) -> int:
    """Seconds until this sign-in may be tried again (for the Retry-After header): until
    the longest pause ends if nothing more is tried, else axes' cool-off."""
    found = pause(request, username)
    if found is not None:
        return found.seconds()
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 60


def needs_second_factor(request: HttpRequest, username: str) -> bool:
    """On the page: whether this username must now be signed in with password and code
    together (it has failed too often from everywhere, and this is not a known device)."""
    return account_pause(request, username) is not None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the counts per address and per username added."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        # The count per username is a safety net here: the page asks for the code before
        # any password is checked (accounts.views.auth.sign_in), the API always does.
        username = get_client_username(request, credentials)
        return (
            _longest(address_pause(request, username), account_pause(request, username)) is not None
        )

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        # axes records the failure (the pair's count and the failure log) and pauses the
        # pair; then this failure, now in the log, may have reached the address's limit.
        # (Reaching the username's limit pauses nothing: from the next try on, the page
        # asks for the password and the code together.)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials):
            return
        username = get_client_username(request, credentials)
        if address_pause(request, username) is None:
            return
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        user_locked_out.send(
            "axes",
            request=request,
            username=username,
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        )


def failures_forget(request: HttpRequest, username: str) -> None:
    """After a full sign-in: forget this username's failures from this address (the pair),
    and only those. The counts per address and per username run out with their window, so
    that a success (an attacker's own account, say) never buys a fresh allowance."""
    axes_reset(ip=_address(request), username=username)


# --- The owner's device ----------------------------------------------------------------


def device_cookie_name() -> str:
    # __Host-: only over HTTPS, only for this host and the whole site; no subdomain sets it.
    return "__Host-device" if settings.SESSION_COOKIE_SECURE else "sipakatau_device"


def _username_mark(username: str) -> str:
    # The cookie names nobody: whoever reads it on the device learns no username.
    return salted_hmac(DEVICE_COOKIE_SALT, username).hexdigest()[:32]


def _device_marks(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(device_cookie_name())
    if not value:
        return []
    try:
        marks = signing.loads(
            value,
            salt=DEVICE_COOKIE_SALT,
            max_age=timedelta(days=settings.SIPAKATAU_DEVICE_COOKIE_DAYS),
        )
    except signing.BadSignature:
        return []
    if not isinstance(marks, list):
        return []
    return [mark for mark in marks if isinstance(mark, str)]


def device_knows(request: HttpRequest, username: str | None) -> bool:
    """Whether this device has signed in fully (password and second factor) as this
    username within SIPAKATAU_DEVICE_COOKIE_DAYS."""
    return bool(username) and _username_mark(str(username)) in _device_marks(request)


def device_remember(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """Called once the second factor is accepted. The cookie only lets the device past the
    counts per address and per username; it opens nothing by itself."""
    mark = _username_mark(user.get_username())
    marks = [mark, *(known for known in _device_marks(request) if known != mark)]
    days = settings.SIPAKATAU_DEVICE_COOKIE_DAYS
    response.set_cookie(
        device_cookie_name(),
        signing.dumps(marks[:DEVICE_COOKIE_USERNAMES], salt=DEVICE_COOKIE_SALT),
        max_age=days * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


# --- The second factor -----------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    # django-otp's throttle: after each wrong code the next is not even checked for
    # 1, 2, 4, 8 ... seconds (OTP_TOTP_THROTTLE_FACTOR), per device of this account.
    throttled: bool


def code_normalise(code: str) -> str:
    return code.strip().replace(" ", "").lower()


def _devices_for(user: User, code: str) -> list[Device]:
    """The devices a code can belong to: an authenticator code is all digits of the
    authenticator's length (6); anything else is a backup code (8 characters). Each kind
    keeps its own throttle, so someone who stole the password and guesses authenticator
    codes slows the authenticator down but never the owner's backup codes."""
    authenticators: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if code.isdigit() and any(len(code) == device.digits for device in authenticators):
        return authenticators
    return list(StaticDevice.objects.filter(user=user, confirmed=True))


def code_check(user: User, code: str) -> CodeCheck:
    code = code_normalise(code)
    for device in _devices_for(user, code):
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(device=None, throttled=True)
        if device.verify_token(code):
            return CodeCheck(device=device, throttled=False)
    return CodeCheck(device=None, throttled=False)


def _locked(request: HttpRequest) -> bool:
    # Set by django-axes (or LockoutHandler) when the attempt is refused or a limit reached.
    return bool(getattr(request, "axes_locked_out", False))


def credentials_check(
    *, request: HttpRequest, username: str, password: str, code: str
) -> tuple[User, Device]:
    """Password and code at once (the API; the page under a distributed attack): the
    user and the device that took the code, or ``CredentialsRefused`` / ``LockedOut``.
    Every wrong part fails the same way, so a guess learns nothing unless all is right."""
    setattr(request, SECOND_FACTOR_GIVEN, True)
    user = authenticate(request, username=username, password=password)
    if _locked(request):
        raise LockedOut
    if not isinstance(user, User):
        # authenticate() already sent user_login_failed: axes counted it, the audit
        # trail recorded auth.failed.
        raise CredentialsRefused
    # A user who never enrolled an authenticator has no code to give.
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    checked = code_check(user, code) if enrolled else CodeCheck(device=None, throttled=False)
    if checked.device is None:
        # A wrong code counts like a wrong password, so guessing codes with a stolen
        # password is as slow as guessing passwords (on top of django-otp's throttle).
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        if _locked(request):
            raise LockedOut
        raise CredentialsRefused
    failures_forget(request, username)
    return user, checked.device
