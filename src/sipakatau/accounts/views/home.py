"""The signed-in home page and the choice of the organisation one acts for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sipakatau.audit.services import audit_record
from sipakatau.lib.access import staff_view

from ..middleware import SESSION_MEMBERSHIP
from ..queries import memberships_of
from ..services import actor_of


@staff_view()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html")


@staff_view()
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("membership", "")
    memberships = memberships_of(request.user)  # type: ignore[arg-type]
    chosen = memberships.filter(pk=int(raw)).first() if raw.isdigit() else None
    if chosen is not None:
        request.session[SESSION_MEMBERSHIP] = chosen.pk
        audit_record(
            action="membership.switched",
            actor=actor_of(chosen),
            object_type="accounts.membership",
            object_id=chosen.pk,
        )
    return redirect("accounts:home")
