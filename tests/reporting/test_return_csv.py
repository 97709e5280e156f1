"""The quarterly return's CSV is tidy: an analyst loads it with pandas as it is (issue 14, "A
CSV an analyst can load"; docs/returns.md).

`#` comment lines, one header `year,quarter,version,section,breakdown,category,value,
suppressed`, whole numbers only in `value` (empty when suppressed), rates in their own
section, each breakdown's total flagged as category `total`; no cell runs as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from reporting.figures import figures
from reporting.return_csv import COLUMNS, RATES_SECTION, per_10000, return_csv
from reporting.returns import BREAKDOWN_KEYS, SUPPRESSION_RULE
from reporting.services import update_quarterly_returns
from tests.factories import CaseFactory, CrimeFactory, SupportServiceFactory
from tests.reporting.test_returns import refer

pytestmark = pytest.mark.django_db
URL = "/api/v1/returns/quarterly/"
LONDON = ZoneInfo("Europe/London")
Q1 = {"year": 2025, "quarter": 1}


def cases(n: int, crime_type: str = "burglary", **kw) -> list:
    return [
        CaseFactory(referred_at=datetime(2025, 2, 10, 12, tzinfo=LONDON),
                    crime=CrimeFactory(crime_type=crime_type), **kw)
        for _ in range(n)
    ]


def some_figures() -> None:
    cases(12, "burglary", route="hub_contact", contact_outcome="accepted")
    cases(7, "robbery", route="hub_contact", contact_outcome="declined")
    # Hidden in the crime types, and so is the next smallest (secondary suppression); in
    # the flow, signposted is hidden with declined, and accepted and vulnerable are shown.
    cases(2, "fraud", route="hub_contact", contact_outcome="signposted")


def load(response) -> pd.DataFrame:
    assert response.status_code == 200, response.content
    return pd.read_csv(io.StringIO(response.content.decode("utf-8")), comment="#")


@pytest.mark.parametrize("how", ["accept", "format"])
def test_pandas_loads_it_and_a_breakdown_sums_to_its_total(opcc_api, how):
    cases(12, "burglary")
    cases(7, "robbery")
    cases(5, "fraud")
    if how == "accept":
        response = opcc_api.get(URL, Q1, HTTP_ACCEPT="text/csv")
    else:
        response = opcc_api.get(URL, {**Q1, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "opcc-return-2025-q1.csv" in response["Content-Disposition"]

    frame = load(response)

    assert list(frame.columns) == COLUMNS
    crime = frame[(frame.section == "breakdowns") & (frame.breakdown == "crime_type")]
    assert not crime.suppressed.any()
    cells = crime[crime.category != "total"]
    [total] = crime[crime.category == "total"].value
    assert cells.value.sum() == total == 24
    assert cells.set_index("category").value["robbery"] == 7
    # Every breakdown adds up when nothing in it is suppressed.
    for (_, name), rows in frame[frame.section == "breakdowns"].groupby(
        ["section", "breakdown"]
    ):
        if not rows.suppressed.any():
            body = rows[rows.category != "total"].value.sum()
            assert body == rows[rows.category == "total"].value.iloc[0], name


def test_value_is_numeric_and_suppressed_is_boolean(opcc_api):
    some_figures()
    frame = load(opcc_api.get(URL, {**Q1, "format": "csv"}))

    assert pd.api.types.is_numeric_dtype(frame["value"])
    assert pd.api.types.is_bool_dtype(frame["suppressed"])
    assert pd.api.types.is_integer_dtype(frame["year"])
    assert pd.api.types.is_integer_dtype(frame["quarter"])
    # Whole numbers only, empty exactly where suppressed (or a rate with no denominator).
    shown = frame[frame.value.notna()]
    assert (shown.value == shown.value.round()).all()
    hidden = frame[frame.suppressed]
    assert len(hidden) >= 2 and hidden.value.isna().all()
    fraud = frame[(frame.breakdown == "crime_type") & (frame.category == "fraud")].iloc[0]
    assert fraud.suppressed and pd.isna(fraud.value)
    # As integers, nullable where empty.
    typed = pd.read_csv(io.StringIO(opcc_api.get(URL, {**Q1, "format": "csv"})
                                    .content.decode()), comment="#",
                        dtype={"value": "Int64", "version": "Int64"})
    assert str(typed["value"].dtype) == "Int64"


def test_rates_are_their_own_rows_per_10000(opcc_api):
    some_figures()
    body = opcc_api.get(URL, Q1).json()
    frame = load(opcc_api.get(URL, {**Q1, "format": "csv"}))

    rates = frame[frame.section == RATES_SECTION]
    [rate] = rates[(rates.breakdown == "flow") & (rates.category == "supported_rate")].value
    assert rate == per_10000(body["flow"]["supported_rate"])
    assert body["flow"]["supported_rate"] == pytest.approx(12 / 21, abs=1e-4)
    assert rate == 5714  # 57.14%: 12 accepted of 21 vulnerable
    # No rate among the counts.
    flow = frame[frame.section == "flow"]
    assert "supported_rate" not in set(flow.category)
    counts = flow[flow.breakdown == "all"].set_index("category").value
    assert counts["referred"] == 21  # exact, never suppressed


def test_rounding_to_per_10000_is_half_up():
    assert per_10000(0.44125) == 4413
    assert per_10000(1.0) == 10000
    assert per_10000(0.0) == 0


def test_a_rate_with_nothing_to_divide_by_is_empty_not_suppressed(opcc_api):
    frame = load(opcc_api.get(URL, {**Q1, "format": "csv"}))
    rates = frame[(frame.section == RATES_SECTION) & (frame.category == "supported_rate")]
    [row] = rates[rates.breakdown == "flow"].itertuples()
    assert pd.isna(row.value) and not row.suppressed


def test_metadata_is_comment_lines_before_one_header(opcc_api):
    some_figures()
    text = opcc_api.get(URL, {**Q1, "format": "csv"}).content.decode()
    lines = text.split("\r\n")
    comments = [line for line in lines if line.startswith("#")]
    assert lines[: len(comments)] == comments  # all before the header
    assert lines[len(comments)] == ",".join(COLUMNS)
    assert sum(line == ",".join(COLUMNS) for line in lines) == 1
    meta = "\n".join(comments)
    assert "# Victims' Hub quarterly return to the OPCC: 2025 Q1" in meta
    assert "# Period: 2025-01-01 to 2025-03-31" in meta
    assert "# Status: provisional" in meta
    assert "# Counting rules: " in meta
    assert f"# Suppression: {SUPPRESSION_RULE}" in meta
    assert "# Generated at: " in meta


def test_a_stored_version_says_which_in_every_row_and_the_metadata(opcc_api):
    some_figures()
    update_quarterly_returns(today=date(2025, 4, 30))
    cases(5, "criminal_damage")
    update_quarterly_returns(today=date(2025, 5, 1))

    response = opcc_api.get(URL, {**Q1, "format": "csv", "version": 1})
    assert "opcc-return-2025-q1-v1.csv" in response["Content-Disposition"]
    frame = load(response)
    assert set(frame.version) == {1}
    text = response.content.decode()
    assert "# Status: final, version 1 (stored: v1 " in text
    latest = load(opcc_api.get(URL, {**Q1, "format": "csv"}))
    assert set(latest.version) == {2}
    assert latest[latest.category == "referred"].value.iloc[0] == 26


def test_the_csv_has_every_figure_of_the_json(opcc_api):
    some_figures()
    body = opcc_api.get(URL, Q1).json()
    frame = load(opcc_api.get(URL, {**Q1, "format": "csv"}))
    rows = {(r.section, r.breakdown, r.category): r for r in frame.itertuples()}
    for name in BREAKDOWN_KEYS:
        for cell in body["breakdowns"][name]["cells"]:
            row = rows[("breakdowns", name, cell["category"])]
            if cell["value"] == "*":
                assert row.suppressed and pd.isna(row.value)
            else:
                assert not row.suppressed and row.value == cell["value"]
        total = rows[("breakdowns", name, "total")]
        if body["breakdowns"][name]["total"] == "*":
            assert total.suppressed and pd.isna(total.value)
        else:
            assert total.value == body["breakdowns"][name]["total"]
    for key, value in body["flow"].items():
        if isinstance(value, int):
            assert rows[("flow", "all", key)].value == value


def test_a_new_section_of_the_return_is_in_the_csv_without_a_change():
    payload = {
        "year": 2025, "quarter": 1, "version": None, "status": "provisional",
        "versions": [], "changes": [], "finalised_from": "2025-04-30",
        "period_from": "2025-01-01", "period_to": "2025-03-31",
        "counting_rules_version": "x", "suppression_rule": "y", "generated_at": "z",
        "flow": {"referred": 9, "victims": {"referred": 8}, "supported_rate": 0.5},
        "outcomes": {"by_service": {"title": "t", "total": 5, "cells": [
            {"category": "a", "label": "A", "value": "*"},
            {"category": "b", "label": "B", "value": "*"}]}},
    }
    rows = list(csv.reader(io.StringIO(return_csv(payload)), ))
    data = [row for row in rows if row and not row[0].startswith("#")][1:]
    assert ["2025", "1", "", "flow", "victims", "referred", "8", "false"] in data
    assert ["2025", "1", "", "outcomes", "by_service", "a", "", "true"] in data
    assert ["2025", "1", "", "outcomes", "by_service", "total", "5", "false"] in data
    assert ["2025", "1", "", RATES_SECTION, "flow", "supported_rate", "5000", "false"] in data
    assert len(data) == len(figures(payload))


def test_csv_cells_cannot_run_as_formulas_and_a_hash_does_not_cut_a_row(opcc_api, vcc_user):
    evil = SupportServiceFactory(name='=HYPERLINK("http://evil.example","x")')
    hashed = SupportServiceFactory(name="Victim Support #2, Fenland")
    for case in cases(5):
        refer(case, evil, vcc_user)
    for case in cases(6):
        refer(case, hashed, vcc_user)
    response = opcc_api.get(URL, {**Q1, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    frame = load(response)
    destinations = frame[frame.breakdown == "referral_destination"].set_index("category")
    assert destinations.value["'=HYPERLINK(\"http://evil.example\",\"x\")"] == 5
    assert destinations.value["Victim Support #2, Fenland"] == 6
    assert destinations.value["total"] == 11


def test_errors_stay_json_when_csv_is_asked_for(opcc_api):
    response = opcc_api.get(URL, {"year": 2025}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "quarter" in response.json()
