"""The forms of the social pages. They only parse; the services validate and decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sipakatau.people.models import Sex

from .codes import (
    BatchState,
    DocumentKind,
    DocumentStatus,
    DtsenStatus,
    EnrolmentStatus,
    HelpOutcome,
    ItemOutcome,
    KnowledgeSource,
    Relationship,
    VerificationResult,
)
from .models import HouseholdMember, Programme, ProposalBatch

DATE = forms.DateInput(attrs={"type": "date"})
HEARD_FROM = [
    (KnowledgeSource.KATA_WARGA, KnowledgeSource.KATA_WARGA.label),
    (KnowledgeSource.CEK_BANSOS, KnowledgeSource.CEK_BANSOS.label),
    (KnowledgeSource.DATA_DINSOS, KnowledgeSource.DATA_DINSOS.label),
]


def _members(members: list[HouseholdMember]) -> list[tuple[int, str]]:
    return [(m.person_id, m.person.name) for m in members]


def _programmes(programmes: Any) -> list[tuple[str, str]]:
    return [(p.code, f"{p.code} · {p.name}") for p in programmes]


class HouseholdFilterForm(forms.Form):
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)


class KkSearchForm(forms.Form):
    kk_number = forms.CharField(
        label=_("Family card (KK) number"),
        max_length=32,
        help_text=_("16 digits. The number is not kept in the address bar."),
    )


class HouseholdForm(forms.Form):
    kk_number = forms.CharField(label=_("Family card (KK) number"), max_length=32)
    rw = forms.CharField(label=_("RW"), max_length=3, help_text=_("For example 002"))
    rt = forms.CharField(label=_("RT"), max_length=3, help_text=_("For example 001"))
    address = forms.CharField(label=_("Street and house number"), max_length=300, required=False)


class MemberForm(forms.Form):
    prefix = "member"

    relationship = forms.ChoiceField(
        label=_("Relationship to the head"), choices=Relationship.choices
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        required=False,
        help_text=_("If the person is already recorded, the NIK is enough."),
    )
    name = forms.CharField(label=_("Name as on the KK"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    age_estimate = forms.IntegerField(
        label=_("Age (if the date is not known)"), min_value=0, max_value=130, required=False
    )


class MemberEndForm(forms.Form):
    end_date = forms.DateField(label=_("Left on"), required=False, widget=DATE)


class MemberMoveForm(forms.Form):
    to_kk = forms.CharField(label=_("KK number of the new household"), max_length=32)
    relationship = forms.ChoiceField(
        label=_("Relationship to the head there"), choices=Relationship.choices
    )


class DtsenForm(forms.Form):
    prefix = "dtsen"

    status = forms.ChoiceField(label=_("DTSEN"), choices=DtsenStatus.choices)
    desil = forms.IntegerField(label=_("Desil (1-10)"), min_value=1, max_value=10, required=False)
    source = forms.ChoiceField(label=_("Known from"), choices=HEARD_FROM)
    known_on = forms.DateField(label=_("Known on"), widget=DATE)


class DocumentForm(forms.Form):
    prefix = "doc"

    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=DocumentStatus.choices,
        help_text=_("BPJS Kesehatan: active, not active or no membership."),
    )
    is_pbi = forms.NullBooleanField(
        label=_("BPJS paid by the state (PBI)?"),
        required=False,
        widget=forms.Select(choices=[("", _("Not known")), ("true", _("Yes")), ("false", _("No"))]),
    )

    def __init__(self, *args: Any, members: list[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _members(members)  # type: ignore[attr-defined]


class HelpForm(forms.Form):
    prefix = "help"

    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    help_given = forms.CharField(
        label=_("Help given"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: accompanied to Disdukcapil."),
    )
    helped_on = forms.DateField(label=_("Date"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=HelpOutcome.choices)

    def __init__(self, *args: Any, members: list[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _members(members)  # type: ignore[attr-defined]


class EnrolmentForm(forms.Form):
    prefix = "enrol"

    programme = forms.ChoiceField(label=_("Programme"))
    person = forms.TypedChoiceField(
        label=_("For whom"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=EnrolmentStatus.choices)
    source = forms.ChoiceField(label=_("Known from"), choices=HEARD_FROM)
    known_on = forms.DateField(label=_("Known on"), widget=DATE)

    def __init__(
        self, *args: Any, members: list[HouseholdMember], programmes: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _programmes(programmes)  # type: ignore[attr-defined]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole household")),
            *_members(members),
        ]


class ProposeForm(forms.Form):
    prefix = "propose"

    batch = forms.TypedChoiceField(label=_("Proposal of the month"), coerce=int)
    programme = forms.ChoiceField(label=_("Programme"))
    person = forms.TypedChoiceField(
        label=_("For whom"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for a programme given to a person (for example PBI-JK)."),
    )

    def __init__(
        self,
        *args: Any,
        batches: list[ProposalBatch],
        members: list[HouseholdMember],
        programmes: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [  # type: ignore[attr-defined]
            (b.pk, f"{b.month:%m/%Y} · {b.get_state_display()}") for b in batches
        ]
        self.fields["programme"].choices = _programmes(programmes)  # type: ignore[attr-defined]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole household")),
            *_members(members),
        ]


class RuleForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    expression = forms.CharField(
        label=_("Rule"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("For example: desil <= 4 and not in_pkh"),
    )
    description = forms.CharField(
        label=_("What it finds, in words"),
        max_length=300,
        help_text=_("Shown on the worklist as the reason."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _programmes(programmes)  # type: ignore[attr-defined]


class BatchCreateForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), widget=DATE, help_text=_("Any day of the month the proposal is for.")
    )
    dinsos = forms.TypedChoiceField(label=_("To"), coerce=int)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dinsos"].choices = [(o.pk, o.name) for o in offices]  # type: ignore[attr-defined]


class MusyawarahForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    attendance = forms.CharField(
        label=_("Who attended"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name — position."),
    )
    decisions = forms.CharField(
        label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=VerificationResult.choices)
    verified_on = forms.DateField(label=_("Visited on"), widget=DATE)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(c, label) for c, label in ItemOutcome.choices if c != ItemOutcome.PENDING],
    )
    reason = forms.CharField(
        label=_("Reason (needed when refused)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdvanceForm(forms.Form):
    to_state = forms.ChoiceField(choices=BatchState.choices)


def programme_choices(programmes: list[Programme]) -> list[tuple[str, str]]:
    return _programmes(programmes)


class CaseHouseholdForm(forms.Form):
    """From a case: the victim's household by its KK number (RW and RT only when the
    kelurahan has not registered that KK yet)."""

    party = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    kk_number = forms.CharField(label=_("Family card (KK) number"), max_length=32)
    relationship = forms.ChoiceField(
        label=_("Relationship to the head"), choices=Relationship.choices
    )
    rw = forms.CharField(
        label=_("RW"), max_length=3, required=False, help_text=_("Only if the KK is new here")
    )
    rt = forms.CharField(
        label=_("RT"), max_length=3, required=False, help_text=_("Only if the KK is new here")
    )
    address = forms.CharField(label=_("Street and house number"), max_length=300, required=False)

    def __init__(self, *args: Any, victims: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = victims  # type: ignore[attr-defined]
