"""The forms of the notification pages. They only parse; the services validate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PhoneChannel


class DeliveryPreferenceForm(forms.Form):
    email = forms.BooleanField(
        required=False,
        label=_("Send me an email when there is a new notification"),
        help_text=_("To the email address on your account."),
    )
    phone_channel = forms.ChoiceField(
        required=False,
        choices=PhoneChannel.choices,
        widget=forms.RadioSelect,
        label=_("Also tell me by"),
    )
    phone = forms.CharField(
        required=False,
        max_length=32,
        label=_("Telephone number for SMS or WhatsApp"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class NotificationIdForm(forms.Form):
    notification = forms.IntegerField(min_value=1)
