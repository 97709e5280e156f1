"""The dashboard as CSV: what is on screen, with the period, district and counting rules.

Every cell goes through `safe_cell`: a spreadsheet runs a cell that starts with =, +, -, @,
a tab or a carriage return as a formula (CSV injection, OWASP), so such a cell is written
with a leading apostrophe, which shows the text as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from reporting.flow import COUNTING_RULES_VERSION, FLOW_KEYS
from reporting.selectors import FLOW_LABELS, MONTH_KEYS, ROW_KEYS, Dashboard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MONTH_HEADERS = {
    "referred": "Referred",
    "letter_only": "Letter only",
    "high_risk": "High risk",
    "vulnerable": "Vulnerable (hub contact)",
    "accepted": "Accepted support",
}
ROW_HEADERS = {
    "referred": "Referred",
    "high_risk": "High risk",
    "vulnerable": "Vulnerable (hub contact)",
    "accepted": "Accepted support",
}


def safe_cell(value: object) -> str:
    """The cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_rows(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def dashboard_rows(figures: Dashboard, *, district_label: str) -> list[list[object]]:
    period = figures.period
    rows: list[list[object]] = [
        [
            "Victims' Hub dashboard",
            "Period",
            f"{period.start.isoformat()} to {period.end.isoformat()}",
            "District",
            district_label,
            "Counting rules",
            COUNTING_RULES_VERSION,
        ],
        [],
        ["Flow", "Key", "Count", "Unique victims"],
    ]
    flow = figures.flow.as_dict()
    victims = flow["victims"]
    for key in FLOW_KEYS:
        if key == "supported_rate":
            rows.append([FLOW_LABELS[key], key, _rate(flow[key]), _rate(victims[key])])
        else:
            rows.append([FLOW_LABELS[key], key, flow[key], victims.get(key, "")])

    rows += [[], ["Month", *(MONTH_HEADERS[key] for key in MONTH_KEYS)]]
    for month in figures.months:
        rows.append([month.start.strftime("%Y-%m"), *(month.counts[key] for key in MONTH_KEYS)])

    for breakdown in figures.breakdowns:
        rows += [
            [],
            [breakdown.title, *(ROW_HEADERS[key] for key in ROW_KEYS), "Supported rate"],
        ]
        for row in breakdown.rows:
            rows.append(
                [row.label, *(row.counts[key] for key in ROW_KEYS), _rate(row.supported_rate)]
            )
    return rows


def dashboard_csv(figures: Dashboard, *, district_label: str) -> str:
    return write_rows(dashboard_rows(figures, district_label=district_label))
