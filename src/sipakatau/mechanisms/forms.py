"""Forms of the mechanism pages. They parse what was typed; the services decide."""

import uuid
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider

from . import numbering, services
from .codes import (
    DeadlineUnit,
    Gender,
    Responsible,
    RiskLevel,
    Section,
    TrackedAction,
    Trigger,
    responsible_choices,
)
from .documents import labels
from .models import Step
from .services.drafting import DEFAULT_CLASSIFICATION

BLANK: list[tuple[str, Any]] = [("", "—")]


def _text(label: Any, *, rows: int = 3, required: bool = False, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=20000,
        widget=forms.Textarea({"rows": rows}),
    )


def _lines(value: str) -> list[str]:
    """One paragraph per line; blank lines are ignored."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class OnceForm(forms.Form):
    """A hidden key per rendered form: the same form sent twice does its work once
    (see views/common.py ``save_once``)."""

    form_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_key", uuid.uuid4().hex)


CLASSIFICATION_HELP = _(
    "From the office's list of archive classification codes (kode klasifikasi arsip), "
    "digits and dots only, e.g. 400.2.2."
)
OFFICE_HELP = _("The office's short name in its numbers, e.g. Kel-WS.")
DESA_OFFICE_HELP = _("The office's short name in its numbers, e.g. Ds-LR.")


class StartForm(forms.Form):
    classification_code = forms.CharField(
        label=_("Archive classification code"),
        required=False,
        max_length=40,
        help_text=CLASSIFICATION_HELP,
    )
    office_code = forms.CharField(
        label=_("Office code"), required=False, max_length=40, help_text=OFFICE_HELP
    )
    place = forms.CharField(
        label=_("Place of issue"),
        required=False,
        max_length=100,
        help_text=_("Empty: the city or regency, e.g. Parepare. You can change all this later."),
    )

    @staticmethod
    def initial_for(kelurahan: Area) -> dict[str, Any]:
        """A number that names the kelurahan (Watang Soreang: 400/01/Kel-WS/2026), so two
        kelurahan never issue the same number."""
        return {
            "classification_code": DEFAULT_CLASSIFICATION,
            "office_code": numbering.default_office_code(
                kelurahan.name, desa=labels.is_desa(kelurahan)
            ),
            "place": numbering.default_place(kelurahan),
        }


class SettingsForm(forms.Form):
    classification_code = forms.CharField(
        label=_("Archive classification code"), max_length=40, help_text=CLASSIFICATION_HELP
    )
    office_code = forms.CharField(label=_("Office code"), max_length=40, help_text=OFFICE_HELP)
    next_number = forms.IntegerField(
        min_value=1,
        max_value=99999,
        help_text=_(
            "Decrees are numbered from 1 each year. Change it only when the office already "
            "gave numbers this year outside Sipakatau."
        ),
    )
    place = forms.CharField(
        label=_("Place of issue"),
        max_length=100,
        help_text=_("Printed as “Ditetapkan di …”: the city without “Kota”, e.g. Parepare."),
    )
    # The kop's contact line: printed under the office's name when filled in.
    office_address = forms.CharField(
        label=_("Office address"),
        required=False,
        max_length=200,
        help_text=_("Printed in the letterhead, e.g. Jl. Bau Massepe No. 10."),
    )
    office_phone = forms.CharField(label=_("Office telephone"), required=False, max_length=40)
    office_postcode = forms.CharField(label=_("Postcode"), required=False, max_length=5)
    office_email = forms.CharField(label=_("Office email"), required=False, max_length=254)

    CONTACT = ("office_address", "office_phone", "office_postcode", "office_email")

    def __init__(self, *args: Any, year: int, desa: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_number"].label = _("Next decree number in %(year)s") % {"year": year}
        if desa:
            self.fields["office_code"].help_text = DESA_OFFICE_HELP


class CrestForm(forms.Form):
    file = forms.FileField(
        label=_("Regional crest (lambang daerah)"),
        help_text=_("A PNG or JPG picture of the crest, at most 1 MB."),
        widget=forms.ClearableFileInput({"accept": "image/png,image/jpeg"}),
    )


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, widget=forms.Textarea({"rows": 2}))
    considerations = _text(
        _("Considerations (Menimbang)"),
        rows=8,
        help_text=_("One paragraph per line, each starting with “bahwa”."),
    )
    legal_bases = _text(
        _("Legal bases (Mengingat)"), rows=10, help_text=_("One law or regulation per line.")
    )
    reporting_schedule = _text(_("Reporting schedule"))
    funding = _text(_("Funding"))
    monitoring = _text(_("Monitoring and evaluation"))
    copies_to = _text(_("Copies to (Tembusan)"), rows=4, help_text=_("One office per line."))

    LISTS = ("considerations", "legal_bases", "copies_to")

    @classmethod
    def initial_for(cls, version: Any) -> dict[str, Any]:
        initial = {f: getattr(version, f) for f in cls.base_fields}
        for field in cls.LISTS:
            initial[field] = "\n".join(getattr(version, field))
        return initial

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in self.LISTS:
            data[field] = _lines(data[field])
        return data


# Deadline inputs, one pair per risk level: "any" is the deadline for every level.
RISK_KEYS = [("any", RiskLevel.ANY), *((r.lower(), r) for r in RiskLevel.values if r)]


class StepForm(OnceForm):
    title = forms.CharField(label=_("Step"), max_length=200)
    description = _text(_("What is done"), rows=4)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Responsible.choices)
    action = forms.ChoiceField(
        label=_("Recorded in the case as"),
        choices=BLANK + list(TrackedAction.choices),
        required=False,
        help_text=_("Only for steps whose deadline the case module watches."),
    )
    trigger = forms.ChoiceField(
        label=_("Starts from"), choices=BLANK + list(Trigger.choices), required=False
    )
    escalate_to = forms.ChoiceField(
        label=_("When late, tell"), choices=BLANK + list(Responsible.choices), required=False
    )
    is_social_protection = forms.BooleanField(label=_("Social-protection track"), required=False)
    position = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Empty: at the end (or where it is)."),
    )

    def __init__(self, *args: Any, desa: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = responsible_choices(desa=desa)
        self.fields["responsible"].choices = parties  # type: ignore[attr-defined]
        self.fields["escalate_to"].choices = BLANK + parties  # type: ignore[attr-defined]
        for key, risk in RISK_KEYS:
            label = RiskLevel(risk).label
            self.fields[f"amount_{key}"] = forms.IntegerField(
                label=_("Within (%(risk)s)") % {"risk": label},
                required=False,
                min_value=1,
                max_value=1000,
            )
            self.fields[f"unit_{key}"] = forms.ChoiceField(
                label=_("Unit (%(risk)s)") % {"risk": label},
                choices=DeadlineUnit.choices,
                initial=DeadlineUnit.HOURS,
            )

    def deadline_rows(self) -> list[tuple[str, Any, Any]]:
        """(risk label, amount field, unit field) for the template's deadline table."""
        return [
            (str(RiskLevel(risk).label), self[f"amount_{key}"], self[f"unit_{key}"])
            for key, risk in RISK_KEYS
        ]

    @staticmethod
    def initial_for(step: Step) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(step, f)
            for f in (
                "title",
                "description",
                "responsible",
                "action",
                "trigger",
                "escalate_to",
                "is_social_protection",
                "position",
            )
        }
        keys = {risk: key for key, risk in RISK_KEYS}
        for deadline in step.deadlines.all():
            key = keys.get(deadline.risk_level)
            if key:
                initial[f"amount_{key}"] = deadline.amount
                initial[f"unit_{key}"] = deadline.unit
        return initial

    def deadlines(self) -> list[services.DeadlineInput]:
        data = self.cleaned_data
        return [
            services.DeadlineInput(
                risk_level=risk, amount=data[f"amount_{key}"], unit=data[f"unit_{key}"]
            )
            for key, risk in RISK_KEYS
            if data.get(f"amount_{key}")
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "responsible": data["responsible"],
            "action": data["action"],
            "trigger": data["trigger"],
            "escalate_to": data["escalate_to"],
            "is_social_protection": data["is_social_protection"],
            "position": data["position"],
            "deadlines": self.deadlines(),
        }


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name})" if obj.area_id else str(obj.name)


