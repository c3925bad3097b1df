from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors

from .forms import DeliveryPreferenceForm, NotificationIdForm
from .queries import delivery_preference_of, notification_for, notifications_visible_to
from .services import (
    delivery_preference_set,
    notifications_mark_all_read,
    notifications_mark_read,
)
from .templates import is_urgent
from .templates import render as render_text

LIST = "notifications:notification_list"


@staff_view()
@require_GET
def notification_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Unread and urgent first; each line a sentence, with "Buka" to open the thing (which
    marks it read) and "Tandai sudah dibaca" for a notice that needs no visit."""
    page = Paginator(notifications_visible_to(membership.user), 30).get_page(
        request.GET.get("page")
    )
    items = [
        {
            "notification": n,
            "text": render_text(n.template, n.context),
            "urgent": is_urgent(n.template),
            "has_link": _safe_link(n.context.get("link")) is not None,
        }
        for n in page
    ]
    any_unread = any(n.read_at is None for n in page)
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "items": items, "any_unread": any_unread},
    )


def _safe_link(link: object) -> str | None:
    """A path on this site, or None: the stored link is followed by a redirect, which must
    never lead elsewhere."""
    if not isinstance(link, str) or not link.startswith("/") or link.startswith("//"):
        return None
    return link if url_has_allowed_host_and_scheme(link, allowed_hosts=None) else None


def _chosen(request: HttpRequest, membership: Membership) -> int:
    """The pk of the user's own notification named in the POST; anyone else's is a 404."""
    form = NotificationIdForm(request.POST)
    if not form.is_valid():
        raise Http404
    return notification_for(membership.user, form.cleaned_data["notification"]).pk


@staff_view()
def notification_open(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Mark the notification read and go to the thing it is about."""
    if request.method != "POST":
        return redirect(LIST)
    pk = _chosen(request, membership)
    notifications_mark_read(user=membership.user, ids=[pk])
    link = _safe_link(notification_for(membership.user, pk).context.get("link"))
    return redirect(link or reverse(LIST))


@staff_view()
def notification_mark_read(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return redirect(LIST)
    notifications_mark_read(user=membership.user, ids=[_chosen(request, membership)])
    return redirect(LIST)


@staff_view()
def notification_mark_all_read(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return redirect(LIST)
    notifications_mark_all_read(user=membership.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect(LIST)


@staff_view()
def delivery_preferences(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Opt in to a copy outside the app, by email and/or SMS or WhatsApp."""
    preference = delivery_preference_of(membership.user)
    if request.method == "POST":
        form = DeliveryPreferenceForm(request.POST)
        if form.is_valid():
            try:
                delivery_preference_set(
                    actor=membership,
                    email=form.cleaned_data["email"],
                    phone_channel=form.cleaned_data["phone_channel"] or "",
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("notifications:delivery_preferences")
    else:
        form = DeliveryPreferenceForm(
            initial={
                "email": preference.email,
                "phone_channel": preference.phone_channel,
                "phone": preference.phone or "",
            }
        )
    return render(
        request,
        "notifications/delivery_preferences.html",
        {"form": form, "has_email": bool((membership.user.email or "").strip())},
    )
