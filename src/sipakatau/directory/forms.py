"""Forms only parse and check shape; the services decide and write."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area, Level

from .codes import ServiceType
from .models import Provider


class AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class AreasField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class KelurahanField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SearchForm(forms.Form):
    """Sent by GET: nothing in it is about a person, so it may sit in the URL and be
    bookmarked or shared."""

    service = forms.ChoiceField(
        label=_("Service needed"), choices=[("", _("Any")), *ServiceType.choices], required=False
    )
    kelurahan = KelurahanField(
        label=_("Kelurahan where the person lives"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    q = forms.CharField(label=_("Name or address"), max_length=100, required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = areas.filter(level=Level.KELURAHAN).order_by("name")  # type: ignore[attr-defined]


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    area = AreaField(label=_("Located in"), queryset=Area.objects.none())
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    whatsapp = forms.CharField(
        label=_("WhatsApp"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    hours = forms.CharField(
        label=_("Opening hours"),
        max_length=200,
        required=False,
        help_text=_("For example: Monday to Friday 08.00-16.00; 24 hours for emergencies."),
    )
    cost = forms.CharField(
        label=_("Cost"), max_length=200, required=False, help_text=_("For example: free, or BPJS.")
    )
    wheelchair_access = forms.BooleanField(label=_("Wheelchair access"), required=False)
    sign_language = forms.BooleanField(label=_("Sign language"), required=False)
    is_public = forms.BooleanField(
        label=_("Show on the public website"),
        required=False,
        help_text=_("Only when the provider has agreed to it."),
    )
    areas_served = AreasField(
        label=_("Areas served"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when it serves only the area where it is located."),
    )

    def __init__(
        self, *args: Any, areas: QuerySet[Area], served_areas: QuerySet[Area], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["areas_served"].queryset = served_areas  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(provider: Provider) -> dict[str, Any]:
        return {
            "name": provider.name,
            "area": provider.area,
            "address": provider.address,
            "phone": provider.phone,
            "whatsapp": provider.whatsapp,
            "email": provider.email,
            "hours": provider.hours,
            "cost": provider.cost,
            "wheelchair_access": provider.wheelchair_access,
            "sign_language": provider.sign_language,
            "is_public": provider.is_public,
            "areas_served": list(provider.areas_served.all()),
        }


class ProviderCreateForm(ProviderForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation in Sipakatau (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Choose it when referrals should reach this organisation's inbox."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ServicesForm(forms.Form):
    """One tick box and one line of details per kind of service."""

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {row.service_type: row.description for row in provider.services.all()}
        for code, label in ServiceType.choices:
            self.fields[f"give_{code}"] = forms.BooleanField(
                label=label, required=False, initial=code in given
            )
            self.fields[f"details_{code}"] = forms.CharField(
                label=_("Details"),
                max_length=300,
                required=False,
                initial=given.get(code, ""),
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"give_{code}"], self[f"details_{code}"]) for code in ServiceType.values]

    def services(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            code: data.get(f"details_{code}", "")
            for code in ServiceType.values
            if data.get(f"give_{code}")
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One provider per row, with the columns of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
