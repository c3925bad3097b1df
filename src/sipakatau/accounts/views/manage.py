"""Everyday management of organisations, users and their roles, for administrators."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.areas.queries import area_and_descendants
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries
from ..forms import (
    MembershipChangeForm,
    MembershipGrantForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from ..models import Membership, RoleRequest
from ..permissions import MANAGE_ACCOUNTS
from ..services import memberships, organisations, users

PAGE_SIZE = 50


def _waits_for_approval() -> str:
    return _(
        "This role lets the user read case content, so it waits for approval by the unit's "
        "coordinator or another administrator. The unit's coordinators have been told."
    )


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _suspended_for_approval() -> str:
    return _(
        "Until the unit's coordinator or another administrator approves, the user's roles "
        "that read case content are paused, so that nobody but the user works with them."
    )


# --- Users ----------------------------------------------------------------------------


@staff_view(*MANAGE_ACCOUNTS)
@require_GET
def user_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    found = queries.users_visible_to(membership)
    search = request.GET.get("q", "").strip()
    if search:
        found = found.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return render(request, "accounts/user_list.html", {"page": _page(request, found), "q": search})


@staff_view(*MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    managed = queries.organisations_visible_to(membership)
    form = UserCreateForm(request.POST or None, organisations=managed)
    if request.method == "POST" and form.is_valid():
        try:
            user = users.user_create(actor=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The account has been made. "
                    "The user sets up the authenticator app at first sign-in."
                ),
            )
            if queries.pending_role_requests_of(membership, user).exists():
                messages.info(request, _waits_for_approval())
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@staff_view(*MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    user = queries.user_for(membership, pk)
    fully_managed = queries.may_manage_user(membership, user)
    edit_form = UserEditForm(
        request.POST or None, initial={"full_name": user.full_name, "email": user.email}
    )
    if request.method == "POST" and edit_form.is_valid():
        try:
            users.user_update(actor=membership, user=user, **edit_form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(edit_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    context = {
        "subject": user,
        "fully_managed": fully_managed,
        "edit_form": edit_form,
        "memberships": queries.memberships_visible_to(membership, user),
        "grant_form": MembershipGrantForm(
            organisations=queries.organisations_visible_to(membership)
        ),
        "password_form": PasswordResetForm(),
        "role_requests": queries.pending_role_requests_of(membership, user),
    }
    return render(request, "accounts/user_detail.html", context)


@staff_view(*MANAGE_ACCOUNTS)
@require_POST
def user_set_active(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    user = queries.user_for(membership, pk)
    active = request.POST.get("active") == "1"
    try:
        users.user_set_active(actor=membership, user=user, active=active)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The account is active again.")
            if active
            else _("The account is disabled and all its sessions have ended."),
        )
    return redirect("accounts:user_detail", pk=user.pk)


@staff_view(*MANAGE_ACCOUNTS)
@require_POST
def user_password(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    user = queries.user_for(membership, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            users.user_set_password(
                actor=membership, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The new password is set. Give it to the user in person."))
            if queries.pending_role_requests_of(membership, user).exists():
                messages.info(request, _suspended_for_approval())
    else:
        messages.error(request, _("Fill in a new password."))
    return redirect("accounts:user_detail", pk=user.pk)


@staff_view(*MANAGE_ACCOUNTS)
@require_POST
def user_reset_two_factor(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    user = queries.user_for(membership, pk)
    users.user_reset_two_factor(actor=membership, user=user)
    messages.success(
        request, _("The authenticator is removed. The user sets up a new one at next sign-in.")
    )
    if queries.pending_role_requests_of(membership, user).exists():
        messages.info(request, _suspended_for_approval())
    return redirect("accounts:user_detail", pk=user.pk)


@staff_view(*MANAGE_ACCOUNTS)
@require_POST
def membership_grant(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    user = queries.user_for(membership, pk)
    form = MembershipGrantForm(
        request.POST, organisations=queries.organisations_visible_to(membership)
    )
    if form.is_valid():
        try:
            granted = memberships.membership_grant(actor=membership, user=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(request, error)
        else:
            if isinstance(granted, RoleRequest):
                messages.info(request, _waits_for_approval())
            else:
                messages.success(request, _("The role has been given."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("accounts:user_detail", pk=user.pk)


@staff_view(*MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def membership_change(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    chosen = queries.membership_for(membership, pk)
    form = MembershipChangeForm(
        request.POST or None,
        initial={
            "role": chosen.role,
            "is_signatory": chosen.is_signatory,
            "is_active": chosen.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = memberships.membership_change(
                actor=membership, membership=chosen, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if isinstance(changed, RoleRequest):
                messages.info(request, _waits_for_approval())
            else:
                messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=chosen.user_id)
    return render(request, "accounts/membership_form.html", {"form": form, "membership": chosen})


# --- Organisations --------------------------------------------------------------------


@staff_view(*MANAGE_ACCOUNTS)
@require_GET
def organisation_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    managed = queries.organisations_visible_to(membership)
    return render(request, "accounts/organisation_list.html", {"page": _page(request, managed)})


@staff_view(*MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    areas = area_and_descendants(membership.organisation.area).exclude(
        pk=membership.organisation.area_id
    )
    form = OrganisationCreateForm(
        request.POST or None,
        areas=areas,
        organisations=queries.organisations_visible_to(membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisations.organisation_create(actor=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The organisation has been made."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@staff_view(*MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def organisation_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organisation = queries.organisation_for(membership, pk)
    form = OrganisationEditForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "short_name": organisation.short_name,
            "is_active": organisation.is_active,
            "posko_address": organisation.posko_address,
            "service_hours": organisation.service_hours,
            "phone": organisation.phone,
            "email": organisation.email,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisations.organisation_update(
                actor=membership, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    members = queries.organisation_members(organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "form": form, "page": _page(request, members)},
    )
