"""Role requests: what an administrator asked for and a second person decides — the
unit's coordinator or another administrator who manages the organisation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import show_refusal

from .. import queries
from ..models import Membership
from ..permissions import DECIDE_ROLE_REQUESTS
from ..services.role_requests import role_request_decide as decide

PAGE_SIZE = 50


@staff_view(*DECIDE_ROLE_REQUESTS)
@require_GET
def role_request_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    pending = queries.pending_role_requests_visible_to(membership)
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/role_request_list.html", {"page": page})


@staff_view(*DECIDE_ROLE_REQUESTS)
@require_POST
def role_request_decide(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role_request = queries.role_request_for(membership, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        decide(actor=membership, request=role_request, approve=approve)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The role is given. The user can use it now.")
            if approve
            else _("The request is refused. The user does not get this role."),
        )
    return redirect("accounts:role_request_list")
