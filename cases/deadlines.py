"""The Victims' Code deadline for the hub's first contact with a victim, computed here only.

Code of Practice for Victims of Crime (the Victims' Code): a victim with enhanced entitlement
(victims of the most serious crime, persistently targeted and vulnerable or intimidated
victims, every child) is contacted within one working day of the referral, every other victim
within five. The hub contacts only the victims it routes to hub contact: a letter-only victim
and one managed by MASH / Public Protection have no deadline of the hub's.
"""

from __future__ import annotations

from datetime import datetime

from cases.choices import Route
from core.working_days import end_of_working_day

CONTACT_WORKING_DAYS_ENHANCED = 1
CONTACT_WORKING_DAYS = 5


def contact_working_days(*, route: str, enhanced: bool) -> int | None:
    """How many working days the hub has for first contact (None: the hub does not contact
    this victim). Victims' Code: one with enhanced entitlement, five otherwise."""
    if route != Route.HUB_CONTACT:
        return None
    return CONTACT_WORKING_DAYS_ENHANCED if enhanced else CONTACT_WORKING_DAYS


def contact_due_at(*, route: str, enhanced: bool, received_at: datetime) -> datetime | None:
    """When first contact is due: the end (17:00) of the first or fifth working day after
    the referral was received (Victims' Code; core.working_days), or None where the hub does
    not contact the victim (letter only, high risk)."""
    days = contact_working_days(route=route, enhanced=enhanced)
    return None if days is None else end_of_working_day(received_at, days)
