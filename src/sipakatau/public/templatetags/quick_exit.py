"""``{% quick_exit_url %}``: where the quick-exit button of every public page leads."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def quick_exit_url() -> str:
    # Read at render time, not import time, so an installation (or a test) can change it.
    return str(settings.QUICK_EXIT_URL)
