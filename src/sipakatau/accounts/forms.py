"""Forms only parse and check shape; the services decide and write."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area, Level

from .models import Organisation, OrganisationType, Role


class SignInForm(AuthenticationForm):
    error_messages = {
        # One message for a wrong password and an unknown username alike.
        "invalid_login": _("The username or password is wrong. Check them and try again."),
        "inactive": _("The username or password is wrong. Check them and try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Our own labels, so the words are the ones our users know ("Kata sandi").
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class SignInWithCodeForm(forms.Form):
    """Password and code at once, asked while a username is under a distributed attack
    (accounts.lockout): the view checks them together and says only "wrong" or "in"."""

    username = UsernameField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().replace(" ", "").lower()


class SetupForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words are easy to remember."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_signatory = forms.BooleanField(label=_("Signs decrees (Lurah)"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email (optional)"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class MembershipGrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_signatory = forms.BooleanField(label=_("Signs decrees (Lurah)"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MembershipChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_signatory = forms.BooleanField(label=_("Signs decrees (Lurah)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Area of jurisdiction"))
    parent = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Part of (optional)"), required=False
    )

    def __init__(self, *args: Any, areas: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.exclude(level__in=[Level.RW, Level.RT])  # type: ignore[attr-defined]
        self.fields["parent"].queryset = organisations  # type: ignore[attr-defined]


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    posko_address = forms.CharField(
        label=_("Posko address (shown to the public)"),
        help_text=_("Only for LBK-KK and kelurahan units. Leave empty to show nothing."),
        max_length=300,
        required=False,
    )
    service_hours = forms.CharField(
        label=_("Service hours (shown to the public)"),
        help_text=_("For example: Monday to Friday 08:00-16:00."),
        max_length=200,
        required=False,
    )
    # Printed at the foot of the unit's referral letters, for the agency's answer.
    phone = forms.CharField(
        label=_("Telephone (for answers to referral letters)"),
        help_text=_("The unit's own number, not a person's. For example: 0421 21000."),
        max_length=40,
        required=False,
    )
    email = forms.CharField(
        label=_("Email (for answers to referral letters)"),
        max_length=254,
        required=False,
    )
