"""The audit search form."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import EventFilter

_LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventSearchForm(forms.Form):
    """Times are typed, and read, in the viewer's local zone (the active time zone)."""

    actor = forms.CharField(
        label=_("Who (username or user number)"), required=False, max_length=150
    )
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=64,
        help_text=_("For example: case. or auth.sign_in"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    since = forms.DateTimeField(label=_("From"), required=False, widget=_LOCAL_INPUT)
    until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=_LOCAL_INPUT,
        help_text=_("Up to and including this minute."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("This must be after the start."))
        return data

    def to_filter(self) -> EventFilter:
        """The search as the query module understands it; call after ``is_valid()``."""
        data = self.cleaned_data
        until = data.get("until")
        return EventFilter(
            actor=data.get("actor", "").strip(),
            action_prefix=data.get("action", "").strip(),
            object_type=data.get("object_type", "").strip(),
            object_id=data.get("object_id", "").strip(),
            since=data.get("since"),
            # The input has minutes only, so "until 10:30" must cover 10:30:59 too.
            until=until.replace(second=0, microsecond=0) + timedelta(minutes=1) if until else None,
        )
