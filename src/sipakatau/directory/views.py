"""The directory pages: search and read for every staff role but the auditor; create,
edit, services, deactivate and import for the administrators and agency managers who
manage the entry (an entry outside their scope answers 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.permissions import IMPORT_DIRECTORY, MANAGE_PROVIDERS, READ_DIRECTORY
from sipakatau.areas.models import Area
from sipakatau.lib.access import staff_view
from sipakatau.lib.csv_response import csv_response
from sipakatau.lib.forms import apply_service_errors
from sipakatau.lib.tables import TableError, read_table
from sipakatau.lib.uploads import max_upload_bytes

from . import queries, services
from .codes import ServiceType
from .forms import ImportForm, ProviderCreateForm, ProviderForm, SearchForm, ServicesForm

PAGE_SIZE = 25


# --- Reading ------------------------------------------------------------------------------


@staff_view(*READ_DIRECTORY)
@require_GET
def search(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SearchForm(request.GET or None, areas=queries.areas_for_directory(membership))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    providers = queries.providers_for_search(
        service_type=data.get("service") or None,
        area=data.get("kelurahan"),
        text=data.get("q"),
    )
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "searched": bool(data and any(data.values())),
        "can_manage": queries.may_manage_providers(membership),
        "can_import": queries.may_import_directory(membership),
    }
    # HTMX swaps only the results; without JavaScript the whole page comes back.
    template = "directory/includes/results.html" if request.htmx else "directory/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@staff_view(*READ_DIRECTORY)
@require_GET
def provider_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    provider = queries.provider_for(membership, pk)
    context = {
        "provider": provider,
        "can_edit": queries.may_manage_provider(membership, provider),
    }
    return render(request, "directory/provider_detail.html", context)


# --- Managing -----------------------------------------------------------------------------


@staff_view(*MANAGE_PROVIDERS)
@require_GET
def manage_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    providers = queries.managed_providers_visible_to(membership)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": "",
        "can_create": queries.may_create_provider(membership),
        "can_import": queries.may_import_directory(membership),
    }
    return render(request, "directory/manage_list.html", context)


@staff_view(*MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    if membership.role == Role.AGENCY_MANAGER:
        own = queries.provider_for_organisation(membership.organisation)
        if own is not None:
            return redirect("directory:provider_edit", pk=own.pk)
    form = ProviderCreateForm(
        request.POST or None,
        areas=queries.areas_placeable(membership),
        served_areas=queries.areas_for_directory(membership),
        organisations=queries.organisations_linkable(membership),
        initial={"organisation": membership.organisation}
        if membership.role == Role.AGENCY_MANAGER
        else {"area": membership.organisation.area},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if membership.role == Role.AGENCY_MANAGER:
            values["organisation"] = membership.organisation
        try:
            provider = services.provider_create(actor=membership, **values)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The provider is in the directory. Now tick its services."))
            return redirect("directory:provider_services", pk=provider.pk)
    return render(request, "directory/provider_form.html", {"form": form, "provider": None})


@staff_view(*MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    provider = queries.managed_provider_for(membership, pk)
    form = ProviderForm(
        request.POST or None,
        # The current place stays a choice even when it is not the actor's to give.
        areas=queries.areas_placeable(membership) | Area.objects.filter(pk=provider.area_id),
        served_areas=queries.areas_for_directory(membership)
        | Area.objects.filter(pk__in=provider.areas_served.values("pk")),
        initial=ProviderForm.initial_for(provider),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(actor=membership, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:provider_detail", pk=provider.pk)
    return render(request, "directory/provider_form.html", {"form": form, "provider": provider})


@staff_view(*MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_services(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    provider = queries.managed_provider_for(membership, pk)
    form = ServicesForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_set_services(
                actor=membership, provider=provider, services=form.services()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:provider_detail", pk=provider.pk)
    return render(request, "directory/provider_services.html", {"form": form, "provider": provider})


@staff_view(*MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_set_active(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A confirmation page rather than a dialog: it works without JavaScript."""
    provider = queries.managed_provider_for(membership, pk)
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.provider_set_active(actor=membership, provider=provider, active=active)
        messages.success(
            request,
            _("The provider is back in the directory.")
            if active
            else _("The provider is no longer offered in searches or for referrals."),
        )
        return redirect("directory:provider_detail", pk=provider.pk)
    return render(request, "directory/provider_set_active.html", {"provider": provider})


# --- Import -------------------------------------------------------------------------------


@staff_view(*IMPORT_DIRECTORY)
@require_http_methods(["GET", "POST"])
def directory_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            problems = [_("The file is too big.")]
        else:
            try:
                rows = read_table(filename=upload.name or "", data=upload.read())
                result = services.directory_import(
                    actor=membership, rows=rows, source=upload.name or ""
                )
            except TableError as error:
                problems = [str(error)]
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect("directory:manage_list")
    context = {"form": form, "problems": problems, "service_types": ServiceType.choices}
    return render(request, "directory/import.html", context)


TEMPLATE_EXAMPLE = {
    "name": "Rumah Sakit Contoh",
    "address": "Jl. Contoh No. 1",
    "area_code": "73.72.03.1003",
    "phone": "0421 21000",
    "whatsapp": "0812 3456 7890",
    "email": "",
    "hours": "Senin-Jumat 08.00-16.00; IGD 24 jam",
    "services": "KESEHATAN;PSIKOSOSIAL",
    "wheelchair_access": "ya",
    "sign_language": "tidak",
    "cost": "BPJS",
    "is_public": "ya",
    "areas_served": "73.72",
}


@staff_view(*IMPORT_DIRECTORY)
@require_GET
def import_template(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A CSV to fill in: the columns and one example row."""
    columns = [*services.IMPORT_COLUMNS, "areas_served"]
    return csv_response(
        filename="direktori-layanan.csv",
        header=columns,
        rows=[[TEMPLATE_EXAMPLE.get(column, "") for column in columns]],
    )
