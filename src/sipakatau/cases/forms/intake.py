"""The three intake screens, and adding a person to a case later."""

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_by_code, kelurahan_choices
from sipakatau.lib.nik import validate_nik
from sipakatau.people.models import ContactChannel, Sex

from ..codes import (
    RELATION_DETAIL_CATEGORIES,
    Channel,
    Citizenship,
    Education,
    ImmediateNeed,
    MaritalStatus,
    Occupation,
    PartyRole,
    PlaceType,
    RelationDetail,
    Relationship,
    ViolenceForm,
)
from ..models import CaseParty
from .disability import WG_FIELDS, DisabilityFields
from .widgets import NO_AUTOFILL, DateInput, DateTimeInput, digits

MAX_AGE = 130


def kelurahan_near(organisation: Organisation) -> QuerySet[Area]:
    """The kelurahan of the unit's own city: the ones a volunteer will meet."""
    city = ".".join(organisation.area.code.split(".")[:2])
    return kelurahan_choices().filter(code__startswith=city + ".")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class KelurahanField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- Screen 1 --------------------------------------------------------------------------


class IntakeStartForm(forms.Form):
    # A fresh key per form shown: the same form sent twice opens one case.
    intake_key = forms.UUIDField(widget=forms.HiddenInput)
    danger_now = forms.BooleanField(
        label=_("Someone is in danger right now"),
        required=False,
    )
    immediate_needs = forms.MultipleChoiceField(
        label=_("What is needed right now?"),
        choices=ImmediateNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick all that apply. Leave empty if nothing is urgent."),
    )
    channel = forms.ChoiceField(
        label=_("How did the report come in?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
    )
    reported_at = forms.DateTimeField(
        label=_("Date and time of the report"),
        widget=DateTimeInput,
        help_text=_("Now, unless the report came in earlier."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "intake_key": uuid.uuid4(),
                "reported_at": timezone.localtime().replace(second=0, microsecond=0),
                "channel": Channel.WALK_IN,
            },
        )
        super().__init__(*args, **kwargs)


# --- A person --------------------------------------------------------------------------


class PersonForm(forms.Form):
    """Who someone is. Only the name is needed; everything else may come later."""

    name_required = True

    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, widget=forms.TextInput(NO_AUTOFILL)
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN
    )
    age = forms.IntegerField(
        label=_("Age (years)"),
        min_value=0,
        max_value=MAX_AGE,
        required=False,
        widget=forms.NumberInput(digits(3)),
        help_text=_("A guess is fine."),
    )
    birth_date = forms.DateField(label=_("Birth date, if known"), required=False, widget=DateInput)
    nik = forms.CharField(
        label=_("NIK (if known)"),
        max_length=24,
        required=False,
        widget=forms.TextInput(digits(24)),
        help_text=_("The 16-digit number on the KTP or family card."),
    )
    phone = forms.CharField(
        label=_("Telephone (if any)"),
        max_length=24,
        required=False,
        widget=forms.TextInput({"type": "tel", "autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if self.name_required and not name:
            raise ValidationError(_("Fill in the name."))
        return name

    def clean_nik(self) -> str:
        nik: str = self.cleaned_data["nik"].strip()
        if nik:
            # Only whether it can be a NIK at all; odd-but-possible NIKs come back as
            # warnings from the service, after saving.
            validate_nik(nik)
        return nik

    def person_values(self, *, unnamed: str = "") -> dict[str, Any]:
        """Arguments for ``people.services.person_create``."""
        data = self.cleaned_data
        return {
            "name": data["name"] or unnamed,
            "sex": data["sex"] or Sex.UNKNOWN,
            "nik": data.get("nik") or None,
            "phone": data.get("phone") or None,
            "birth_date": data.get("birth_date"),
            "age_estimate": data.get("age") if data.get("birth_date") is None else None,
        }

    @property
    def birth_year(self) -> int | None:
        born: date | None = self.cleaned_data.get("birth_date")
        if born is not None:
            return born.year
        age = self.cleaned_data.get("age")
        return timezone.localdate().year - age if age is not None else None


# --- Screen 2 --------------------------------------------------------------------------


class VictimForm(PersonForm, DisabilityFields):
    reported_by_other = forms.BooleanField(
        label=_("Someone else reported this, not the victim"),
        required=False,
        help_text=_(
            "Then the name may stay empty if it is not known: the victim is called "
            "“Korban A” until it is."
        ),
    )
    # SIMFONI-PPA particulars: optional, a volunteer asks them only if it is easy to.
    education = forms.ChoiceField(
        label=_("Last school attended"),
        choices=_blank(_("Not known")) + Education.choices,
        required=False,
    )
    occupation = forms.ChoiceField(
        label=_("Work"), choices=_blank(_("Not known")) + Occupation.choices, required=False
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"),
        choices=_blank(_("Not known")) + MaritalStatus.choices,
        required=False,
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"),
        choices=_blank(_("Not known")) + Citizenship.choices,
        required=False,
    )
    kelurahan = KelurahanField(
        label=_("Kelurahan where she or he lives"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Not known or outside the city"),
    )
    rw = forms.CharField(
        label=_("RW"), max_length=3, required=False, widget=forms.TextInput(digits(3))
    )
    rt = forms.CharField(
        label=_("RT"), max_length=3, required=False, widget=forms.TextInput(digits(3))
    )
    do_not_contact = forms.BooleanField(
        label=_("Do not contact her or him directly"),
        required=False,
        help_text=_("Tick this if a call, message or visit could put her or him in danger."),
    )
    contact_channels = forms.MultipleChoiceField(
        label=_("Safe ways to make contact"),
        choices=ContactChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_times = forms.CharField(
        label=_("Safe times to make contact"),
        max_length=200,
        required=False,
        widget=forms.TextInput(NO_AUTOFILL),
        help_text=_("For example: only after 17:00, not on Sundays."),
    )

    field_order = [
        "reported_by_other",
        *PersonForm.base_fields,
        "education",
        "occupation",
        "marital_status",
        "citizenship",
        "kelurahan",
        "rw",
        "rt",
        *WG_FIELDS.values(),
        "disability_kinds",
        "do_not_contact",
        "contact_channels",
        "contact_times",
    ]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = kelurahan_near(organisation)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        # A neighbour or a teacher may not know the victim's name; the victim herself
        # always does (``reported_by_other`` is cleaned first, ``field_order``).
        name: str = self.cleaned_data["name"].strip()
        if not name and not self.cleaned_data.get("reported_by_other"):
            raise ValidationError(
                _(
                    "Fill in the name. If someone else reported it and the name is not "
                    "known, tick the box above."
                )
            )
        return name

    def clean_rw(self) -> str:
        return _number(self.cleaned_data["rw"])

    def clean_rt(self) -> str:
        return _number(self.cleaned_data["rt"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("do_not_contact") and data.get("contact_channels"):
            self.add_error(
                "contact_channels", _("'Do not contact' cannot go with contact channels.")
            )
        kelurahan: Area | None = data.get("kelurahan")
        rw, rt = data.get("rw", ""), data.get("rt", "")
        if (rw or rt) and kelurahan is None:
            self.add_error("kelurahan", _("Choose the kelurahan of this RT and RW."))
        # The most precise known area (RW and RT exist only where a kelurahan loaded them);
        # otherwise the RT/RW numbers are kept in the encrypted address.
        area = kelurahan
        address_parts = []
        if kelurahan is not None and rw:
            rw_area = area_by_code(f"{kelurahan.code}.{int(rw):03d}")
            rt_area = area_by_code(f"{kelurahan.code}.{int(rw):03d}.{int(rt):03d}") if rt else None
            area = rt_area or rw_area or kelurahan
            if area == kelurahan:
                address_parts.append(f"RW {int(rw):03d}")
            if rt and area != rt_area:
                address_parts.insert(0, f"RT {int(rt):03d}")
        elif rt:
            address_parts.append(f"RT {int(rt):03d}")
        data["area"] = area
        data["address"] = " / ".join(address_parts) or None
        return data

    def particular_values(self) -> dict[str, str]:
        """Arguments for ``services.intake.Particulars``."""
        data = self.cleaned_data
        names = ("education", "occupation", "marital_status", "citizenship")
        return {name: data.get(name) or "" for name in names}

    def profile_values(self) -> dict[str, Any]:
        """Arguments for ``people.profile.person_set_profile``."""
        data = self.cleaned_data
        return {
            "area": data.get("area"),
            **self.disability_values(),
            "do_not_contact": data.get("do_not_contact", False),
            "contact_channels": data.get("contact_channels", []),
            "contact_times": data.get("contact_times", ""),
        }


def _number(value: str) -> str:
    value = value.strip()
    if value and not value.isdigit():
        raise ValidationError(_("Write the number only, for example 2."))
    return value


# --- Screen 3 --------------------------------------------------------------------------


class IncidentForm(forms.Form):
    narrative = forms.CharField(
        label=_("What happened?"),
        required=False,
        widget=forms.Textarea({"rows": 6, "autocomplete": "off"}),
        help_text=_("In the person's own words, as far as she or he wants to tell."),
    )
    occurred_on = forms.DateField(label=_("When did it happen?"), required=False, widget=DateInput)
    occurred_on_is_estimate = forms.BooleanField(label=_("The date is a guess"), required=False)
    place_type = forms.ChoiceField(
        label=_("Where did it happen?"),
        choices=_blank(_("Choose…")) + PlaceType.choices,
        required=False,
    )
    area = KelurahanField(
        label=_("In which kelurahan?"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Not known"),
    )
    outside_city = forms.BooleanField(label=_("It happened outside the city"), required=False)
    violence_forms = forms.MultipleChoiceField(
        label=_("What kind of violence?"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick all that apply."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = kelurahan_near(organisation)  # type: ignore[attr-defined]


class PerpetratorForm(PersonForm):
    """The suspected perpetrator: all optional, even the name."""

    name_required = False

    relationship = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=_blank(_("Choose…")) + Relationship.choices,
        required=False,
    )
    relation_detail = forms.ChoiceField(
        label=_("Which of these, exactly?"),
        choices=_blank(_("Not known")) + RelationDetail.choices,
        required=False,
        help_text=_(
            "For a boyfriend, girlfriend or friend, say which: only a partner, present or "
            "former, counts as violence by an intimate partner."
        ),
    )
    victim = forms.ModelChoiceField(
        label=_("Victim"), queryset=CaseParty.objects.none(), required=False, empty_label=None
    )
    # GBVIMS asks the perpetrator's main work; the national (SIMFONI) list serves both.
    occupation = forms.ChoiceField(
        label=_("Main work of the suspected perpetrator"),
        choices=_blank(_("Not known")) + Occupation.choices,
        required=False,
    )

    def __init__(self, *args: Any, victims: QuerySet[CaseParty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["victim"]
        field.queryset = victims  # type: ignore[attr-defined]
        field.label_from_instance = lambda party: party.person.name  # type: ignore[attr-defined]
        if len(victims) < 2:
            field.widget = forms.HiddenInput()
            field.initial = victims[0].pk if victims else None
        for name in ("nik", "phone", "birth_date"):
            del self.fields[name]

    def has_data(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("name")
            or data.get("relationship")
            or data.get("occupation")
            or data.get("age") is not None
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("name") or data.get("relationship")) and data.get("victim") is None:
            self.add_error("victim", _("Add the victim first."))
        detail = data.get("relation_detail")
        if detail and data.get("relationship") not in RELATION_DETAIL_CATEGORIES[detail]:
            self.add_error(
                "relation_detail", _("This relation does not fit the relationship chosen.")
            )
        return data


PERSON_ROLES_ADDED_LATER = [
    (PartyRole.PERPETRATOR, PartyRole.PERPETRATOR.label),
    (PartyRole.GUARDIAN, PartyRole.GUARDIAN.label),
    (PartyRole.REPORTER, PartyRole.REPORTER.label),
    (PartyRole.WITNESS, PartyRole.WITNESS.label),
]


class PartyForm(PerpetratorForm):
    """Another person on the case page: a perpetrator, a guardian, a reporter, a witness."""

    role = forms.ChoiceField(
        label=_("Role in the case"), choices=PERSON_ROLES_ADDED_LATER, widget=forms.RadioSelect
    )

    field_order = [
        "role",
        "name",
        "sex",
        "age",
        "relationship",
        "relation_detail",
        "victim",
        "occupation",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") != PartyRole.PERPETRATOR:
            data["relationship"] = ""
            data["relation_detail"] = ""
            data["occupation"] = ""
            self.errors.pop("relation_detail", None)
        elif not data.get("relationship"):
            self.add_error("relationship", _("Choose the relationship, or 'Unknown'."))
        if not data.get("name") and data.get("role") != PartyRole.PERPETRATOR:
            self.add_error("name", _("Fill in the name."))
        return data
