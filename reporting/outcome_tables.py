"""The outcome figures (reporting.outcomes) as tables for a page: the same figures whether
exact (the managers' dashboard) or as published (the OPCC's page), laid out for reading.

A figure whose categories are `row:column` (area of need and outcome, service and status,
entitlement and state) becomes a grid, each row with its rate where the figure has one; any
other figure is a list of categories. Nothing is counted here.
"""

from __future__ import annotations

from collections.abc import Mapping

# What the first column of a one-way figure holds (a grid's rows say it themselves).
ROW_HEADERS = {
    "survey_helped_to_cope": "Answer",
    "survey_treated_with_respect": "Answer",
    "survey_would_recommend": "Answer",
    "report_to_referral": "Days from report to referral",
}


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _split(text: str, sep: str) -> tuple[str, str]:
    row, _, column = text.rpartition(sep)
    return row, column


def figure_table(key: str, figure: Mapping) -> dict:
    cells = figure["cells"]
    rates = {rate["category"]: rate for rate in figure.get("rates", [])}
    table: dict = {
        "key": key,
        "title": figure["title"],
        "counts": figure["counts"],
        "total": figure["total"],
        "grid": None,
        "row_header": ROW_HEADERS.get(key, "Category"),
        "rows": [],
        "rates": [],
    }
    if cells and all(":" in cell["category"] for cell in cells):
        columns: dict[str, str] = {}
        rows: dict[str, dict] = {}
        for cell in cells:
            row_key, column_key = _split(cell["category"], ":")
            row_label, column_label = _split(cell["label"], ": ")
            columns.setdefault(column_key, column_label)
            rows.setdefault(row_key, {"key": row_key, "label": row_label, "values": []})
            rows[row_key]["values"].append(cell["value"])
        with_rates = any(row_key in rates for row_key in rows)
        for row_key, row in rows.items():
            rate = rates.pop(row_key, None)
            row["rate"] = percent(rate["value"]) if rate else ""
        table["grid"] = {
            "columns": list(columns.values()),
            "rows": list(rows.values()),
            "rate_label": "Rate" if with_rates else "",
        }
    else:
        table["rows"] = [
            {"key": cell["category"], "label": cell["label"], "value": cell["value"]}
            for cell in cells
        ]
    # Rates not shown in a grid's rows: listed under the table.
    table["rates"] = [
        {"label": rate["label"], "value": percent(rate["value"])} for rate in rates.values()
    ]
    if table["grid"] and table["grid"]["rate_label"]:
        labels = {rate["category"]: rate["label"] for rate in figure.get("rates", [])}
        first = _split(next(iter(labels.values()), ""), ": ")[1]
        table["grid"]["rate_label"] = first if first.startswith("%") else f"% {first}"
    return table


def outcome_tables(outcomes: Mapping[str, Mapping]) -> list[dict]:
    return [figure_table(key, figure) for key, figure in outcomes.items()]
