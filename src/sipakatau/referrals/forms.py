"""Forms of the referral pages. They parse; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sipakatau.cases.models import CaseParty
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider

from .codes import SharedField, Urgency
from .projection import NeedItem


def _text(
    label: Any, *, rows: int = 3, required: bool = True, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea({"rows": rows, "autocomplete": "off"}),
    )


class ServiceChoiceForm(forms.Form):
    """Step one (GET): which service, so that the next step lists only its providers."""

    service = forms.ChoiceField(label=_("Which service is needed?"), choices=ServiceType.choices)


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        note = "" if obj.organisation_id else str(_(" (outside Sipakatau: printed letter)"))
        return f"{obj.name}{note}"


class VictimChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.name)


class ReferralForm(forms.Form):
    service_type = forms.ChoiceField(choices=ServiceType.choices, widget=forms.HiddenInput)
    provider = ProviderChoiceField(label=_("To whom"), queryset=Provider.objects.none())
    subject = VictimChoiceField(
        label=_("For whom"), queryset=CaseParty.objects.none(), required=False
    )
    urgency = forms.ChoiceField(
        label=_("How urgent"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.ROUTINE,
    )
    reason = _text(
        _("Why do you refer? (for your unit only)"),
        help_text=_("Kept in the case. The service does not see it."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("What may the service see?"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share only what the service needs and what the person agreed to."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Which needs?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They go only if “Needs (from the assessment)” is ticked above. Tick only the "
            "needs this service should know."
        ),
    )
    summary = _text(
        _("Summary for the service"),
        required=False,
        rows=4,
        help_text=_("Only if you ticked the summary above. Write no names of other people."),
    )
    override_legal_basis = forms.CharField(
        label=_("Legal basis (only without consent)"),
        required=False,
        max_length=300,
        widget=forms.TextInput({"autocomplete": "off"}),
        help_text=_("For example: UU 12/2022 TPKS Pasal 41. Your coordinator is told."),
    )
    override_reason = _text(_("Why without consent (only without consent)"), required=False, rows=2)

    def __init__(
        self,
        data: Any = None,
        *,
        providers: QuerySet[Provider],
        victims: QuerySet[CaseParty],
        need_items: list[NeedItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        if need_items:
            needs_field = self.fields["needs"]
            assert isinstance(needs_field, forms.MultipleChoiceField)
            needs_field.choices = [(item.code, f"{item.label}: {item.text}") for item in need_items]
        else:
            # No need is written down: there is nothing to share under "needs".
            del self.fields["needs"]
            fields_field = self.fields["shared_fields"]
            assert isinstance(fields_field, forms.MultipleChoiceField)
            fields_field.choices = [
                (code, label) for code, label in SharedField.choices if code != SharedField.NEEDS
            ]
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        provider_field.queryset = providers
        subject_field = self.fields["subject"]
        assert isinstance(subject_field, forms.ModelChoiceField)
        subject_field.queryset = victims
        if victims.count() <= 1:
            subject_field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The needs are the parts of "needs": without it ticked, none of them is shared
        # (a need ticked already for this service does not share itself).
        if SharedField.NEEDS not in cleaned.get("shared_fields", []):
            cleaned["needs"] = []
        cleaned.setdefault("needs", [])
        return cleaned


class DeclineForm(forms.Form):
    reason = _text(_("Why can you not take this referral?"))


class CompleteForm(forms.Form):
    service_given = _text(_("What service was given?"))
    feedback = _text(
        _("Feedback for the unit"),
        required=False,
        help_text=_("What the unit should know or do next."),
    )


class InboxForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("new", _("New")),
            ("accepted", _("Accepted")),
            ("in_service", _("In service")),
            ("overdue", _("Overdue")),
            ("done", _("Finished")),
            ("all", _("All")),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput({"autocomplete": "off", "type": "search"}),
    )
