"""Lists: cases (mine, the unit's, unassigned, due today, overdue) and my follow-ups.

A list may be seen on a shared screen, so rows carry the register number, status, risk
and the next due action, never a name. What is typed in the search box is sent by POST
and only the matching case numbers are kept (in the session), so no name or NIK ever
travels in a URL, a browser history or a server log.

The case list is walked by keyset ("Next"/"Previous" carry a signed cursor naming the last
row's report time and id, nothing else), never by page number and never counted: a page
reads its 25 rows through the unit's index, whether the unit holds 5,000 cases or 500,000.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.lib.access import staff_view
from sipakatau.lib.keyset_pages import keyset_page

from .. import queries
from ..forms.lists import TABS, CaseFilterForm, CaseSearchForm

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "cases_search_ids"
SEARCH_TOO_MANY_KEY = "cases_search_too_many"


@staff_view(*WORK_ON_CASES)
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    volunteer = membership.role == Role.VOLUNTEER
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cursor", None)
    search_form = CaseSearchForm(request.POST or None)
    if request.method == "POST":
        if search_form.is_valid():
            found = queries.case_search(membership, search_form.cleaned_data["q"])
            request.session[SEARCH_SESSION_KEY] = found.case_ids
            request.session[SEARCH_TOO_MANY_KEY] = found.too_many
            params["search"] = "1"
            return redirect(f"{reverse('cases:case_list')}?{params.urlencode()}")
        params.pop("search", None)
    # A volunteer lists the intakes she took; her follow-ups have their own list. A
    # coordinator holds few cases herself: she starts at the unit's.
    default = "unit" if membership.role == Role.COORDINATOR else "mine"
    tab = "mine" if volunteer else request.GET.get("tab", default)
    if tab not in TABS:
        tab = default
    searching = request.GET.get("search") == "1" and SEARCH_SESSION_KEY in request.session
    case_ids = list(request.session[SEARCH_SESSION_KEY]) if searching else None
    filter_form = CaseFilterForm(request.GET, organisation=membership.organisation)
    cases = queries.cases_listed(membership, filter_form.case_filter(tab, case_ids))
    page = keyset_page(request, cases, PAGE_SIZE)
    rows = []
    for case in page.rows:
        deadline = queries.next_deadline(case)
        rows.append((case, deadline, queries.lateness(deadline)))
    without_search = params.copy()
    without_search.pop("search", None)
    context = {
        "tab": tab,
        "tabs": [] if volunteer else TABS,
        "volunteer": volunteer,
        "rows": rows,
        "page_size": PAGE_SIZE,
        "next_url": page.next_url,
        "previous_url": page.previous_url,
        "cursor_refused": page.cursor_refused,
        "filter_form": filter_form,
        "search_form": search_form,
        "searching": searching,
        "search_too_many": searching and request.session.get(SEARCH_TOO_MANY_KEY, False),
        "query": params.urlencode(),
        "query_without_search": without_search.urlencode(),
    }
    return render(request, "cases/case_list.html", context)


@staff_view(*WORK_ON_CASES)
@require_GET
def follow_up_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    # Those to do, or those done: two keyset lists, so that neither is counted or skipped
    # through by page number however many follow-ups a volunteer has done over the years.
    done = request.GET.get("tab") == "done"
    page = keyset_page(request, queries.follow_ups_listed(membership, done=done), PAGE_SIZE)
    return render(request, "cases/follow_up_list.html", {"done": done, **page.context()})
