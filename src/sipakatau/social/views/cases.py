"""From a case to the social-protection track: the caseworker places the victim in her
household (by KK number), so that the case's needs reach the kelurahan's worklist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import MANAGE_CASE
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.queries import case_for, parties_of
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors

from .. import queries, services
from ..forms import CaseHouseholdForm


@staff_view(*sorted(MANAGE_CASE))
@require_http_methods(["GET", "POST"])
def case_household(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = case_for(membership, pk)
    if not queries.may_add_from_case(membership, case) or queries.kelurahan_of(membership) is None:
        raise PermissionDenied
    victims = {
        party.pk: party
        for party in parties_of(case).filter(role=PartyRole.VICTIM).select_related("person")
    }
    choices = [(pk, party.person.name) for pk, party in victims.items()]
    form = CaseHouseholdForm(request.POST if request.method == "POST" else None, victims=choices)
    if form.is_valid():
        values = dict(form.cleaned_data)
        try:
            member = services.household_join_from_case(
                actor=membership, case=case, party=victims[values.pop("party")], **values
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The victim is in the household now (RT %(rt)s/RW %(rw)s).")
                % {"rt": member.household.rt, "rw": member.household.rw},
            )
            return redirect(reverse("cases:case_detail", args=[case.pk]) + "#social")
    return render(request, "social/case_household.html", {"case": case, "form": form})
