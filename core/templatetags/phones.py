"""Phone numbers on pages, as core/phones.py reads them: `{{ number|phone }}` shows one as a
person reads it ("07700 900123"), `{{ number|tel }}` as a link a phone can dial (GOV.UK:
"make phone numbers links on pages people may read on a phone")."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from core import phones

register = template.Library()


@register.filter
def phone(value: str) -> str:
    return phones.national(value) if value else value


@register.filter
def tel(value: str) -> str:
    """A link that dials the number (its E.164 form), showing it in the national format; a
    value that is not a phone number is shown as it is, not linked."""
    if not value:
        return value
    stored = phones.to_e164(value)
    if stored is None:
        return value
    return format_html(
        '<a class="govuk-link hub-nowrap" href="tel:{}">{}</a>', stored, phones.national(value)
    )
