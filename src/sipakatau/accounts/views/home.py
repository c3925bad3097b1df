"""The signed-in home page and the choice of the organisation one acts for.

Both work without an active membership (someone whose last role was taken away still
lands here), so they are ``signed_in_view``, not ``staff_view``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sipakatau.audit import services as audit
from sipakatau.lib.access import signed_in_view

from ..middleware import SESSION_MEMBERSHIP
from ..queries import memberships_of


@signed_in_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html")


@signed_in_view
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("membership", "")
    memberships = memberships_of(request.user)  # type: ignore[arg-type]
    chosen = memberships.filter(pk=int(raw)).first() if raw.isdigit() else None
    if chosen is not None:
        request.session[SESSION_MEMBERSHIP] = chosen.pk
        audit.log(chosen, "membership.switched", chosen)
    return redirect("accounts:home")
