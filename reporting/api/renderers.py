"""The quarterly return as CSV (`Accept: text/csv` or `?format=csv`).

Long format: a few header lines stating the quarter, the period, the counting rules and the
suppression rule, then one row per figure: `section,breakdown,category,value`. Every cell goes
through `reporting.csv.safe_cell` (no cell can run as a spreadsheet formula).
"""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework.renderers import BaseRenderer

from reporting.csv import write_rows
from reporting.flow import FLOW_KEYS
from reporting.returns import BREAKDOWN_KEYS

COLUMNS = ["section", "breakdown", "category", "value"]


def _flow_value(key: str, value: object) -> object:
    if key == "supported_rate":
        return "" if value is None else f"{value:.4f}"
    return value


def return_rows(data: Mapping) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Victims' Hub quarterly return to the OPCC", f"{data['year']} Q{data['quarter']}"],
        ["Period", f"{data['period_from']} to {data['period_to']}"],
        ["Counting rules", data["counting_rules_version"]],
        ["Suppression", data["suppression_rule"]],
        ["Provisional", "yes" if data["provisional"] else "no"],
        ["Generated at", data["generated_at"]],
        [],
        COLUMNS,
    ]
    flow = data["flow"]
    rows += [["flow", "", key, _flow_value(key, flow[key])] for key in FLOW_KEYS]
    breakdowns = data["breakdowns"]
    for name in BREAKDOWN_KEYS:
        breakdown = breakdowns[name]
        rows += [
            ["breakdown", name, cell["category"], cell["value"]] for cell in breakdown["cells"]
        ]
        rows.append(["breakdown_total", name, "", breakdown["total"]])
    for name, figure in data.get("outcomes", {}).items():
        rows += [["outcome", name, cell["category"], cell["value"]] for cell in figure["cells"]]
        rows.append(["outcome_total", name, "", figure["total"]])
        rows += [
            ["outcome_rate", name, rate["category"], _flow_value("supported_rate", rate["value"])]
            for rate in figure["rates"]
        ]
    return rows


class QuarterlyReturnCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return write_rows(return_rows(data)).encode(self.charset)
