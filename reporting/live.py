"""The figures the pages and the API work out live, through the cache (reporting.cache): one
function a question, so a page and the scheduled refresh ask it the same way (and so share
the same key).

- `dashboard`: the managers' dashboard and its CSV (the flow, the months, the breakdowns and
  the exact outcome tables) for a period and district;
- `flow`: the flow API, exact (managers) or as published (the OPCC);
- `provisional_return`: a quarter's return of a kind before the daily job stores it
  (reporting.versions.published_return);
- `refresh_defaults`: what the pages ask when opened with no filters, worked out ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from reporting.cache import Figures, figures, refresh
from reporting.flow import Period, compute_flow
from reporting.models import QuarterlyReturnVersion, ReturnKind
from reporting.outcomes import exact_outcomes
from reporting.returns import latest_ended_quarter, quarter_period
from reporting.selectors import Dashboard, dashboard_figures, last_full_months
from reporting.suppression import published_flow


@dataclass(frozen=True)
class DashboardFigures:
    figures: Dashboard
    outcomes: dict[str, dict]


def _period(period: Period, district: str | None) -> dict[str, Any]:
    return {"from": period.start, "to": period.end, "district": district or None,
            "today": timezone.localdate()}


def _dashboard(period: Period, district: str | None) -> DashboardFigures:
    return DashboardFigures(dashboard_figures(period=period, district=district),
                            exact_outcomes(period, district))


def dashboard(period: Period, district: str | None = None, *,
              fresh: bool = False) -> Figures[DashboardFigures]:
    ask = refresh if fresh else figures
    return ask("dashboard", _period(period, district), lambda: _dashboard(period, district))


def flow(period: Period, district: str | None = None, *, exact: bool,
         fresh: bool = False) -> Figures[dict[str, Any]]:
    """The flow as a dict: exact for managers; for the OPCC the whole area, suppressed."""
    ask = refresh if fresh else figures
    if exact:
        return ask("flow", _period(period, district),
                   lambda: compute_flow(period, district).as_dict())
    return ask("published-flow", _period(period, None), lambda: published_flow(period))


def provisional_return(kind: str, year: int, quarter: int, today: date | None = None, *,
                       fresh: bool = False) -> Figures[dict]:
    from reporting.versions import KINDS

    day = today or timezone.localdate()
    ask = refresh if fresh else figures
    return ask(f"return-{kind}", {"year": year, "quarter": quarter, "today": day},
               lambda: KINDS[kind].compute(year, quarter, today=day))


def refresh_defaults(today: date | None = None) -> list[str]:
    """Work out, and keep, what the pages show when opened with no filters: the dashboard's
    last twelve whole months for the whole area, and the latest ended quarter's flow and
    returns while they are provisional. Returns what it worked out (names, no figures)."""
    day = today or timezone.localdate()
    done = ["dashboard"]
    dashboard(last_full_months(day), fresh=True)
    year, quarter = latest_ended_quarter(day)
    flow(quarter_period(year, quarter), exact=False, fresh=True)
    done.append("published-flow")
    stored = set(
        QuarterlyReturnVersion.objects.filter(year=year, quarter=quarter)
        .values_list("kind", flat=True)
    )
    for kind in ReturnKind.values:
        if kind not in stored:
            provisional_return(kind, year, quarter, day, fresh=True)
            done.append(f"return-{kind}")
    return done
