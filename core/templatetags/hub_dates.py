"""Dates as the hub writes them: the year only where it is not this year (issue 16), so a
case page reads "Tue 3 Dec 14:05" for this year and "Tue 3 Dec 2025 14:05" for last year.
Every date on a case page goes through this one filter."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

# style: (the day's format without the year, the time's format). "short" (the default) for
# tables and the timeline, "long" for sentences; "day" and "longday" show the day only.
_FORMATS = {
    "short": ("D j M", "H:i"),
    "long": ("l j F", "H:i"),
    "day": ("j F", ""),
    "longday": ("l j F", ""),
}


@register.filter
def hub_date(value: date | datetime | None, style: str = "short") -> str:
    """`value` as a day (and time, for a datetime unless style is "day"), with the year
    where it is not the current year; "" for None."""
    if value is None or value == "":
        return ""
    day_format, time_format = _FORMATS.get(style, _FORMATS["short"])
    today = timezone.localdate()
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        shown = format_date(value, day_format if value.year == today.year else f"{day_format} Y")
        return f"{shown} {format_date(value, time_format)}" if time_format else shown
    return format_date(value, day_format if value.year == today.year else f"{day_format} Y")
