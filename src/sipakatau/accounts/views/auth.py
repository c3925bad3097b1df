"""Signing in: password, then the second factor (TOTP or a backup code)."""

import base64
import math
from typing import Any

from axes.helpers import get_client_username
from django.contrib.auth import login, logout
from django.contrib.auth.forms import UsernameField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from sipakatau.audit import services as audit
from sipakatau.lib.access import is_verified, signed_in_view
from sipakatau.lib.qr import qr_svg

from .. import lockout, queries
from ..forms import SetupForm, SignInForm, SignInWithCodeForm, TokenForm
from ..services.second_factor import (
    backup_codes_regenerate,
    totp_device_confirm,
    totp_device_pending,
)

SESSION_NEXT = "after_sign_in"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_verification(request: HttpRequest) -> HttpResponse:
    target = _safe_next(request, request.session.pop(SESSION_NEXT, None))
    return HttpResponseRedirect(target or reverse("accounts:home"))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_verified(request.user):
        return redirect("accounts:home")
    # The username as the form will read it (stripped, NFKC), so that " siti" is counted
    # as "siti" is.
    username = UsernameField().to_python(request.POST.get("username", "")) or ""
    if request.method == "POST" and lockout.needs_second_factor(request, username):
        return _sign_in_with_code(request)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        next_url = _safe_next(request, request.POST.get("next"))
        if next_url:
            request.session[SESSION_NEXT] = next_url
        enrolled = queries.has_authenticator(user)
        return redirect("accounts:verify" if enrolled else "accounts:setup")
    return render(
        request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _sign_in_with_code(request: HttpRequest) -> HttpResponse:
    """The username has failed too often from many places: a password alone no longer
    answers for it. Asked together with the code, a guess learns nothing unless both are
    right, and the owner, who has her code, still gets in from any device. The same page
    answers for every username, real or not."""
    asked = "token" in request.POST
    form = SignInWithCodeForm(
        request.POST if asked else None,
        initial={"username": request.POST.get("username", "")},
    )
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            user, device = lockout.credentials_check(
                request=request,
                username=data["username"],
                password=data["password"],
                code=data["token"],
            )
        except lockout.LockedOut:
            # AxesMiddleware turns this answer into locked_out's.
            form.add_error(None, _("Too many failed attempts. Wait a while, then try again."))
        except lockout.CredentialsRefused:
            form.add_error(
                None, _("The username, password or code is wrong. Check them and try again.")
            )
        else:
            login(request, user)
            otp_login(request, device)
            request.session.cycle_key()
            _second_factor_accepted(user, device)
            next_url = _safe_next(request, request.POST.get("next"))
            if next_url:
                request.session[SESSION_NEXT] = next_url
            response = _after_verification(request)
            lockout.device_remember(request, response, user)
            return response
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.POST.get("next", ""), "with_code": True},
    )


def _second_factor_accepted(user: Any, device: Any) -> None:
    kind = "backup_code" if isinstance(device, StaticDevice) else "totp"
    audit.log(user, "auth.second_factor_accepted", user, fields=[kind])


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes calls this once a limit is reached (accounts.lockout): the pair, the
    address or the username. The answer is the same whether or not the username exists,
    and says when to try again (Retry-After)."""
    seconds = lockout.retry_after(request, get_client_username(request, credentials))
    if request.path.startswith("/api/"):
        # The token endpoint (accounts.api.token_issue) is locked out by the same rule.
        return JsonResponse(
            {
                "detail": _("Too many failed attempts. Wait a while, then try again."),
                "code": "locked_out",
            },
            status=429,
            headers={"Retry-After": str(seconds)},
        )
    form = SignInForm(request)
    response = render(
        request,
        "accounts/sign_in.html",
        {"form": form, "locked_out": True, "lockout_minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if is_verified(user):
        return redirect("accounts:home")
    devices = queries.second_factor_devices(user)
    if not devices:
        return redirect("accounts:setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = lockout.code_check(user, form.cleaned_data["token"])
        if checked.throttled:
            form.add_error(None, _("Too many wrong codes. Wait a moment, then try again."))
        elif checked.device is not None:
            otp_login(request, checked.device)
            request.session.cycle_key()  # a new session id once fully signed in
            _second_factor_accepted(user, checked.device)
            lockout.failures_forget(request, user.get_username())
            response = _after_verification(request)
            lockout.device_remember(request, response, user)
            return response
        else:
            audit.log(user, "auth.second_factor_failed", user)
            form.add_error(
                "token", _("This code is not right. Check the time on your phone and try again.")
            )
    return render(request, "accounts/verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if queries.has_authenticator(user):
        return redirect("accounts:security" if is_verified(user) else "accounts:verify")
    device = totp_device_pending(user=user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once fully signed in
            lockout.failures_forget(request, user.get_username())
            response = render(
                request, "accounts/backup_codes.html", {"codes": codes, "first_time": True}
            )
            lockout.device_remember(request, response, user)
            return response
        form.add_error(
            "token", _("This code is not right. Check the time on your phone and try again.")
        )
    context = {
        "form": form,
        # Generated here from the device key; safe to embed, it contains no user input.
        "qr_svg": mark_safe(qr_svg(device.config_url)),  # noqa: S308
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "accounts/setup.html", context)


@signed_in_view
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    codes = None
    if request.method == "POST":
        codes = backup_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    remaining = queries.backup_codes_left(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/security.html", {"codes": codes, "remaining": remaining})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