class PathwayForm(OnceForm):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = ProviderChoiceField(label=_("Provider"), queryset=Provider.objects.none())
    contact = forms.CharField(label=_("Contact person or note"), required=False, max_length=200)

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class DutyForm(OnceForm):
    party = forms.ChoiceField(label=_("Party"), choices=Responsible.choices)
    duties = _text(_("Duties"), rows=6, required=True)

    def __init__(self, *args: Any, desa: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = responsible_choices(desa=desa)  # type: ignore[attr-defined]


class CommentForm(OnceForm):
    section = forms.ChoiceField(label=_("About"), choices=Section.choices)
    step = forms.ModelChoiceField(
        label=_("Which step (if about a step)"), queryset=Step.objects.none(), required=False
    )
    text = _text(_("Your comment"), rows=3, required=True)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, steps: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps is not None:
            self.fields["step"].queryset = steps  # type: ignore[attr-defined]


class MeetingForm(OnceForm):
    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=300)
    minutes = _text(_("Minutes"), rows=6)
    decisions = _text(_("Decisions"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    organisation = forms.CharField(label=_("Organisation or group"), required=False, max_length=200)
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=BLANK + list(Gender.choices), required=False
    )
    has_disability = forms.BooleanField(label=_("Has a disability"), required=False)

    def as_input(self) -> services.AttendeeInput | None:
        data = self.cleaned_data
        if not (data.get("name") or "").strip():
            return None  # a blank row of the table
        return services.AttendeeInput(
            name=data["name"],
            organisation=data.get("organisation") or "",
            position=data.get("position") or "",
            gender=data.get("gender") or "",
            has_disability=bool(data.get("has_disability")),
        )


# Ten empty rows work without JavaScript; "More rows" sends the form back with ten more
# (views/discussion.py), up to sixty, the size of a large kelurahan meeting.
AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=10, max_num=60, absolute_max=60)


class DecreeForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    signer_name = forms.CharField(label=_("Name of the Lurah"), max_length=200)
    signer_nip = forms.CharField(
        label=_("NIP"),
        required=False,
        max_length=30,
        help_text=_("The civil servant number (digits only)."),
    )
    signer_rank = forms.CharField(
        label=_("Rank and grade (pangkat/golongan)"),
        required=False,
        max_length=100,
        help_text=_("Printed under the name, e.g. Penata Tk. I (III/d)."),
    )
    signer_title = forms.CharField(label=_("Title of the signatory"), max_length=200)

    def __init__(self, *args: Any, village: Area | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if village is not None and labels.is_desa(village):
            self.fields["signer_name"].label = _("Name of the Kepala Desa")

    @staticmethod
    def initial_for(*, full_name: str, village: Area, today: date) -> dict[str, Any]:
        return {
            "issued_on": today,
            "signer_name": full_name,
            # LURAH WATANG SOREANG or KEPALA DESA …: the area's code decides.
            "signer_title": labels.signer_title(village),
        }
