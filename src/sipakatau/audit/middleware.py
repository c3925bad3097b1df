"""The one place that sees every refused attempt to open a case, a referral, a person or
a public report — on the pages and in the JSON API alike (see ``refusals``)."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch

from .refusals import access_refused
from .services import actor_from_request

Handler = Callable[[HttpRequest], HttpResponse]

REFUSED_STATUSES = frozenset({403, 404})

# Pages: the URL namespace says what its ``pk`` names, but for the routes listed apart.
# A route added later to one of these namespaces is counted under the namespace's object.
_PAGE_OBJECTS: dict[str, tuple[str, dict[str, str | None]]] = {
    "cases": (
        "cases.case",
        {
            "consent_withdraw": "cases.consent",
            "plan_item_status": "cases.serviceplanitem",
            "follow_up_detail": "cases.followup",
            "attachment_download": "cases.attachment",
            "closure_decide": "cases.closure",
            # A mechanism's published figures, not case data.
            "mechanism_monitoring": None,
        },
    ),
    "referrals": ("referrals.referral", {"referral_create": "cases.case"}),
    "public": ("public.publicreport", {}),
    "people": ("people.person", {}),
}

# API operations (django-ninja, namespace ``api``): the path parameter names the object.
_API_PARAMETERS: dict[str, str] = {
    "case_id": "cases.case",
    "referral_id": "referrals.referral",
    "person_id": "people.person",
    "report_id": "public.publicreport",
    "attachment_id": "cases.attachment",
    "consent_id": "cases.consent",
    "closure_id": "cases.closure",
    "follow_up_id": "cases.followup",
    "item_id": "cases.serviceplanitem",
}

# An id is a short number. Anything else typed into the path (a NIK of 16 digits, a phone
# number with its leading 0, a name) is never written to the log.
_ID = re.compile(r"^[1-9][0-9]{0,8}$")


def refused_object(match: ResolverMatch | None) -> tuple[str, str] | None:
    """``(object type, id)`` that a refused request asked for, or None when the route
    names no case, referral, person or public report (or carries no usable id)."""
    if match is None:
        return None
    if match.namespace == "api":
        for parameter, object_type in _API_PARAMETERS.items():
            if parameter in match.kwargs:
                return object_type, _clean_id(match.kwargs[parameter])
        return None
    if match.namespace not in _PAGE_OBJECTS or "pk" not in match.kwargs:
        return None
    default, special = _PAGE_OBJECTS[match.namespace]
    named = special.get(match.url_name or "", default)
    if named is None:
        return None
    return named, _clean_id(match.kwargs["pk"])


def _clean_id(value: object) -> str:
    text = str(value)
    return text if _ID.match(text) else ""


def refused_access(get_response: Handler) -> Handler:
    """Audit a 403 or 404 answered to a signed-in account on an object route.

    Runs after the view, so that an API bearer token has already named the acting
    membership. Anonymous requests are left to the public portal's own limits. The query
    string is never read: it may carry a search for a name or a NIK.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code in REFUSED_STATUSES and request.user.is_authenticated:
            target = refused_object(request.resolver_match)
            if target is not None:
                object_type, object_id = target
                access_refused(
                    actor=actor_from_request(request),
                    object_type=object_type,
                    object_id=object_id,
                    status=response.status_code,
                )
        return response

    return middleware
