"""The consent form: how consent was given, and for a child by whom (never a suspected
perpetrator). The same form on intake screen 3 and on the case page."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sipakatau.people.models import Sex

from ..codes import ConsentMethod, PartyRole
from ..models import CaseParty
from ..services.care import perpetrator_guardian_refusal
from .widgets import NO_AUTOFILL


def may_be_a_child(party: CaseParty) -> bool:
    """A child at the time of the incident (UU 35/2014: under 18, from the birth date or
    the age estimate, see ``CaseParty.is_child``), or of an age nobody knows yet."""
    return party.age_at_incident is None or party.is_child


class GuardianField(forms.ChoiceField):
    """The parent or guardian who consents for a child. A suspected perpetrator is never
    offered; one named anyway (a forged form) is refused with the rule, not with "not a
    valid choice", so that whoever sent it learns why."""

    refused: frozenset[str] = frozenset()

    def validate(self, value: Any) -> None:
        if value in self.refused:
            raise ValidationError(perpetrator_guardian_refusal(), code="perpetrator_guardian")
        super().validate(value)


class ConsentForm(forms.Form):
    """Consent of the victim(s); on the case page also for a referral or the statistics.

    ``victims`` are those the consent is for: when none of them may be a child, there is
    no guardian to choose and the guardian fields are left out."""

    method = forms.ChoiceField(label=_("How was consent given?"), widget=forms.RadioSelect)
    witness_name = forms.CharField(
        label=_("Name of the witness"),
        max_length=150,
        required=False,
        widget=forms.TextInput(NO_AUTOFILL),
        help_text=_("Needed when consent was spoken."),
    )
    proof = forms.FileField(
        label=_("Photo of the signed form"),
        required=False,
        help_text=_("A photo (JPEG or PNG) or a PDF. Needed for a signature or thumbprint."),
        widget=forms.ClearableFileInput({"accept": "image/jpeg,image/png,application/pdf"}),
    )
    guardian = GuardianField(
        label=_("For a child: who gives consent?"),
        required=False,
        help_text=_("A parent or guardian. Never someone suspected of the violence."),
    )
    guardian_name = forms.CharField(
        label=_("Name of the parent or guardian"),
        max_length=150,
        required=False,
        widget=forms.TextInput(NO_AUTOFILL),
    )
    guardian_sex = forms.ChoiceField(
        label=_("Sex of the parent or guardian"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        others: list[CaseParty],
        victims: list[CaseParty] | None = None,
        optional: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        methods: list[tuple[str, Any]] = list(ConsentMethod.choices)
        if optional:
            methods = [("", _("Not now: record it later")), *methods]
        self.fields["method"].choices = methods  # type: ignore[attr-defined]
        self.fields["method"].required = not optional
        self.fields["method"].initial = "" if optional else None
        if victims is not None and not any(may_be_a_child(victim) for victim in victims):
            # An adult gives consent herself or himself: nobody to choose.
            for name in ("guardian", "guardian_name", "guardian_sex"):
                del self.fields[name]
            return
        # UU 27/2022 PDP Pasal 25 and UU 35/2014: the child's interest comes first, so a
        # suspected perpetrator of this case (in whatever other role, often the father or
        # the stepfather) never consents for the child.
        perpetrators = {party.person_id for party in others if party.role == PartyRole.PERPETRATOR}
        field = cast(GuardianField, self.fields["guardian"])
        field.refused = frozenset(str(p.pk) for p in others if p.person_id in perpetrators)
        children_only = victims is not None and all(victim.is_child for victim in victims)
        field.choices = [
            ("", _("Choose…") if children_only else _("Not needed: the victim is an adult")),
            *[
                (str(party.pk), f"{party.person.name} ({party.get_role_display()})")
                for party in others
                if party.person_id not in perpetrators
            ],
            ("new", _("Someone else: write the name below")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("guardian") == "new" and not data.get("guardian_name", "").strip():
            self.add_error("guardian_name", _("Fill in the name of the parent or guardian."))
        return data

    @property
    def wanted(self) -> bool:
        return bool(self.cleaned_data.get("method"))
