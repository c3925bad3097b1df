"""Mechanism pages: the list, one mechanism, one version in full, and drafting (the
version's text, its steps, pathway and duties).

Every view starts with one scoped read of queries.py (404 out of scope); every write goes
through a service, whose refusals show next to the field (apply_service_errors) and whose
PermissionDenied answers 403.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.permissions import TAKE_PART_IN_MECHANISMS
from sipakatau.areas.crest import city_of, crest_data_uri, crest_limit
from sipakatau.directory.queries import providers_for_search
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import numbering, queries, services
from ..codes import EDITABLE
from ..documents import labels
from ..forms import CrestForm, DutyForm, PathwayForm, SettingsForm, StartForm, StepForm, VersionForm
from ..models import Duty, MechanismVersion, Step
from .common import save_once, to_version
from .detail import version_page


def _form_page(request: HttpRequest, version: Any, form: Form, **extra: Any) -> HttpResponse:
    return render(request, "mechanisms/form.html", {"version": version, "form": form, **extra})


# --- Mechanisms -------------------------------------------------------------------------


@staff_view(*TAKE_PART_IN_MECHANISMS)
@require_GET
def mechanism_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    area = queries.kelurahan_to_start(membership)
    form = StartForm(initial=StartForm.initial_for(area)) if area else None
    context = {**_list_context(membership, area), "start_form": form}
    return render(request, "mechanisms/mechanism_list.html", context)


def _list_context(membership: Membership, area: Any) -> dict[str, Any]:
    """The rows, the village to start, and whether every village named is a desa (the
    page then speaks of the desa and its Kepala Desa)."""
    rows = queries.mechanism_rows(membership)
    areas = [row.mechanism.area for row in rows] + ([area] if area else [])
    only_desa = bool(areas) and all(labels.is_desa(a) for a in areas)
    return {"rows": rows, "start_area": area, "only_desa": only_desa}


@staff_view(Role.VILLAGE_OFFICER)
@require_POST
def mechanism_start(request: HttpRequest, membership: Membership) -> HttpResponse:
    area = queries.kelurahan_to_start(membership)
    form = StartForm(request.POST)
    if area is not None and form.is_valid():
        try:
            version = services.mechanism_start(actor=membership, area=area, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft was made from the template. Adapt it."))
            return to_version(version)
    elif area is None:
        messages.error(request, _("You cannot start a mechanism here, or it exists already."))
        return redirect("mechanisms:mechanism_list")
    context = {**_list_context(membership, area), "start_form": form}
    return render(request, "mechanisms/mechanism_list.html", context)


@staff_view()
@require_GET
def mechanism_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    mechanism = queries.mechanism_for(membership, pk)
    versions = queries.versions_of(mechanism)
    latest_issued = next((v for v in versions if v.status == "issued"), None)
    working = [v for v in versions if v.status in queries.WORKING]
    year = timezone.localdate().year
    context = {
        "mechanism": mechanism,
        "versions": versions,
        "number_preview": queries.number_preview(mechanism, year),
        "number_missing": list(
            numbering.number_problems(mechanism.classification_code, mechanism.office_code).values()
        ),
        "can_draft": queries.may_draft(membership, mechanism),
        "new_from": latest_issued if latest_issued and not working else None,
    }
    return render(request, "mechanisms/mechanism_detail.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def mechanism_settings(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The decree numbering in words and fields, with the number the next decree would
    carry. "Show the number" sends the form back with its preview, without saving."""
    mechanism = queries.mechanism_for(membership, pk)
    if not queries.may_draft(membership, mechanism):
        raise PermissionDenied
    year = timezone.localdate().year
    initial = {
        "classification_code": mechanism.classification_code,
        "office_code": mechanism.office_code,
        "next_number": queries.next_sequence(mechanism, year),
        "place": mechanism.place,
        **{field: getattr(mechanism, field) for field in SettingsForm.CONTACT},
    }
    form = SettingsForm(
        request.POST or None, initial=initial, year=year, desa=labels.is_desa(mechanism.area)
    )
    preview = queries.number_preview(mechanism, year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = queries.number_preview(
            mechanism,
            year,
            classification_code=data["classification_code"].strip(),
            office_code=data["office_code"].strip(),
            sequence=data["next_number"],
        )
        if "preview" in request.POST:
            for field, message in numbering.number_problems(
                data["classification_code"].strip(), data["office_code"].strip()
            ).items():
                form.add_error(field, message)
        else:
            try:
                services.mechanism_settings_update(
                    actor=membership, mechanism=mechanism, year=year, **data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("mechanisms:mechanism_detail", pk=mechanism.pk)
    # The saved settings may be incomplete (an old "400.x"): the page says what to fill in.
    missing = numbering.number_problems(mechanism.classification_code, mechanism.office_code)
    context = {
        "mechanism": mechanism,
        "form": form,
        "preview": preview,
        "year": year,
        "missing": list(missing.values()),
    }
    return render(request, "mechanisms/mechanism_settings.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def crest_upload(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The regional crest printed at the left of the letterhead, for the city or regency
    of the mechanism's village: shown, and replaced by whoever keeps the settings."""
    mechanism = queries.mechanism_for(membership, pk)
    if not queries.may_draft(membership, mechanism):
        raise PermissionDenied
    form = CrestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte over the limit is enough for the service to refuse it as too big;
            # the rest of an oversize file is never read into memory.
            services.regional_crest_set(
                actor=membership,
                mechanism=mechanism,
                filename=upload.name or "",
                data=upload.read(crest_limit() + 1),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The crest was saved. New documents print it in the letterhead.")
            )
            return redirect("mechanisms:mechanism_settings", pk=mechanism.pk)
    context = {
        "mechanism": mechanism,
        "city": city_of(mechanism.area),
        "crest": crest_data_uri(mechanism.area),
        "form": form,
    }
    return render(request, "mechanisms/crest.html", context)


# --- One version ------------------------------------------------------------------------


@staff_view()
@require_GET
def version_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    return version_page(request, membership, version)


def _not_editable(
    request: HttpRequest, membership: Membership, version: MechanismVersion
) -> HttpResponse | None:
    """A form page the member could never send is refused before it is shown: 403 for
    whoever does not draft, and back to the version once it is approved or issued."""
    if not queries.may_draft(membership, version.mechanism):
        raise PermissionDenied
    if version.status not in EDITABLE:
        messages.error(request, _("This version can no longer be changed."))
        return to_version(version)
    return None


@staff_view()
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    if (refused := _not_editable(request, membership, version)) is not None:
        return refused
    form = VersionForm(request.POST or None, initial=VersionForm.initial_for(version))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(actor=membership, version=version, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return to_version(version)
    return _form_page(request, version, form, title=_("Change the text of the decree"))


def _save_step(
    request: HttpRequest, membership: Membership, version: MechanismVersion, step: Step | None
) -> HttpResponse:
    if (refused := _not_editable(request, membership, version)) is not None:
        return refused
    initial = StepForm.initial_for(step) if step else {}
    desa = labels.is_desa(version.mechanism.area)
    form = StepForm(request.POST or None, initial=initial, desa=desa)
    if request.method == "POST" and form.is_valid():

        def save() -> HttpResponse:
            saved = services.step_save(
                actor=membership, version=version, step=step, **form.values()
            )
            messages.success(request, _("The step was saved."))
            return to_version(version, f"step-{saved.pk}")

        if (done := save_once(request, form, version, save)) is not None:
            return done
    context = {"version": version, "form": form, "step": step}
    return render(request, "mechanisms/step_form.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def step_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    return _save_step(request, membership, version, None)


@staff_view()
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    step = queries.step_for(membership, pk)
    return _save_step(request, membership, step.version, step)


@staff_view()
@require_POST
def step_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    step = queries.step_for(membership, pk)
    try:
        services.step_delete(actor=membership, step=step)
        messages.success(request, _("The step was removed."))
    except ValidationError as error:
        show_refusal(request, error)
    return to_version(step.version_id, "steps")


# --- Pathway and duties -----------------------------------------------------------------


@staff_view()
@require_http_methods(["GET", "POST"])
def pathway_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    if (refused := _not_editable(request, membership, version)) is not None:
        return refused
    providers = providers_for_search(area=version.mechanism.area)
    form = PathwayForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> HttpResponse:
            services.pathway_entry_add(
                actor=membership,
                version=version,
                service_type=data["service_type"],
                provider=data["provider"],
                contact=data["contact"],
            )
            messages.success(request, _("The provider was added to the pathway."))
            return to_version(version, "pathway")

        if (done := save_once(request, form, version, save)) is not None:
            return done
    return _form_page(request, version, form, title=_("Add a provider to the pathway"))


@staff_view()
@require_POST
def pathway_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    entry = queries.pathway_entry_for(membership, pk)
    try:
        services.pathway_entry_remove(actor=membership, entry=entry)
        messages.success(request, _("The provider was removed from the pathway."))
    except ValidationError as error:
        show_refusal(request, error)
    return to_version(entry.version_id, "pathway")


def _save_duty(
    request: HttpRequest, membership: Membership, version: MechanismVersion, duty: Duty | None
) -> HttpResponse:
    if (refused := _not_editable(request, membership, version)) is not None:
        return refused
    initial = {"party": duty.party, "duties": duty.duties} if duty else {}
    desa = labels.is_desa(version.mechanism.area)
    form = DutyForm(request.POST or None, initial=initial, desa=desa)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> HttpResponse:
            services.duty_save(
                actor=membership,
                version=version,
                duty=duty,
                party=data["party"],
                duties=data["duties"],
            )
            messages.success(request, _("The duties were saved."))
            return to_version(version, "duties")

        if (done := save_once(request, form, version, save)) is not None:
            return done
    title = _("Change the duties") if duty else _("Add a party and its duties")
    return _form_page(request, version, form, title=title, duty=duty)


@staff_view()
@require_http_methods(["GET", "POST"])
def duty_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    return _save_duty(request, membership, version, None)


@staff_view()
@require_http_methods(["GET", "POST"])
def duty_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    duty = queries.duty_for(membership, pk)
    return _save_duty(request, membership, duty.version, duty)


@staff_view()
@require_POST
def duty_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    duty = queries.duty_for(membership, pk)
    try:
        services.duty_delete(actor=membership, duty=duty)
        messages.success(request, _("The party was removed."))
    except ValidationError as error:
        show_refusal(request, error)
    return to_version(duty.version_id, "duties")
