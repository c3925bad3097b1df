"""Data entry on a phone (issue 15): an enumerator starts a response, answers one question
group per screen (each screen saved on the server as a draft), checks the answers and
sends them. Works without JavaScript: every button is a POST followed by a redirect, and
a refused screen comes back with what was typed and the errors next to the questions."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, screens, services
from ..models import DraftStatus, ResponseDraft
from ..services.entry import layout_for

ROLES = tuple(sorted(queries.WORK_ON_MAPPING))


class StartForm(forms.Form):
    rw = forms.CharField(
        label=gettext_lazy("RW number"),
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rt = forms.CharField(
        label=gettext_lazy("RT number"),
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    household_id = forms.IntegerField(
        label=gettext_lazy("Household number in Sipakatau (if any)"),
        help_text=gettext_lazy("Leave it empty if you do not know it. Never write a name."),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # One start, however often "Start" is tapped: the key is fixed when the page is shown.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class _Choice(forms.ChoiceField):
    """The answer is checked by ``screens.check`` (one message, in the form's words)."""

    def validate(self, value: Any) -> None:
        pass


class _Choices(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        pass


def _field(layout: screens.Layout, item: screens.Item) -> forms.Field:
    label = item.spec.label or item.name
    if item.spec.required:
        label = f"{label} *"
    common: dict[str, Any] = {"label": label, "required": False, "help_text": item.hint}
    kind = item.spec.type
    if kind == "select_one":
        return _Choice(choices=layout.choices(item), widget=forms.RadioSelect, **common)
    if kind == "select_multiple":
        return _Choices(choices=layout.choices(item), widget=forms.CheckboxSelectMultiple, **common)
    if kind == "integer":
        attrs = {"inputmode": "numeric", "autocomplete": "off"}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "decimal":
        attrs = {"inputmode": "decimal", "autocomplete": "off"}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    attrs = {"rows": "3", "maxlength": str(screens.MAX_TEXT)}
    return forms.CharField(widget=forms.Textarea(attrs=attrs), **common)


def _form(
    layout: screens.Layout,
    items: list[screens.Item],
    values: dict[str, Any],
    data: QueryDict | None,
    prefix: str | None = None,
) -> tuple[forms.Form, list[tuple[str, Any]]]:
    """A form for the items, and its rows in order: ("note", text) or ("field", bound)."""
    form = forms.Form(
        data,
        prefix=prefix,
        label_suffix="",
        initial={i.name: screens.as_raw(values.get(i.path)) for i in items if not i.is_note},
    )
    rows: list[tuple[str, Any]] = []
    for item in items:
        if item.is_note:
            rows.append(("note", item.spec.label))
            continue
        form.fields[item.name] = _field(layout, item)
        rows.append(("field", form[item.name]))
    return form, rows


def _typed(data: QueryDict, item: screens.Item, prefix: str = "") -> str | list[str]:
    name = f"{prefix}-{item.name}" if prefix else item.name
    if item.spec.type == "select_multiple":
        return data.getlist(name)
    return data.get(name, "")


def _screen_url(draft: ResponseDraft, index: int) -> str:
    return f"{reverse('mapping:entry_screen', args=[draft.pk])}?layar={index}"


def _after_save(draft: ResponseDraft, layout: screens.Layout) -> HttpResponse:
    if draft.position >= len(layout.screens):
        return redirect("mapping:entry_review", draft.pk)
    return redirect(_screen_url(draft, draft.position))


# --- Pages ---------------------------------------------------------------------------------


@staff_view(*ROLES)
@require_GET
def entry_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The questionnaires the enumerator can fill in, and their drafts to go on with."""
    drafts = Paginator(queries.open_drafts_visible_to(membership), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "questionnaires": queries.questionnaires_to_enter(membership),
        "page": drafts,
        "sent": queries.drafts_visible_to(membership).filter(status=DraftStatus.SUBMITTED).count(),
    }
    return render(request, "mapping/entry/list.html", context)


@staff_view(*ROLES)
@require_http_methods(["GET", "POST"])
def entry_start(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(membership, pk)
    if not queries.may_enter_response(membership, questionnaire):
        raise PermissionDenied
    form = StartForm(
        request.POST if request.method == "POST" else None, initial={"key": uuid.uuid4().hex}
    )
    if form.is_valid():
        try:
            draft = services.draft_start(
                actor=membership, questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(_screen_url(draft, draft.position))
    return render(
        request, "mapping/entry/start.html", {"form": form, "questionnaire": questionnaire}
    )


@staff_view(*ROLES)
@require_http_methods(["GET", "POST"])
def entry_screen(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    draft = queries.draft_for(membership, pk)
    if draft.status != DraftStatus.OPEN:
        messages.info(request, _("These answers were already sent. Thank you."))
        return redirect("mapping:entry_list")
    if not queries.may_edit_draft(membership, draft):
        raise PermissionDenied
    layout = layout_for(draft.questionnaire)
    source = request.POST if request.method == "POST" else request.GET
    try:
        index = int(source.get("screen", source.get("layar", draft.position)))
    except ValueError:
        index = draft.position
    if index < 0 or index >= len(layout.screens):
        return redirect("mapping:entry_review", draft.pk)
    screen = layout.screens[index]
    if request.method == "GET" and not screens.screen_shown(
        layout, screen, draft.answers, draft.rw, draft.rt
    ):
        following = screens.step(layout, draft.answers, draft.rw, draft.rt, index, +1)
        if following is None:
            return redirect("mapping:entry_review", draft.pk)
        return redirect(_screen_url(draft, following))

    bound: QueryDict | None = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("go", "next")
        typed: dict[str, Any]
        if screen.repeat_path:
            try:
                count = max(0, min(int(request.POST.get("instances", "0")), 50))
            except ValueError:
                count = 0
            instances = [
                {item.path: _typed(request.POST, item, f"r{n}") for item in screen.items}
                for n in range(count)
            ]
            if action == "remove" and instances:
                instances.pop()
            typed = {screen.repeat_path: instances}
            shown = None
        else:
            shown = set(request.POST.getlist("shown"))
            typed = {
                item.path: _typed(request.POST, item)
                for item in screen.items
                if item.path in shown and not item.is_note
            }
        move = {"next": 1, "prev": -1}.get(action, 0)
        try:
            draft = services.draft_save(
                actor=membership,
                draft=draft,
                answers=typed,
                screen=index,
                move=move,
                shown=shown,
                partial=action in ("prev", "exit"),
            )
        except ValidationError as error:
            bound = request.POST
            errors = error.message_dict
        else:
            if action == "exit":
                messages.success(request, _("The draft is saved. You can go on with it later."))
                return redirect("mapping:entry_list")
            if action == "add":
                return redirect(_screen_url(draft, index) + "&tambah=1#akhir")
            if move > 0 and draft.position == index:
                messages.info(request, _("More questions appeared on this screen."))
            return _after_save(draft, layout)

    context = _screen_context(layout, draft, screen, bound, errors, request.GET.get("tambah"))
    return render(request, "mapping/entry/screen.html", context, status=200)


def _screen_context(
    layout: screens.Layout,
    draft: ResponseDraft,
    screen: screens.Screen,
    bound: QueryDict | None,
    errors: dict[str, list[str]],
    another: str | None,
) -> dict[str, Any]:
    shown_indexes = [
        s.index
        for s in layout.screens
        if screens.screen_shown(layout, s, draft.answers, draft.rw, draft.rt) or s is screen
    ]
    context: dict[str, Any] = {
        "draft": draft,
        "questionnaire": draft.questionnaire,
        "screen": screen,
        "number": shown_indexes.index(screen.index) + 1,
        "total": len(shown_indexes),
        "has_errors": bool(errors),
        "first": screens.step(layout, draft.answers, draft.rw, draft.rt, screen.index, -1) is None,
    }
    if screen.repeat_path:
        stored = list(draft.answers.get(screen.repeat_path) or [])
        if bound is not None:
            count = int(bound.get("instances", "0") or 0)
            if bound.get("go") == "remove" and count:
                count -= 1
        else:
            count = len(stored) + (1 if another or not stored else 0)
        instances = []
        for n in range(count):
            values = stored[n] if n < len(stored) else {}
            items = list(screen.items)
            form, rows = _form(layout, items, values, bound, prefix=f"r{n}")
            for item in items:
                for message in errors.get(screens.error_key(item.path, n), []):
                    form.add_error(item.name, message)
            instances.append({"number": n + 1, "rows": rows})
        context.update(instances=instances, count=count)
        return context
    items = screens.visible_items(layout, screen, draft.answers, draft.rw, draft.rt)
    form, rows = _form(layout, items, draft.answers, bound)
    for item in items:
        for message in errors.get(item.path, []):
            form.add_error(item.name, message)
    context.update(rows=rows, shown=[i.path for i in items if not i.is_note])
    return context


def _shown_answer(layout: screens.Layout, item: screens.Item, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    labels = dict(layout.choices(item))
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if item.spec.type == "select_one":
        return labels.get(value, value)
    return str(screens.as_raw(value))


def _summary(layout: screens.Layout, draft: ResponseDraft) -> list[dict[str, Any]]:
    """What will be sent, screen by screen (only questions that are asked)."""
    out = []
    for screen in layout.screens:
        if not screens.screen_shown(layout, screen, draft.answers, draft.rw, draft.rt):
            continue
        if screen.repeat_path:
            groups = []
            for values in draft.answers.get(screen.repeat_path) or []:
                items = screens.visible_items(
                    layout, screen, draft.answers, draft.rw, draft.rt, values
                )
                groups.append(
                    [
                        (i.spec.label, _shown_answer(layout, i, values.get(i.path)))
                        for i in items
                        if not i.is_note
                    ]
                )
            out.append(
                {"screen": screen, "instances": groups, "url": _screen_url(draft, screen.index)}
            )
            continue
        items = screens.visible_items(layout, screen, draft.answers, draft.rw, draft.rt)
        out.append(
            {
                "screen": screen,
                "answers": [
                    (i.spec.label, _shown_answer(layout, i, draft.answers.get(i.path)))
                    for i in items
                    if not i.is_note
                ],
                "url": _screen_url(draft, screen.index),
            }
        )
    return out


@staff_view(*ROLES)
@require_http_methods(["GET", "POST"])
def entry_review(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """All the answers, what is still missing, and "Send"."""
    draft = queries.draft_for(membership, pk)
    if draft.status != DraftStatus.OPEN and request.method == "GET":
        messages.info(request, _("These answers were already sent. Thank you."))
        return redirect("mapping:entry_list")
    if request.method == "POST":
        try:
            services.draft_submit(actor=membership, draft=draft)
        except ValidationError:
            pass  # the problems are listed on the page, each with a link to its screen
        else:
            messages.success(request, _("Thank you. The answers were sent."))
            return redirect("mapping:entry_list")
    elif not queries.may_edit_draft(membership, draft):
        raise PermissionDenied
    layout = layout_for(draft.questionnaire)
    done = screens.finish(layout, draft.answers, draft.rw, draft.rt)
    last = screens.step(layout, draft.answers, draft.rw, draft.rt, len(layout.screens), -1)
    context = {
        "draft": draft,
        "questionnaire": draft.questionnaire,
        "summary": _summary(layout, draft),
        "problems": [
            (label, reason, _screen_url(draft, index)) for index, label, reason in done.problems
        ],
        "tried": request.method == "POST",
        "back_url": _screen_url(draft, last) if last is not None else "",
    }
    return render(request, "mapping/entry/review.html", context)


@staff_view(*ROLES)
@require_POST
def entry_discard(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    draft = queries.draft_for(membership, pk)
    try:
        services.draft_discard(actor=membership, draft=draft)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The draft was thrown away."))
    return redirect("mapping:entry_list")
