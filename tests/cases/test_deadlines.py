"""The Victims' Code contact deadline, computed in one place (cases.deadlines)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.choices import Route
from cases.deadlines import contact_due_at, contact_working_days

LONDON = ZoneInfo("Europe/London")
# Thursday 17 April 2025: Good Friday and Easter Monday follow.
THU_BEFORE_EASTER = datetime(2025, 4, 17, 11, 0, tzinfo=LONDON)
MON_10 = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("route", "enhanced", "days"),
    [
        (Route.HUB_CONTACT, True, 1),
        (Route.HUB_CONTACT, False, 5),
        (Route.LETTER_ONLY, True, None),
        (Route.LETTER_ONLY, False, None),
        (Route.HIGH_RISK, True, None),
    ],
)
def test_one_working_day_with_enhanced_entitlement_five_otherwise_none_without_contact(
    route, enhanced, days
):
    assert contact_working_days(route=route, enhanced=enhanced) == days
    due = contact_due_at(route=route, enhanced=enhanced, received_at=MON_10)
    assert (due is None) == (days is None)


def test_the_deadline_is_the_end_of_the_working_day_counting_no_bank_holidays():
    enhanced = contact_due_at(route=Route.HUB_CONTACT, enhanced=True,
                              received_at=THU_BEFORE_EASTER)
    standard = contact_due_at(route=Route.HUB_CONTACT, enhanced=False,
                              received_at=THU_BEFORE_EASTER)
    assert enhanced == datetime(2025, 4, 22, 17, 0, tzinfo=LONDON)  # Tuesday after Easter
    assert standard == datetime(2025, 4, 28, 17, 0, tzinfo=LONDON)
    assert contact_due_at(route=Route.HUB_CONTACT, enhanced=False, received_at=MON_10) == (
        datetime(2025, 3, 10, 17, 0, tzinfo=LONDON)
    )
