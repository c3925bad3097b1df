"""Labels for audit pages."""

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    """The role's name in the reader's language. The audit app stores roles as plain codes
    and sits below accounts, so the labels come through the app registry, not an import."""
    field = apps.get_model("accounts", "Membership")._meta.get_field("role")
    return str(dict(field.flatchoices).get(code, code))
