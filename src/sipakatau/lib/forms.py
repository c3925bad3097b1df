"""Form helpers that belong to no domain."""

from django.core.exceptions import ValidationError
from django.forms import Form


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it concerns (or above the
    form when it concerns no field of this form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
