"""``{{ number|tel_link }}``: every telephone number on a page is a link a phone can call."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def tel_link(number: str | None) -> SafeString | str:
    """``<a href="tel:+6281234567890">0812 3456 7890</a>``; the text stays as written."""
    if not number:
        return ""
    text = str(number)
    digits = re.sub(r"[^\d+]", "", text)
    if not digits:
        return text
    return format_html('<a class="tel" href="tel:{}">{}</a>', digits, text)
