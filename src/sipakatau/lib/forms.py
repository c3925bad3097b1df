"""Form helpers that belong to no domain."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it concerns (or above the
    form when it concerns no field of this form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def show_refusal(request: HttpRequest, error: ValidationError) -> None:
    """Show a service's refusal of a button (no form to put it on) as a message at the top
    of the next page."""
    messages.error(request, " ".join(error.messages))
