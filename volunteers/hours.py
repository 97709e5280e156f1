"""Correcting and removing volunteer hours (issue 16): the rule of who may, the two changes,
and the hours of an allocation with the history of each entry.

Rule: the volunteer who logged the hours may correct or remove them for HOURS_CHANGE_DAYS
days after logging them (after that they are told why not); a hub manager may at any time,
and says why. Every change is kept: the entry carries the last one (who, when, why), its
history (pghistory) every earlier version, and a removed entry stays, out of every total
(VolunteerHours.objects.counted()).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_manager
from core.errors import DomainError
from volunteers.models import HOURS_CHANGE_DAYS, VolunteerAllocation, VolunteerHours
from volunteers.services import check_hours, hours_text

# What a change may alter, with the words the history uses.
CHANGED_FIELDS = (("date", "date"), ("hours", "hours"), ("notes", "notes"))


def change_refusal(entry: VolunteerHours, user: User, *, now: datetime | None = None) -> str:
    """Why `user` may not correct or remove this entry; "" when they may (see the module).
    `entry.allocation.volunteer` is read: select it with the entry."""
    if entry.removed:
        return "These hours were removed: they cannot be changed again."
    if is_manager(user):
        return ""
    if entry.logged_by_id == user.pk and entry.allocation.volunteer.user_id == user.pk:
        if (now or timezone.now()) <= entry.logged_at + timedelta(days=HOURS_CHANGE_DAYS):
            return ""
        logged = timezone.localtime(entry.logged_at)
        return (
            f"You logged these hours on {logged:%-d %B %Y}. You can correct or remove hours for "
            f"{HOURS_CHANGE_DAYS} days after you log them: ask a hub manager to change them."
        )
    return (
        "Only the volunteer who logged these hours (within "
        f"{HOURS_CHANGE_DAYS} days of logging them) or a hub manager can correct or remove them."
    )


def _locked(entry: VolunteerHours, by: User, reason: str) -> VolunteerHours:
    """The entry, locked with its allocation (the daily limit is checked against the
    volunteer's other entries), once the rule allows `by` to change it."""
    VolunteerAllocation.objects.select_for_update().filter(pk=entry.allocation_id).first()
    locked = (
        VolunteerHours.objects.select_for_update(of=("self",))
        .select_related("allocation__volunteer")
        .get(pk=entry.pk)
    )
    refusal = change_refusal(locked, by)
    if refusal:
        raise DomainError(refusal)
    if is_manager(by) and not reason.strip():
        raise DomainError("Give the reason for the change", field="reason")
    return locked


def _record(entry: VolunteerHours, by: User, reason: str) -> None:
    entry.changed_by, entry.changed_at = by, timezone.now()
    entry.change_reason = reason.strip()[:1000]
    entry.save()


@transaction.atomic
def correct_hours(
    *, entry: VolunteerHours, by: User, on: date | None, hours: Decimal | None, notes: str,
    reason: str = "",
) -> VolunteerHours:
    """Correct the date, hours or notes of logged hours, by the rule of the module; the
    corrected figures meet the rules of logging them (volunteers.services.log_hours)."""
    locked = _locked(entry, by, reason)
    day, given = check_hours(locked.allocation, on=on, hours=hours, instead_of=locked)
    notes = notes.strip()[:1000]
    if (locked.date, locked.hours, locked.notes) == (day, given, notes):
        raise DomainError("Nothing was changed: change the date, the hours or the notes",
                          field="hours")
    locked.date, locked.hours, locked.notes = day, given, notes
    _record(locked, by, reason)
    return locked


@transaction.atomic
def remove_hours(*, entry: VolunteerHours, by: User, reason: str = "") -> VolunteerHours:
    """Remove logged hours, by the rule of the module: the entry stays, marked removed and
    out of every total."""
    locked = _locked(entry, by, reason)
    locked.removed = True
    _record(locked, by, reason)
    return locked


# -- The hours of an allocation, with their history -----------------------------------------


@dataclass(frozen=True)
class Change:
    """One correction or removal: who, when, what changed (in words) and why."""

    by: str
    at: datetime
    what: list[str]
    reason: str
    removal: bool


@dataclass
class HoursRow:
    entry: VolunteerHours
    refusal: str  # why this user may not change it ("" when they may)
    changes: list[Change] = field(default_factory=list)


def _words(name: str, value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, Decimal):
        return hours_text(value)
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def hours_rows(allocation_id: int, user: User) -> list[HoursRow]:
    """The hours logged on one allocation, newest first, removed ones too, each with what
    `user` may do and its corrections and removal, oldest first. Three queries."""
    entries = list(
        VolunteerHours.objects.filter(allocation_id=allocation_id)
        .select_related("allocation__volunteer")
        .order_by("-date", "-pk")
    )
    rows = {e.pk: HoursRow(e, change_refusal(e, user)) for e in entries}
    event_model = apps.get_model("volunteers", "VolunteerHoursEvent")
    events = list(
        event_model.objects.filter(pgh_obj_id__in=list(rows)).order_by("pgh_obj_id", "pgh_id")
    )
    names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in={e.changed_by_id for e in events if e.changed_by_id})
    }
    previous = None
    for event in events:
        if previous is not None and previous.pgh_obj_id == event.pgh_obj_id and (
            event.changed_at and event.changed_at != previous.changed_at
        ):
            what = [
                f"{label} {_words(name, getattr(previous, name))} → "
                f"{_words(name, getattr(event, name))}"
                for name, label in CHANGED_FIELDS
                if getattr(previous, name) != getattr(event, name)
            ]
            rows[event.pgh_obj_id].changes.append(Change(
                by=names.get(event.changed_by_id, "someone no longer on the team"),
                at=event.changed_at, what=what, reason=event.change_reason,
                removal=event.removed and not previous.removed,
            ))
        previous = event
    return [rows[e.pk] for e in entries]
