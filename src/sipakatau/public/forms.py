"""The public forms: few questions, plain words, every one optional but the story and
the place. They only parse; ``services`` decides."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ContactPreference, ReportStatus

YES_NO = [("no", _("No")), ("yes", _("Yes"))]
WHO = [("self", _("To me")), ("other", _("To someone else"))]


class ReportForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    about = forms.ChoiceField(
        label=_("Who did it happen to?"), choices=WHO, widget=forms.RadioSelect, initial="self"
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("Write in your own words. You do not need to write names."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    when = forms.CharField(
        label=_("When did it happen?"),
        help_text=_("For example: yesterday evening, or 3 March."),
        required=False,
        max_length=200,
    )
    # Chosen on the step before the form (views.report: the place picker), and carried
    # here so the story is written for a place that someone here serves.
    kelurahan = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    rw = forms.CharField(label=_("RW (if you know it)"), required=False, max_length=3)
    rt = forms.CharField(label=_("RT (if you know it)"), required=False, max_length=3)
    danger_now = forms.ChoiceField(
        label=_("Is someone in danger right now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    contact = forms.ChoiceField(
        label=_("May we contact you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.NONE,
    )
    contact_phone = forms.CharField(
        label=_("Phone number that is safe to use"), required=False, max_length=20
    )
    contact_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        help_text=_("For example: weekdays after 17:00."),
        required=False,
        max_length=200,
    )
    contact_safe = forms.BooleanField(
        label=_("This channel is safe for me: nobody else reads my messages on it."),
        help_text=_("Needed if you want a message. We only ever write that there is news."),
        required=False,
    )
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
    # A field people never see (hidden by the style sheet) and robots fill in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # The question asked when the flood limits are reached (challenge.py); drawn by the
    # template from a fresh challenge, never from what was posted.
    challenge_token = forms.CharField(required=False, max_length=400)
    challenge_answer = forms.CharField(required=False, max_length=20)
    challenge_work = forms.CharField(required=False, max_length=12)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class EasyReportForm(ReportForm):
    """The easy-read form: the same report with only the questions that matter most,
    in short words (for people who read with difficulty, and for small screens)."""

    about = forms.ChoiceField(
        label=_("Did it happen to you?"),
        choices=[("self", _("Yes, to me")), ("other", _("No, to someone else"))],
        widget=forms.RadioSelect,
        initial="self",
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("Write a little. No names needed."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    danger_now = forms.ChoiceField(
        label=_("Is someone in danger now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    # Left out of the easy form; they keep their defaults (no contact, no photo).
    when = None  # type: ignore[assignment]
    rw = None  # type: ignore[assignment]
    rt = None  # type: ignore[assignment]
    contact = None  # type: ignore[assignment]
    contact_phone = None  # type: ignore[assignment]
    contact_times = None  # type: ignore[assignment]
    contact_safe = None  # type: ignore[assignment]
    photo = None  # type: ignore[assignment]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Report code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Close the report as"),
        choices=[
            (ReportStatus.NOT_OURS, ReportStatus.NOT_OURS.label),
            (ReportStatus.SPAM, ReportStatus.SPAM.label),
        ],
    )


class LinkForm(forms.Form):
    case = forms.IntegerField(label=_("Case"))


class _ReportIds(forms.Field):
    """The ticked reports' ids (``<input type=checkbox name=report value=id>``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        if not all(str(item).isdigit() and len(str(item)) <= 12 for item in values):
            raise forms.ValidationError(_("Choose reports from the list."))
        return [int(str(item)) for item in values]


class FloodForm(forms.Form):
    """Mark the ticked reports as flood, or (``undo``) take the mark off."""

    report = _ReportIds(
        required=True, error_messages={"required": _("Tick at least one report first.")}
    )
    undo = forms.BooleanField(required=False)
