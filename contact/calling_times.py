"""The parts of the day the hub phones in, and the next slot a call may be made in.

Service specification: "three attempts at differing times and days".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from core.working_days import is_working_day

# -- Parts of the day ---------------------------------------------------------------------


def bands() -> list[tuple[str, time, time]]:
    """The calling bands from settings, in order: (name, start, end)."""
    parsed = []
    for name, (start, end) in settings.HUB_CONTACT_BANDS.items():
        parsed.append((name, time.fromisoformat(start), time.fromisoformat(end)))
    return sorted(parsed, key=lambda band: band[1])


def band_of(moment: datetime) -> str | None:
    local = timezone.localtime(moment).time()
    for name, start, end in bands():
        if start <= local < end:
            return name
    return None


def band_label(name: str) -> str:
    return {"morning": "the morning", "afternoon": "the afternoon", "evening": "the evening"}.get(
        name, name
    )


def calling_hours() -> str:
    return ", ".join(f"{n} {s:%H:%M}–{e:%H:%M}" for n, s, e in bands())


@dataclass(frozen=True)
class Slot:
    day: date
    band: str
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.day:%A %-d %B}, {self.band} ({self.start:%H:%M}–{self.end:%H:%M})"


def next_slot(
    *, after: datetime, tried_bands: set[str], tried_days: set[date], safe_bands: list[str]
) -> Slot | None:
    """The first slot after `after` on a working day not yet tried, in a part of the day not
    yet tried and inside the victim's safe times (empty: any). None if there is none."""
    open_bands = [
        b for b in bands()
        if b[0] not in tried_bands and (not safe_bands or b[0] in safe_bands)
    ]
    if not open_bands:
        return None
    day = timezone.localtime(after).date()
    tz = timezone.get_current_timezone()
    for _ in range(30):
        if is_working_day(day) and day not in tried_days:
            for name, start, end in open_bands:
                slot_end = datetime.combine(day, end, tzinfo=tz)
                if slot_end > after:
                    slot_start = max(datetime.combine(day, start, tzinfo=tz), after)
                    return Slot(day=day, band=name, start=slot_start, end=slot_end)
        day += timedelta(days=1)
    return None
