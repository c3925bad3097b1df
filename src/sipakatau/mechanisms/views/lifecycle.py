"""A version's way: opening and closing the discussion, approval, a new version, the
comparison of two versions, and issuance as the SK Lurah."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import diff, numbering, queries, services
from ..codes import Section, Status
from ..documents import labels
from ..forms import DecreeForm
from .common import to_version

DONE = {
    Status.DRAFT: gettext_lazy("The version is back to draft."),
    Status.IN_DISCUSSION: gettext_lazy("The discussion is open: the parties can comment now."),
    Status.APPROVED: gettext_lazy("The version is approved. It can now be issued as a decree."),
}


@staff_view()
@require_POST
def version_transition(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    to = request.POST.get("to", "")
    try:
        services.version_transition(actor=membership, version=version, to=to)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        if to == Status.IN_DISCUSSION and version.status == Status.APPROVED:
            messages.success(request, _("The version was sent back to the discussion."))
        else:
            messages.success(request, str(DONE.get(Status(to), "")))
    return to_version(version)


@staff_view()
@require_POST
def version_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    based_on = queries.version_for(membership, pk)
    try:
        version = services.version_new(actor=membership, based_on=based_on)
    except ValidationError as error:
        show_refusal(request, error)
        return to_version(based_on)
    messages.success(
        request,
        _("Version %(number)s was made as a copy. Change it, then discuss it.")
        % {"number": version.number},
    )
    return to_version(version)


@staff_view()
@require_GET
def version_diff(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    other_pk = request.GET.get("dengan", "")
    if other_pk:
        if not other_pk.isdigit():
            raise Http404
        other = queries.version_for(membership, int(other_pk))
        if other.mechanism_id != version.mechanism_id:
            raise Http404
    else:
        found = queries.previous_version(version)
        if found is None:
            return render(request, "mechanisms/version_diff.html", {"version": version})
        other = found
    old, new = sorted([other, version], key=lambda v: v.number)
    changes = diff.version_diff(queries.version_in_full(old), queries.version_in_full(new))
    labels: dict[str, object] = dict(Section.choices)
    # Headings for a list of changes, not for a comment: the diff puts Tembusan under
    # "general", since comments have no section of their own for it.
    labels.update(
        {Section.STEP: _("Steps of handling"), Section.GENERAL: _("Copies to (Tembusan)")}
    )
    groups = [
        (labels.get(section, section), [(c, diff.word_spans(c.before, c.after)) for c in items])
        for section, items in groupby(changes, key=lambda c: c.section)
    ]
    others = [v for v in queries.versions_of(version.mechanism) if v.pk != version.pk]
    context = {"version": version, "old": old, "new": new, "groups": groups, "others": others}
    return render(request, "mechanisms/version_diff.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def decree_issue(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    if not queries.may_sign(membership, version.mechanism):
        raise PermissionDenied
    if version.status == Status.ISSUED:
        return to_version(version)  # sent twice: the first send issued it
    if version.status != Status.APPROVED:
        messages.error(request, _("Only an approved version can be issued."))
        return to_version(version)
    user = membership.user
    initial = DecreeForm.initial_for(
        full_name=user.get_full_name(),
        village=version.mechanism.area,
        today=timezone.localdate(),
    )
    form = DecreeForm(request.POST or None, initial=initial, village=version.mechanism.area)
    if request.method == "POST" and form.is_valid():
        try:
            decree = services.decree_issue(
                actor=membership,
                version=version,
                base_url=settings.SIPAKATAU_BASE_URL or request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            issued = (
                _("Decree %(number)s was issued. It is now the desa's active mechanism.")
                if labels.is_desa(version.mechanism.area)
                else _("Decree %(number)s was issued. It is now the kelurahan's active mechanism.")
            )
            messages.success(request, issued % {"number": decree.number})
            return to_version(version)
    # The number the decree will carry (its year follows the date of issue), or what is
    # still missing from it: then the page sends the Lurah to the numbering settings.
    mechanism = version.mechanism
    missing = numbering.number_problems(mechanism.classification_code, mechanism.office_code)
    day = form.cleaned_data.get("issued_on") if form.is_bound and form.is_valid() else None
    year = (day or timezone.localdate()).year
    context = {
        "version": version,
        "form": form,
        "missing": list(missing.values()),
        "number": queries.number_preview(mechanism, year),
        "may_change_numbering": queries.may_draft(membership, mechanism),
    }
    return render(request, "mechanisms/decree_issue.html", context)
