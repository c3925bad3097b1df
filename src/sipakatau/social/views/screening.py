"""The worklist (households to look at, and why), running the screening, and the
screening rules: Dinsos writes a rule, tries it on today's data ("Coba aturan"), and
only then saves it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, services
from ..codes import WorklistStatus
from ..forms import RuleForm
from ..models import ScreeningRule
from ..rules import BASE_FACTS, programme_fact
from .common import SOCIAL_ROLES, TABS


@staff_view(*SOCIAL_ROLES)
@require_GET
def worklist(request: HttpRequest, membership: Membership) -> HttpResponse:
    show = request.GET.get("show", WorklistStatus.OPEN)
    if show not in WorklistStatus.values:
        show = WorklistStatus.OPEN
    entries = queries.worklist_visible_to(membership).filter(status=show)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    kelurahan = queries.kelurahan_of(membership)
    context = {
        "tabs": TABS,
        "current": "social:worklist",
        "show": show,
        "statuses": WorklistStatus.choices,
        "page": page,
        "query": f"show={show}",
        "can_screen": kelurahan is not None and queries.may_run_screening(membership, kelurahan),
    }
    return render(request, "social/worklist.html", context)


@staff_view(*SOCIAL_ROLES)
@require_POST
def worklist_dismiss(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    entry = queries.worklist_entry_for(membership, pk)
    try:
        services.worklist_dismiss(actor=membership, entry=entry)
        messages.success(request, _("The entry was set aside."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("social:worklist")


@staff_view(*SOCIAL_ROLES)
@require_POST
def screening_run(request: HttpRequest, membership: Membership) -> HttpResponse:
    kelurahan = queries.kelurahan_of(membership)
    if kelurahan is None:
        raise PermissionDenied
    added = services.screening_run(actor=membership, kelurahan=kelurahan)
    messages.success(
        request, _("Screening done: %(count)s new households on the worklist.") % {"count": added}
    )
    return redirect("social:worklist")


@staff_view(*SOCIAL_ROLES)
@require_GET
def rule_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    rules = queries.rules_visible_to(membership)
    context = {
        "tabs": TABS,
        "current": "social:rule_list",
        "rows": [(rule, queries.may_edit_rule(membership, rule)) for rule in rules],
        "can_create": queries.may_edit_rules(membership),
    }
    return render(request, "social/rule_list.html", context)


def _facts() -> list[tuple[str, str]]:
    facts = [(name, str(help_text)) for name, (_kind, help_text) in BASE_FACTS.items()]
    facts += [
        (programme_fact(p.code), _("receives %(name)s") % {"name": p.name})
        for p in queries.programmes_listed()
    ]
    return facts


def _rule_page(
    request: HttpRequest, membership: Membership, rule: ScreeningRule | None
) -> HttpResponse:
    programmes = list(queries.programmes_listed().filter(is_active=True))
    initial = (
        {
            "programme": rule.programme.code,
            "expression": rule.expression,
            "description": rule.description,
            "is_active": rule.is_active,
        }
        if rule
        else {"is_active": True}
    )
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes,
        initial=initial,
    )
    run = None
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                saved = services.rule_save(
                    actor=membership,
                    rule=rule,
                    programme=next(p for p in programmes if p.code == values["programme"]),
                    expression=values["expression"],
                    description=values["description"],
                    is_active=values["is_active"],
                )
                messages.success(request, _("The rule was saved."))
                return redirect("social:rule_edit", pk=saved.pk)
            run = services.rule_test_run(actor=membership, expression=values["expression"])
        except ValidationError as error:
            apply_service_errors(form, error)
    context = {
        "tabs": TABS,
        "current": "social:rule_list",
        "rule": rule,
        "form": form,
        "run": run,
        "facts": _facts(),
    }
    return render(request, "social/rule_form.html", context)


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not queries.may_edit_rules(membership):
        raise PermissionDenied
    return _rule_page(request, membership, None)


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    rule = queries.rule_for(membership, pk)
    if not queries.may_edit_rule(membership, rule):
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "social/rule_detail.html",
            {"tabs": TABS, "current": "social:rule_list", "rule": rule, "facts": _facts()},
        )
    return _rule_page(request, membership, rule)
