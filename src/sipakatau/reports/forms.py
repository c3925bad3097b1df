from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sipakatau.cases.models import Status

from .models import ExportKind
from .periods import Period
from .services.monthly import NARRATIVE_MAX


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("What the numbers say"),
        help_text=_(
            "For the Lurah, DP3A and Dinsos: what happened this month, what went well, what "
            "is needed. Write no name, address or detail that could show who a victim is."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX,
        required=False,
    )

    def __init__(self, *args: Any, desa: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if desa:  # a desa unit reports to its Kepala Desa, never to a Lurah
            self.fields["narrative"].help_text = _(
                "For the Kepala Desa, DP3A and Dinsos: what happened this month, what went "
                "well, what is needed. Write no name, address or detail that could show who "
                "a victim is."
            )


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("File"), choices=ExportKind.choices)
    period = forms.ChoiceField(label=_("Period"))
    case_status = forms.ChoiceField(
        label=_("Cases with status"),
        required=False,
        help_text=_("For the case list only."),
    )
    reason = forms.CharField(
        label=_("Why is the file needed?"),
        help_text=_(
            "Who will use it, and for what. Another coordinator reads this before approving."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(self, *args: Any, kinds: list[str], periods: list[Period], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "kind": [c for c in ExportKind.choices if c[0] in kinds],
            "period": [(p.code, p.label) for p in periods],
            "case_status": [("", _("All")), *Status.choices],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Type your own password again, to show that it is really you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )
