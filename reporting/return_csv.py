"""The quarterly return as a tidy CSV, loadable as it is: `pd.read_csv(url, comment="#")`.

- Metadata first, as `#` comment lines: title, period, status and version, counting rules,
  suppression rule, when generated, and what the columns mean.
- Then exactly one header row, `COLUMNS`, and one row per figure of the return
  (`reporting.figures`, written over whatever sections the return has).
- `value` holds whole numbers only: empty where the count is suppressed (`suppressed` is
  `true`), or where a rate has nothing to divide by.
- A rate (a fraction in the JSON, e.g. the flow's `supported_rate`) is its own row in the
  section `rates_per_10000`: the fraction times 10,000, rounded half up (4412 is 44.12%);
  its `breakdown` names where it comes from (`flow`).
- Each breakdown ends with its total, category `total`: the exact sum of the breakdown's
  other rows, so that they add up to it when none is suppressed.

Every cell goes through `reporting.csv.safe_cell` (no cell can run as a spreadsheet formula),
and a cell with a `#` in it is quoted, so that `comment="#"` never cuts a row short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from reporting.csv import safe_cell
from reporting.figures import TOTAL, WHOLE, figures

COLUMNS = ["year", "quarter", "version", "section", "breakdown", "category", "value",
           "suppressed"]
RATES_SECTION = "rates_per_10000"
RATE_SCALE = 10_000
TITLE = "Victims' Hub quarterly return to the OPCC"

NEEDS_QUOTES = (",", '"', "#", "\r", "\n")


def per_10000(rate: float) -> int:
    return int((Decimal(str(rate)) * RATE_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _cell(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number, negative or not, is never a formula
    text = safe_cell(value)
    if any(mark in text for mark in NEEDS_QUOTES) or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _comment(text: str) -> str:
    return "# " + " ".join(str(text).split())


def status_line(data: Mapping) -> str:
    if data["version"] is None:
        return (f"provisional (computed now, not stored; the daily job finalises it as "
                f"version 1 from {data['finalised_from']})")
    stored = "; ".join(f"v{v['version']} {v['created_at']}" for v in data["versions"])
    return f"{data['status']}, version {data['version']} (stored: {stored})"


def comment_lines(data: Mapping, title: str = TITLE) -> list[str]:
    lines = [
        f"{title}: {data['year']} Q{data['quarter']}",
        f"Period: {data['period_from']} to {data['period_to']}",
        f"Status: {status_line(data)}",
        f"Counting rules: {data['counting_rules_version']}",
        f"Suppression: {data['suppression_rule']}",
        f"Generated at: {data['generated_at']}",
        "Columns: value is a whole number, empty when suppressed is true (or for a rate with "
        "nothing to divide by); category total is the breakdown's total, which its other rows "
        f"add up to when none is suppressed; section {RATES_SECTION} holds rates as the "
        "fraction times 10,000 (4412 is 44.12%). Load with pandas: "
        "pd.read_csv(url, comment='#'). See docs/returns.md.",
    ]
    if data.get("changes"):
        lines.append(f"Changes from version {data['version'] - 1}: {len(data['changes'])} "
                     "figures (listed in the JSON as changes)")
    return [_comment(line) for line in lines]


def return_rows(data: Mapping) -> list[list[object]]:
    """The rows after the header: counts in the return's order, then the rates."""
    key = [data["year"], data["quarter"], "" if data["version"] is None else data["version"]]
    counts: list[list[object]] = []
    rates: list[list[object]] = []
    for figure in figures(data):
        value = figure.value
        if isinstance(value, float) or (figure.is_rate and value is None):
            where = figure.section if figure.breakdown == WHOLE else (
                f"{figure.section}.{figure.breakdown}")
            shown = "" if value is None else per_10000(float(value))
            rates.append([*key, RATES_SECTION, where, figure.category, shown, "false"])
        elif isinstance(value, int):
            counts.append([*key, figure.section, figure.breakdown, figure.category, value,
                           "false"])
        elif value is None and figure.category.endswith("_rate"):
            where = figure.section if figure.breakdown == WHOLE else (
                f"{figure.section}.{figure.breakdown}")
            rates.append([*key, RATES_SECTION, where, figure.category, "", "false"])
        elif value is None:
            counts.append([*key, figure.section, figure.breakdown, figure.category, "",
                           "false"])
        else:  # suppressed: "*"
            counts.append([*key, figure.section, figure.breakdown, figure.category, "",
                           "true"])
    return counts + rates


def _line(row: Sequence[object]) -> str:
    return ",".join(_cell(cell) for cell in row)


def return_csv(data: Mapping, title: str = TITLE) -> str:
    """The whole CSV text, lines ended with CRLF (RFC 4180); `title` names the return (the
    compliance return is written by the same rules, reporting.compliance_return)."""
    lines = [*comment_lines(data, title), _line(COLUMNS)]
    lines += [_line(row) for row in return_rows(data)]
    return "\r\n".join(lines) + "\r\n"


__all__ = ["COLUMNS", "RATES_SECTION", "TOTAL", "return_csv", "return_rows"]
