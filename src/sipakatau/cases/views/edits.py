"""Correcting the record after intake: the incident's GBVIMS fields, and a person's
particulars (a victim's SIMFONI particulars; a suspected perpetrator's work and relation
to a victim). Scoped fetch → may_manage → form → service → back to the case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors

from .. import queries
from ..codes import PartyRole
from ..forms.edits import (
    PARTICULARS_OF_ROLE,
    GbvimsDetailsForm,
    ParticularsForm,
    RelationEditForm,
    details_initial,
    particulars_initial,
)
from ..models import CaseParty
from ..services import edits
from ..services.gbvims_details import IncidentDetails
from ..services.intake import Particulars
from .common import require, to_case


@staff_view()
@require_http_methods(["GET", "POST"])
def incident_details_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk, record_read=True, sections=["incident"])
    require(queries.may_manage(membership, case))
    incident = queries.incident_of(case)
    form = GbvimsDetailsForm(request.POST or None, initial=details_initial(incident))
    if request.method == "POST" and form.is_valid():
        try:
            edits.incident_details_set(
                actor=membership, case=case, details=IncidentDetails(**form.detail_values())
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return to_case(case, "incident")
    context = {
        "case": case,
        "form": form,
        "title": _("More about what happened (GBVIMS)"),
        "submit": _("Save"),
        "section": "incident",
        "intro": _("Leave a question on 'Not asked' if it was not asked."),
    }
    return render(request, "cases/form_page.html", context)


def _link_initial(party: CaseParty, victim_pk: str | None) -> dict[str, object]:
    """The relation shown first: to the victim asked for (``?korban=``), else to the first
    victim the perpetrator is linked to."""
    links = list(party.case.perpetrator_links.filter(perpetrator=party).order_by("pk"))
    link = next((lk for lk in links if str(lk.victim_id) == victim_pk), None)
    link = link or (links[0] if links else None)
    if link is None:
        return {}
    return {
        "victim": link.victim_id,
        "relationship": link.relationship,
        "relation_detail": link.relation_detail,
    }


@staff_view()
@require_http_methods(["GET", "POST"])
def party_particulars_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """``pk`` is the person's place in the case. A victim: education, work, marital
    status, citizenship. A suspected perpetrator: work, and the relation to a victim."""
    party = queries.party_for(membership, pk, record_read=True)
    case = party.case
    require(queries.may_manage(membership, case))
    if party.role not in PARTICULARS_OF_ROLE:
        messages.info(request, _("Nothing more is recorded for this person."))
        return to_case(case, "people")
    data = request.POST if request.method == "POST" else None
    form = ParticularsForm(data, role=party.role, initial=particulars_initial(party))
    victims = queries.parties_of(case).filter(role=PartyRole.VICTIM)
    relation_form = None
    if party.role == PartyRole.PERPETRATOR and victims:
        relation_form = RelationEditForm(
            data,
            prefix="rel",
            victims=victims,
            initial=_link_initial(party, request.GET.get("korban")),
        )
    forms = [form] if relation_form is None else [form, relation_form]
    if data is not None and all([f.is_valid() for f in forms]):
        values = form.particular_values()
        relation = relation_form.cleaned_data if relation_form is not None else {}
        try:
            if party.role == PartyRole.VICTIM:
                edits.party_particulars_set(
                    actor=membership, party=party, particulars=Particulars(**values)
                )
            else:
                edits.perpetrator_edit(
                    actor=membership,
                    party=party,
                    occupation=values["occupation"],
                    victim=relation.get("victim"),
                    relationship=relation.get("relationship") or "",
                    relation_detail=relation.get("relation_detail") or "",
                )
        except ValidationError as error:
            about_relation = relation_form is not None and _about_relation(error)
            apply_service_errors(relation_form if about_relation else form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Saved."))
            return to_case(case, "people")
    context = {
        "case": case,
        "party": party,
        "form": form,
        "relation_form": relation_form,
        "relations": list(
            case.perpetrator_links.filter(perpetrator=party).select_related("victim__person")
        ),
    }
    return render(request, "cases/party_particulars.html", context)


def _about_relation(error: ValidationError) -> bool:
    fields = getattr(error, "error_dict", {})
    return "relationship" in fields or "relation_detail" in fields
