"""Working days in England and Wales: Monday to Friday, less the bank holidays.

Victims' Code timescales (one working day for enhanced entitlement, five otherwise) and the
contact-attempt rules count in these days. Bank holidays come from the maintained
`holidays` library (subdivision ENG covers England and Wales' shared holidays).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def end_of_working_day(start: datetime, days: int) -> datetime:
    """The end (17:00 local) of the `days`-th working day after `start`."""
    local = timezone.localtime(start)
    due = add_working_days(local.date(), days)
    return timezone.make_aware(datetime.combine(due, time(17, 0)))
