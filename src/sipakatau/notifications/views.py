from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view

from .queries import notifications_visible_to
from .services import notifications_mark_read
from .templates import render as render_text


@staff_view()
@require_GET
def notification_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    user = membership.user
    page = Paginator(notifications_visible_to(user), 30).get_page(request.GET.get("page"))
    items = [(n, render_text(n.template, n.context)) for n in page]
    response = render(
        request, "notifications/notification_list.html", {"page": page, "items": items}
    )
    notifications_mark_read(user=user, ids=[n.pk for n in page if n.read_at is None])
    return response
