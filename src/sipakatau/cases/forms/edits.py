"""The GBVIMS intake fields (on intake screen 3 and on their own page after intake), and
correcting a person's particulars and a perpetrator's relation after intake."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..codes import (
    RELATION_DETAIL_CATEGORIES,
    REPORTED_YES,
    AbductionType,
    Citizenship,
    Education,
    HarmfulPractice,
    LegalAction,
    MaritalStatus,
    Occupation,
    PartyRole,
    PerpetratorCount,
    ReferredFrom,
    RelationDetail,
    Relationship,
    ReportedElsewhere,
    ReportedTo,
    TimeOfDay,
    YesNoUnknown,
)
from ..models import CaseParty, Incident
from ..services.gbvims_details import DETAIL_FIELDS

# What the page asks of each role: a victim's SIMFONI particulars, a suspected
# perpetrator's main occupation (GBVIMS); nothing of the others.
PARTICULARS_OF_ROLE: dict[str, tuple[str, ...]] = {
    PartyRole.VICTIM: ("education", "occupation", "marital_status", "citizenship"),
    PartyRole.PERPETRATOR: ("occupation",),
}

NOT_ASKED = [("", _("Not asked"))]
NOT_KNOWN = [("", _("Not known"))]


def _choice(label: Any, choices: list[tuple[str, Any]], help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=NOT_ASKED + choices, required=False, help_text=help_text
    )


class GbvimsDetailsForm(forms.Form):
    """GBVIMS intake fields, all optional: a volunteer asks them only if it is easy to."""

    referred_from = _choice(_("Who sent her or him to us?"), ReferredFrom.choices)
    time_of_day = _choice(_("At what time of day did it happen?"), TimeOfDay.choices)
    perpetrator_count = _choice(
        _("How many people did it?"), PerpetratorCount.choices, _("As she or he tells it.")
    )
    abduction_type = _choice(
        _("Was she or he taken away or held at the time?"), AbductionType.choices
    )
    harmful_practice = _choice(_("Was it a harmful traditional practice?"), HarmfulPractice.choices)
    reported_elsewhere = _choice(
        _("Was it reported anywhere else before?"), ReportedElsewhere.choices
    )
    reported_to = forms.MultipleChoiceField(
        label=_("If yes, where?"),
        choices=ReportedTo.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick all that apply."),
    )
    previous_incidents = _choice(
        _("Has she or he suffered violence like this before?"), YesNoUnknown.choices
    )
    legal_action = _choice(_("Does she or he want to take legal action?"), LegalAction.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reported_to") and data.get("reported_elsewhere") not in REPORTED_YES:
            self.add_error("reported_to", _("Say where only when it was reported elsewhere."))
        return data

    def detail_values(self) -> dict[str, Any]:
        """Arguments for ``services.gbvims_details.IncidentDetails``."""
        data = self.cleaned_data
        return {
            name: data.get(name) or ([] if name == "reported_to" else "") for name in DETAIL_FIELDS
        }


def details_initial(incident: Incident | None) -> dict[str, Any]:
    if incident is None:
        return {}
    return {name: getattr(incident, name) for name in DETAIL_FIELDS}


class ParticularsForm(forms.Form):
    """A victim's SIMFONI-PPA particulars, or a suspected perpetrator's work."""

    education = forms.ChoiceField(
        label=_("Last school attended"), choices=NOT_KNOWN + Education.choices, required=False
    )
    occupation = forms.ChoiceField(
        label=_("Work"), choices=NOT_KNOWN + Occupation.choices, required=False
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=NOT_KNOWN + MaritalStatus.choices, required=False
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=NOT_KNOWN + Citizenship.choices, required=False
    )

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = PARTICULARS_OF_ROLE.get(role, ())
        for name in [name for name in self.fields if name not in allowed]:
            del self.fields[name]
        if role == PartyRole.PERPETRATOR:
            self.fields["occupation"].label = _("Main work of the suspected perpetrator")

    def particular_values(self) -> dict[str, str]:
        """Arguments for ``services.intake.Particulars``."""
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


def particulars_initial(party: CaseParty) -> dict[str, str]:
    return {
        name: getattr(party, name)
        for name in ("education", "occupation", "marital_status", "citizenship")
    }


class RelationEditForm(forms.Form):
    """How a suspected perpetrator relates to one victim: SIMFONI's category and the finer
    relation."""

    victim = forms.ModelChoiceField(
        label=_("Victim"), queryset=CaseParty.objects.none(), empty_label=None
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=[("", _("Not recorded")), *Relationship.choices],
        required=False,
    )
    relation_detail = forms.ChoiceField(
        label=_("Which of these, exactly?"),
        choices=NOT_KNOWN + RelationDetail.choices,
        required=False,
        help_text=_(
            "For a boyfriend, girlfriend or friend, say which: only a partner, present or "
            "former, counts as violence by an intimate partner."
        ),
    )

    def __init__(self, *args: Any, victims: QuerySet[CaseParty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["victim"]
        field.queryset = victims  # type: ignore[attr-defined]
        field.label_from_instance = lambda party: party.person.name  # type: ignore[attr-defined]
        if len(victims) < 2:
            field.widget = forms.HiddenInput()
            field.initial = victims[0].pk if victims else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        detail = data.get("relation_detail")
        if detail and data.get("relationship") not in RELATION_DETAIL_CATEGORIES[detail]:
            self.add_error(
                "relation_detail", _("This relation does not fit the relationship chosen.")
            )
        return data
