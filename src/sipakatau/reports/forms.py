from django import forms
from django.utils.translation import gettext_lazy as _

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
