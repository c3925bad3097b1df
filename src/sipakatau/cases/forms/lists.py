"""Filters of the case list. Nothing about a person goes in these (they travel in the
URL); the search box is a separate POST form whose text never reaches a URL."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area

from ..codes import RiskLevel, ViolenceForm
from ..models import Status
from ..queries import CaseFilter
from .intake import KelurahanField, kelurahan_near
from .widgets import NO_AUTOFILL, DateInput

TABS = ("mine", "unit", "unassigned", "today", "overdue")


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Status.choices], required=False
    )
    risk = forms.ChoiceField(
        label=_("Risk"), choices=[("", _("Any")), *RiskLevel.choices], required=False
    )
    form = forms.ChoiceField(
        label=_("Kind of violence"), choices=[("", _("Any")), *ViolenceForm.choices], required=False
    )
    kelurahan = KelurahanField(
        label=_("Kelurahan of the incident"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    reported_from = forms.DateField(label=_("Reported from"), required=False, widget=DateInput)
    reported_to = forms.DateField(label=_("Reported until"), required=False, widget=DateInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = kelurahan_near(organisation)  # type: ignore[attr-defined]

    def case_filter(self, tab: str, case_ids: list[int] | None) -> CaseFilter:
        data = self.cleaned_data if self.is_valid() else {}
        kelurahan: Area | None = data.get("kelurahan")
        return CaseFilter(
            status=data.get("status", ""),
            risk_level=data.get("risk", ""),
            violence_form=data.get("form", ""),
            kelurahan_code=kelurahan.code if kelurahan else "",
            reported_from=data.get("reported_from"),
            reported_to=data.get("reported_to"),
            mine=tab == "mine",
            unassigned=tab == "unassigned",
            due={"today": "today", "overdue": "overdue"}.get(tab, ""),
            case_ids=case_ids,
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a case"),
        max_length=100,
        widget=forms.TextInput({"type": "search", **NO_AUTOFILL}),
        help_text=_("Register number, name, NIK or telephone."),
    )
