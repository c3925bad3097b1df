"""Signing in: password, then the second factor (TOTP or a backup code)."""

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
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

from .. import queries
from ..forms import SetupForm, SignInForm, TokenForm
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


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this once a username has failed too often. The answer is the same
    whether or not the username exists."""
    if request.path.startswith("/api/"):
        # The token endpoint (accounts.api.token_issue) is locked out by the same rule.
        return JsonResponse(
            {
                "detail": _("Too many failed attempts. Wait a while, then try again."),
                "code": "locked_out",
            },
            status=429,
        )
    form = SignInForm(request)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


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
        token = form.cleaned_data["token"]
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error(None, _("Too many wrong codes. Wait a moment, then try again."))
                break
            if device.verify_token(token):
                otp_login(request, device)
                request.session.cycle_key()  # a new session id once fully signed in
                audit.log(
                    user,
                    "auth.second_factor_accepted",
                    user,
                    fields=["backup_code" if isinstance(device, StaticDevice) else "totp"],
                )
                return _after_verification(request)
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
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "first_time": True}
            )
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
