"""`{{ value|break_after_slashes }}`: long slash-separated names (time zones such as
America/Argentina/Buenos_Aires) may wrap after a slash, never inside a word."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def break_after_slashes(value: object) -> SafeString:
    # Escaped first: only the <wbr> added here is markup.
    return mark_safe(conditional_escape(value).replace("/", "/<wbr>"))
