"""``{% csrf_token %}``, as every POST form already writes it, now also gives the form a
one-time key (``_once``): the same form sent twice does its work once
(``accounts.once``). Registered as a template builtin after Django's own, so it replaces
Django's tag everywhere without touching the templates."""

import uuid
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

FIELD = "_once"


class CsrfAndOnceNode(template.Node):
    def render(self, context: Any) -> SafeString:
        csrf = CsrfTokenNode().render(context)
        once = format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
        return mark_safe(csrf + once)  # noqa: S308 - both parts are escaped above


@register.tag
def csrf_token(parser: template.base.Parser, token: template.base.Token) -> CsrfAndOnceNode:
    return CsrfAndOnceNode()
