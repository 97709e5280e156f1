"""The quarterly returns as published: provisional, then final (version 1), then revised
(version 2, ...). docs/returns.md says it for the OPCC; this is the one home of the rules.
Each kind of return (`KINDS`: the quarterly return, the Victims' Code compliance return) is
versioned by the same rules, each quarter of each kind on its own.

- A quarter is *provisional* until it has a stored version: computed live on every request
  and never stored by a request (a GET never writes).
- From the `HUB_RETURN_FINAL_AFTER_WORKING_DAYS`-th working day after the quarter ends
  (`finalisation_day`; England and Wales working days, `core.working_days`) the daily job
  (`reporting.services.update_quarterly_returns`) stores it as version 1, *final*.
- On each later run the job recomputes the finalised quarters of the last
  `HUB_RETURN_REVISION_QUARTERS` quarters (`revision_window`); when the figures differ from
  the latest version (`reporting.figures.changes`), or the counting rules have a new
  version, it stores the next version, *revised*, with what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from core.errors import DomainError
from core.working_days import add_working_days
from reporting.compliance_return import COMPLIANCE_RULES_VERSION, compliance_return
from reporting.live import provisional_return
from reporting.models import QuarterlyReturnVersion, ReturnKind
from reporting.returns import RULES_VERSION, quarter_period, quarterly_return

PROVISIONAL = "provisional"
FINAL = "final"
REVISED = "revised"
STATUSES = (PROVISIONAL, FINAL, REVISED)

# The change that says the figures were made by a new version of the counting rules.
RULES_SECTION = "rules"
RULES_CATEGORY = "counting_rules_version"


@dataclass(frozen=True)
class Kind:
    """A kind of versioned return: how to compute a quarter of it and the version of the
    counting rules it follows (a new one makes the job store a revision)."""

    compute: Callable[..., dict]
    rules_version: str


KINDS: dict[str, Kind] = {
    ReturnKind.QUARTERLY: Kind(quarterly_return, RULES_VERSION),
    ReturnKind.COMPLIANCE: Kind(compliance_return, COMPLIANCE_RULES_VERSION),
}


def status_of(version: int | None) -> str:
    if version is None:
        return PROVISIONAL
    return FINAL if version == 1 else REVISED


def finalisation_day(year: int, quarter: int) -> date:
    """The day from which the quarter is finalised: the configured number of working days
    after its last day (20 by default: time for late records of its cases)."""
    end = quarter_period(year, quarter).end
    return add_working_days(end, settings.HUB_RETURN_FINAL_AFTER_WORKING_DAYS)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_back(year: int, quarter: int, count: int) -> list[tuple[int, int]]:
    """The `count` quarters before (year, quarter), the most recent first."""
    index = year * 4 + quarter - 1
    return [divmod(index - n, 4) for n in range(1, count + 1)]


def as_quarter(pair: tuple[int, int]) -> tuple[int, int]:
    year, zero_based = pair
    return year, zero_based + 1


def revision_window(today: date) -> list[tuple[int, int]]:
    """The ended quarters the job recomputes, the most recent first."""
    year, quarter = quarter_of(today)
    return [
        as_quarter(pair)
        for pair in quarters_back(year, quarter, settings.HUB_RETURN_REVISION_QUARTERS)
    ]


def rules_change(before: str, after: str) -> dict:
    return {"section": RULES_SECTION, "breakdown": "all", "category": RULES_CATEGORY,
            "from": before, "to": after}


def _listing(rows: Iterable[QuarterlyReturnVersion]) -> list[dict]:
    return [
        {"version": row.version,
         "created_at": row.created_at.isoformat().replace("+00:00", "Z")}
        for row in rows
    ]


def published_return(
    year: int, quarter: int, *, version: int | None = None, today: date | None = None,
    kind: str = ReturnKind.QUARTERLY,
) -> dict:
    """The return of `kind` (the quarterly return unless said) as the API gives it: the latest
    version, or `version`; a quarter with no version yet computed live. Reads only. Two
    queries for a stored version (the list of versions, then the payload of the one asked
    for); the return's own for a live one.

    Raises DomainError (field `version`) for a version the quarter does not have.
    """
    stored = list(
        QuarterlyReturnVersion.objects.filter(kind=kind, year=year, quarter=quarter)
        .order_by("version")
        .defer("payload")
    )
    if not stored:
        if version is not None:
            day = finalisation_day(year, quarter)
            raise DomainError(
                f"{year} Q{quarter} is provisional: it has no versions yet. It is finalised "
                f"(version 1) from {day:%-d %B %Y}.",
                field="version",
            )
        # Live, through the cache (a few minutes: reporting.cache), as the pages ask often.
        payload = provisional_return(kind, year, quarter, today).value
        chosen_version, changes = None, []
    else:
        by_number = {row.version: row for row in stored}
        number = stored[-1].version if version is None else version
        if number not in by_number:
            known = ", ".join(str(row.version) for row in stored)
            raise DomainError(
                f"{year} Q{quarter} has no version {number}: it has {known}.", field="version"
            )
        chosen = by_number[number]
        payload = (
            QuarterlyReturnVersion.objects.values_list("payload", flat=True).get(pk=chosen.pk)
        )
        chosen_version, changes = chosen.version, chosen.changes
    status = status_of(chosen_version)
    return {
        **payload,
        "provisional": status == PROVISIONAL,
        "status": status,
        "version": chosen_version,
        "versions": _listing(stored),
        "changes": changes,
        "finalised_from": finalisation_day(year, quarter).isoformat(),
    }
