"""Time in the demo year: referral moments by month and hour (2015's pattern) over the
generated period (a calendar year, or the months up to "today"), office hours and working
days (the hub's own working-day calendar), built from the period, never the clock."""

from __future__ import annotations

import random
from bisect import bisect
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from core.working_days import is_working_day
from demo.year.profile import HOUR_WEIGHTS, MONTH_WEIGHTS


class Clock:
    """The generator's sense of time (a mixin of demo.year.engine.Generator)."""

    rng: random.Random
    reference_rng: random.Random
    taken_references: set[str]
    tz: ZoneInfo
    first_day: date
    last_day: date
    as_of: datetime
    _days: tuple[list[date], list[float]]
    _hours: list[int]
    backlog_from: datetime

    def _start_clock(self) -> None:
        self._days = self._referral_days()
        self._hours = list(accumulate(HOUR_WEIGHTS))
        self.backlog_from = self._backlog_start()

    def _referral_days(self) -> tuple[list[date], list[float]]:
        last = min(self.last_day, (self.as_of - timedelta(seconds=1)).date())
        days, weights = [], []
        day = self.first_day
        while day <= last:
            days.append(day)
            weights.append(MONTH_WEIGHTS[day.month - 1])
            day += timedelta(days=1)
        if not days:
            raise ValueError(
                f"Nothing to generate: {self.first_day} is after the 'as of' date.")
        return days, list(accumulate(weights))

    def _backlog_start(self) -> datetime:
        """The start of the last working day before the "as of" day: work the hub would
        have done before it is done in the history; what is left due at the "as of" moment
        fell due since then (a morning's list, not a backlog)."""
        day = self.local(self.as_of).date() - timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
        return self.at(day, 0)

    def at(self, day: date, minute: int, second: int = 0) -> datetime:
        minute = max(0, min(minute, 24 * 60 - 1))
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, second,
                        tzinfo=self.tz)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def minute_of(self, moment: datetime) -> int:
        m = self.local(moment)
        return m.hour * 60 + m.minute

    def referral_moment(self) -> datetime:
        days, cum = self._days
        day = days[bisect(cum, self.rng.random() * cum[-1])]
        hour = bisect(self._hours, self.rng.random() * self._hours[-1])
        moment = self.at(day, hour * 60 + self.rng.randrange(60), self.rng.randrange(60))
        return min(moment, self.as_of - timedelta(minutes=5))

    def working_day_on_or_after(self, day: date) -> date:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_after(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if is_working_day(day):
                n -= 1
        return day

    def office_moment(self, day: date, lo: int = 9 * 60 + 15, hi: int = 16 * 60 + 45) -> datetime:
        """A time in office hours on the first working day on or after `day`."""
        return self.at(self.working_day_on_or_after(day), self.rng.randint(lo, hi))

    def later(self, moment: datetime, lo_days: int, hi_days: int) -> datetime:
        """A working-hours moment some days after `moment`."""
        day = self.local(moment).date() + timedelta(days=self.rng.randint(lo_days, hi_days))
        result = self.office_moment(day)
        return result if result > moment else moment + timedelta(minutes=30)
