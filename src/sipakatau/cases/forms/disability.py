"""Disability on the pages: the Washington Group short set (six questions, four answers
each) and the kinds named in UU 8/2016 Pasal 4, as radio buttons and tick boxes that a
phone shows without JavaScript.

The statistics count people with disabilities (DESIGN §1: a reporter may have one), so
what the API takes can be recorded at intake and on the case page as well."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sipakatau.people.models import DisabilityKind, Person, WgAnswer, WgDomain

# One field per WG domain, named after it: wg_seeing, wg_hearing, …
WG_FIELDS = {domain.value: f"wg_{domain.value.lower()}" for domain in WgDomain}

# "Not asked" is an answer too: the questions are asked when it is safe and sensible, and
# a radio group once ticked cannot be emptied without it.
_WG_CHOICES = [("", _("Not asked")), *WgAnswer.choices]


def _wg_field(domain: WgDomain) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=domain.label,
        choices=_WG_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )


class DisabilityFields(forms.Form):
    """The fields, for a form of their own or mixed into the victim's form (intake)."""

    wg_seeing = _wg_field(WgDomain.SEEING)
    wg_hearing = _wg_field(WgDomain.HEARING)
    wg_walking = _wg_field(WgDomain.WALKING)
    wg_cognition = _wg_field(WgDomain.COGNITION)
    wg_self_care = _wg_field(WgDomain.SELF_CARE)
    wg_communication = _wg_field(WgDomain.COMMUNICATION)
    disability_kinds = forms.MultipleChoiceField(
        label=_("Kinds of disability (UU 8/2016)"),
        choices=DisabilityKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick what she or he or the family says. Leave empty if none or unknown."),
    )

    def add_error(self, field: str | None, error: Any) -> None:
        # The service names the six answers together ("wg_answers"): shown on the first.
        super().add_error(WG_FIELDS[WgDomain.SEEING] if field == "wg_answers" else field, error)

    @property
    def disability_open(self) -> bool:
        """Whether the folded part of the page starts open: something in it was answered,
        or refused (an error hidden in a closed part would look like a lost form)."""
        names = [*WG_FIELDS.values(), "disability_kinds"]
        if self.is_bound:
            return any(self[name].value() for name in names) or any(
                name in self.errors for name in names
            )
        return any(self.initial.get(name) for name in names)

    def disability_values(self) -> dict[str, Any]:
        """Arguments for ``people.profile.person_set_profile``."""
        data = self.cleaned_data
        return {
            "wg_answers": {
                domain: data[name] for domain, name in WG_FIELDS.items() if data.get(name)
            },
            "disability_kinds": list(data.get("disability_kinds") or []),
        }


def disability_initial(person: Person) -> dict[str, Any]:
    """What a person's record holds, to fill the form."""
    answers = person.wg_answers if isinstance(person.wg_answers, dict) else {}
    initial: dict[str, Any] = {name: answers.get(domain, "") for domain, name in WG_FIELDS.items()}
    initial["disability_kinds"] = list(person.disability_kinds or [])
    return initial


class DisabilityForm(DisabilityFields):
    """The case page's own form for one person (a victim recorded earlier)."""
