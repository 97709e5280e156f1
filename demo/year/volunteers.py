"""Community Support Volunteers in the demo year: one allocated when the plan asks for
face-to-face support and the hub has volunteers (a local one first), a visit a week or so
while allocated, and the allocation ended with the case (support_services.close_case)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from accounts.models import User
from assessments.support_services import ALLOCATION_ENDS_WITH_CASE
from cases.models import Case
from demo.year.history import Timeline
from demo.year.rows import Rows
from volunteers.models import VolunteerAllocation, VolunteerHours


class Volunteers(Timeline):
    """Allocations and visits (a mixin of demo.year.engine.Generator)."""

    volunteers: list

    def allocate_volunteer(self, rows: Rows, case: Case, district: str, plan_at: datetime,
                           vcc: User) -> VolunteerAllocation | None:
        local = [v for v in self.volunteers if district in v.districts]
        volunteer = self.rng.choice(local or self.volunteers)
        allocated = self.later(plan_at, 1, 6)
        if allocated >= self.as_of:
            return None
        return rows.add(VolunteerAllocation(case=case, volunteer=volunteer,
                                            allocated_at=allocated, allocated_by=vcc,
                                            active=True))

    @staticmethod
    def end_allocation(allocation: VolunteerAllocation | None, at: datetime, by: User) -> None:
        """Face-to-face support ends with the case (volunteers.services.end_allocation)."""
        if allocation is None:
            return
        allocation.active = False
        allocation.ended_at = at
        allocation.ended_by = by
        allocation.end_reason = ALLOCATION_ENDS_WITH_CASE

    def visits(self, rows: Rows, allocation: VolunteerAllocation | None,
               until: datetime) -> None:
        """A visit a week or so while the volunteer is allocated (at most six)."""
        if allocation is None:
            return
        day = self.local(allocation.allocated_at).date()
        for _ in range(6):
            day += timedelta(days=self.rng.randint(5, 10))
            logged = self.at(day, 19 * 60)
            if logged >= until:
                break
            rows.add(VolunteerHours(
                allocation=allocation, date=day,
                hours=Decimal(self.rng.choice(("1.00", "1.50", "2.00", "2.50", "3.00"))),
                notes="Home visit.", logged_by=allocation.volunteer.user, logged_at=logged,
            ))
