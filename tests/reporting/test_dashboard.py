"""The managers' dashboard: the numbers of compute_flow, every count a link to exactly the
cases behind it, a fixed number of queries, filters that explain bad dates, managers only,
and a CSV of what is on screen that no spreadsheet will run as formulas."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case
from casework.filters import CaseFilter
from contact.models import ContactOutcome
from reporting import selectors
from reporting.csv import safe_cell, write_rows
from reporting.flow import COUNTING_RULES_VERSION, FLOW_KEYS, Period, compute_flow
from reporting.selectors import (
    CASE_LIST_KEYS,
    FLOW_LABELS,
    dashboard_figures,
    last_full_months,
)
from tests.factories import CaseFactory, CrimeFactory, LetterFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
PERIOD = Period(date(2025, 1, 1), date(2025, 12, 31))

DISTRICTS = ["fenland", "peterborough", "cambridge", "huntingdonshire", ""]
CRIME_TYPES = ["burglary", "theft_and_handling", "violence_against_the_person", "fraud"]
MARKERS = [[], ["domestic_abuse"], ["hate_crime", "online_crime"], ["domestic_abuse", "hate_crime"]]
ROUTES = ["letter_only", "high_risk", "hub_contact", "hub_contact", "hub_contact"]
OUTCOMES = ["", ContactOutcome.DECLINED, ContactOutcome.SIGNPOSTED, ContactOutcome.ACCEPTED,
            ContactOutcome.NO_CONTACT, ContactOutcome.ACCEPTED]
# The ways in the intake makes (no service makes an agency case: docs/flow.md).
SOURCES = ["police_ivna", "police_ivna", "police_ivna", "self_referral", "transfer_in"]


def make_cases(count: int, *, offset: int = 0) -> None:
    """Cases of every kind across 2025 (and a few just outside it): routes, outcomes,
    districts (one blank), crime types, markers, self-referrals without a crime, closed
    and restricted cases, letters sent and not."""
    for n in range(offset, offset + count):
        pick = random.Random(n)  # the same cases on every run
        source = pick.choice(SOURCES)
        crime = None
        if source != "self_referral":
            crime = CrimeFactory(crime_type=pick.choice(CRIME_TYPES), markers=pick.choice(MARKERS))
        day = date(2024, 12, 25) + timedelta(days=pick.randrange(380))  # some outside 2025
        case = CaseFactory(
            person=PersonFactory(district=pick.choice(DISTRICTS)),
            crime=crime,
            source=source,
            route=pick.choice(ROUTES),
            supported_elsewhere=pick.random() < 0.15,
            contact_outcome=pick.choice(OUTCOMES),
            responded_to_letter=pick.random() < 0.3,
            referred_at=datetime.combine(day, time(pick.randrange(24), 30), tzinfo=LONDON),
            status=pick.choice(["closed", "awaiting_contact", "in_support"]),
            restricted=pick.random() < 0.1,
        )
        if pick.random() < 0.6:
            LetterFactory(case=case, kind="introductory", channel="email", status="sent")


def edge_cases() -> tuple[Case, Case, Case]:
    """A referral at the first and last minute of 2025 (London time), and one a minute before."""
    first = CaseFactory(referred_at=datetime(2025, 1, 1, 0, 0, tzinfo=LONDON))
    last = CaseFactory(referred_at=datetime(2025, 12, 31, 23, 59, tzinfo=LONDON))
    before = CaseFactory(referred_at=datetime(2024, 12, 31, 23, 59, tzinfo=LONDON))
    return first, last, before


class Boxes(HTMLParser):
    """Each element with data-testid="flow-…": its attributes, first link and text."""

    def __init__(self):
        super().__init__()
        self.boxes: dict[str, dict] = {}
        self._open: list[tuple[str | None, str]] = []  # (box key or None, tag)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = None
        if (attrs.get("data-testid") or "").startswith("flow-"):
            key = attrs["data-testid"][5:]
            self.boxes[key] = {"attrs": attrs, "href": None, "text": ""}
        if tag not in ("br", "img", "input", "meta", "link"):
            self._open.append((key, tag))
        for open_key, _ in self._open:
            if open_key and tag == "a" and self.boxes[open_key]["href"] is None:
                self.boxes[open_key]["href"] = attrs.get("href")

    def handle_endtag(self, tag):
        while self._open:
            _, open_tag = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for open_key, _ in self._open:
            if open_key:
                self.boxes[open_key]["text"] += data


def boxes_of(html: str) -> dict[str, dict]:
    parser = Boxes()
    parser.feed(html)
    return parser.boxes


def first_number(text: str) -> str:
    return re.search(r"\d+(?:\.\d+)?", text).group()


def dashboard(client, **params) -> str:
    response = client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def case_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    return int(re.search(r'data-testid="case-count">(\d+) case', page).group(1))


# --- The same numbers as the flow -----------------------------------------------------------


@pytest.mark.parametrize("district", [None, "fenland"])
def test_the_page_shows_the_numbers_of_compute_flow(client, manager_user, district):
    make_cases(40)
    edge_cases()
    client.force_login(manager_user)
    params = {**YEAR, **({"district": district} if district else {})}
    boxes = boxes_of(dashboard(client, **params))
    flow = compute_flow(PERIOD, district).as_dict()
    assert flow["referred"] > 0
    assert set(boxes) == set(FLOW_KEYS)
    for key in FLOW_KEYS:
        box = boxes[key]
        if key == "supported_rate":
            assert box["attrs"]["data-value"] == str(flow[key])
            assert first_number(box["text"]) == f"{flow[key] * 100:.1f}"
        else:
            # The count is in the box, as an attribute and as its first number; and the
            # box's unique victims (issue 14: both units).
            assert int(box["attrs"]["data-count"]) == flow[key], key
            assert int(first_number(box["text"])) == flow[key], key
            if key != "unique_victims":
                assert int(box["attrs"]["data-victims"]) == flow["victims"][key], key


def test_each_flow_box_opens_a_case_list_of_that_many_cases(client, manager_user):
    make_cases(40)
    edge_cases()
    client.force_login(manager_user)
    boxes = boxes_of(dashboard(client, **YEAR, district="fenland"))
    linked = {key for key, box in boxes.items() if box["href"]}
    # Every count that is a set of cases links to them (unique victims are people and
    # letters are letters; the rate links to its two counts).
    assert set(CASE_LIST_KEYS) <= linked
    for key in CASE_LIST_KEYS:
        box = boxes[key]
        assert box["href"].startswith(reverse("cases:list") + "?"), key
        assert "status=all" in box["href"]
        assert case_count(client, box["href"]) == int(box["attrs"]["data-count"]), key


def test_the_example_link_shows_exactly_the_cases_counted(client, manager_user):
    make_cases(60)
    for status in ("closed", "no_contact", "closed"):
        CaseFactory(person=PersonFactory(district="fenland"),
                    contact_outcome=ContactOutcome.NO_CONTACT, status=status,
                    referred_at=datetime(2025, 5, 5, 12, tzinfo=LONDON))
    client.force_login(manager_user)
    expected = compute_flow(PERIOD, "fenland").no_contact
    assert expected >= 3
    url = reverse("cases:list") + "?flow=no_contact&from=2025-01-01&to=2025-12-31&district=fenland"
    assert case_count(client, url + "&status=all") == expected
    # Without status=all the list shows open cases only: the dashboard's links must pass it.
    assert case_count(client, url) < expected


def test_period_bounds_are_the_same_on_the_case_list(client, manager_user):
    first, last, before = edge_cases()
    client.force_login(manager_user)
    page = client.get(reverse("cases:list"), {**YEAR, "status": "all", "flow": "referred"})
    body = page.content.decode()
    assert first.reference in body and last.reference in body
    assert before.reference not in body


def test_every_count_in_the_tables_opens_that_many_cases(client, manager_user):
    make_cases(30)
    client.force_login(manager_user)
    page = dashboard(client, **YEAR)
    links = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric"><a [^>]*href="([^"]+)">'
        r"(\d+)</a>",
        page,
    )
    assert len(links) > 40
    for url, count in links:
        url = url.replace("&amp;", "&")
        assert case_count(client, url) == int(count), url


def test_breakdowns_and_months_add_up_to_the_flow():
    make_cases(50)
    figures = dashboard_figures(period=PERIOD)
    flow = figures.flow
    assert len(figures.months) == 12
    for key in ("referred", "letter_only", "high_risk", "vulnerable", "accepted"):
        assert sum(m.counts[key] for m in figures.months) == getattr(flow, key), key
    district, crime_type, marker = figures.breakdowns
    for breakdown in (district, crime_type):
        for key in ("referred", "high_risk", "vulnerable", "accepted"):
            assert sum(r.counts[key] for r in breakdown.rows) == getattr(flow, key)
    assert "none" in {r.key for r in district.rows}  # the blank district is a row
    assert "none" in {r.key for r in crime_type.rows}  # self-referrals have no crime
    # A case counts once under each marker on its crime.
    in_period = Case.objects.filter(referred_at__year=2025, crime__isnull=False)
    domestic = next(r for r in marker.rows if r.key == "domestic_abuse")
    assert domestic.counts["referred"] == in_period.filter(
        crime__markers__contains=["domestic_abuse"]
    ).count()


def test_months_are_in_local_time():
    # 23:30 on 31 January in London is still January (and in summer, BST is UTC+1).
    CaseFactory(referred_at=datetime(2025, 1, 31, 23, 30, tzinfo=LONDON))
    CaseFactory(referred_at=datetime(2025, 6, 30, 23, 30, tzinfo=LONDON))
    months = {m.start.month: m.counts["referred"] for m in dashboard_figures(period=PERIOD).months}
    assert (months[1], months[2], months[6], months[7]) == (1, 0, 1, 0)


# --- A fixed number of queries ---------------------------------------------------------------


def test_the_figures_take_six_queries_whatever_the_size(django_assert_num_queries):
    make_cases(5)
    with django_assert_num_queries(6):
        dashboard_figures(period=PERIOD, district="fenland")
    make_cases(60, offset=5)
    with django_assert_num_queries(6):
        dashboard_figures(period=PERIOD, district="fenland")
    with django_assert_num_queries(6):
        dashboard_figures(period=PERIOD)


def test_the_page_and_csv_take_the_same_queries_at_two_sizes(client, manager_user):
    client.force_login(manager_user)

    def queries(url, **params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    page, export = reverse("reporting:dashboard"), reverse("reporting:export")
    make_cases(5)
    small = queries(page, **YEAR), queries(export, **YEAR)
    make_cases(80, offset=5)
    large = queries(page, **YEAR), queries(export, **YEAR)
    assert small == large
    # Sign-in, permissions and navigation around the six queries of the figures and the six
    # of the outcomes (19 now).
    assert large[0] <= 26, large


# --- Filters ------------------------------------------------------------------------------


def test_the_default_period_is_the_last_full_twelve_months(client, manager_user):
    client.force_login(manager_user)
    page = dashboard(client)
    period = last_full_months(timezone.localdate())
    assert f'value="{period.start.isoformat()}"' in page
    assert f'value="{period.end.isoformat()}"' in page
    assert period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
    assert period.end < timezone.localdate()


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2025, 6, 15), date(2024, 6, 1), date(2025, 5, 31)),
        (date(2025, 1, 1), date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 3, 31), date(2023, 3, 1), date(2024, 2, 29)),
    ],
)
def test_last_full_months(today, start, end):
    assert last_full_months(today) == Period(start, end)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13-01", "to": "2025-12-31"}, "The start of the period must be a real date"),
        ({"from": "2025-01-01", "to": "31/12/2025"}, "The end of the period must be a real date"),
        ({"from": "2025-06-01", "to": "2025-01-31"}, "must be on or after its start"),
        ({"from": "2001-01-01", "to": "2025-01-31"}, "ten years or shorter"),
        ({"from": "2025-01-01", "to": "9999-12-31"}, "Enter a date between 2000 and 2099"),
        ({"from": "0001-01-01", "to": "2025-01-31"}, "Enter a date between 2000 and 2099"),
        ({**YEAR, "district": "narnia"}, "Select a district from the list"),
    ],
)
def test_bad_filters_give_an_error_message_not_a_500(client, manager_user, params, message):
    make_cases(3)
    client.force_login(manager_user)
    page = dashboard(client, **params)
    assert "There is a problem" in page
    assert message in page
    assert "govuk-error-message" in page
    assert 'data-testid="flow-referred"' not in page
    # The CSV of a bad period is the dashboard with its errors.
    export = client.get(reverse("reporting:export"), params)
    assert export.status_code == 302
    assert export["Location"].startswith(reverse("reporting:dashboard") + "?")
    assert message in client.get(export["Location"]).content.decode()


def test_a_blank_date_is_the_default(client, manager_user):
    client.force_login(manager_user)
    page = dashboard(client, **{"from": "", "to": "2025-12-31"})
    assert "There is a problem" not in page
    assert 'data-testid="flow-referred"' in page


def test_the_case_list_takes_the_dashboard_filters(manager_user):
    make_cases(40)
    cases = Case.objects.all()

    def listed(**params):
        return set(CaseFilter({"status": "all", **params}, queryset=cases).qs)

    assert listed(crime_type="none") == set(cases.filter(crime__isnull=True))
    assert listed(district="none") == set(cases.filter(person__district=""))
    assert listed(marker="hate_crime") == set(
        cases.filter(crime__markers__contains=["hate_crime"])
    )
    assert listed(flow="accepted", **YEAR) == set(
        Case.objects.filter(
            pk__in=selectors.referrals(PERIOD).filter(selectors.leaf_filter("accepted"))
        )
    )
    # The last day of the calendar has no day after it: no 500.
    assert listed(to="9999-12-31") == set(cases)


# --- Charts: data as JSON, no inline script -------------------------------------------------


def test_chart_data_is_json_and_there_is_no_inline_script(client, manager_user):
    make_cases(30)
    client.force_login(manager_user)
    page = dashboard(client, **YEAR)
    scripts = re.findall(r"<script\b([^>]*)>", page)
    for attrs in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert 'src="/static/js/chart.umd.min.js"' in page
    assert 'src="/static/js/dashboard.js"' in page
    blob = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S
    ).group(1)
    data = json.loads(blob)
    flow = compute_flow(PERIOD)
    assert len(data["trend"]["labels"]) == 12
    series = {s["key"]: s for s in data["trend"]["series"]}
    for key in ("letter_only", "high_risk", "vulnerable", "accepted"):
        assert sum(series[key]["data"]) == getattr(flow, key)
        assert len(series[key]["links"]) == 12
    assert [b["name"] for b in data["breakdowns"]] == ["district", "crime_type", "marker"]
    assert "style=" not in page.split('id="main-content"')[1]  # the CSP forbids inline styles


# --- Who may see it -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reporting:dashboard", "reporting:export"])
def test_managers_only(client, name, police_user, vcc_user, volunteer_user, opcc_user,
                       manager_user):
    url = reverse(name)
    response = client.get(url, YEAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for user in (police_user, vcc_user, volunteer_user):
        client.force_login(user)
        assert client.get(url, YEAR).status_code == 403, user
    # The OPCC reads aggregates, but the dashboard links to named cases: the page is refused
    # (the OPCC is sent on to its quarterly return), and so is its export.
    client.force_login(opcc_user)
    response = client.get(url, YEAR)
    if name == "reporting:dashboard":
        assert response["Location"] == reverse("performance:return")
    else:
        assert response.status_code == 403
    client.force_login(manager_user)
    assert client.get(url, YEAR).status_code == 200


def test_the_navigation_has_the_dashboard_for_managers_only(client, vcc_user, manager_user):
    link = f'href="{reverse("reporting:dashboard")}"'
    client.force_login(vcc_user)
    assert link not in client.get(reverse("cases:list")).content.decode()
    client.force_login(manager_user)
    assert link in client.get(reverse("cases:list")).content.decode()


# --- CSV ----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_what_is_on_screen(client, manager_user):
    make_cases(40)
    client.force_login(manager_user)
    response = client.get(reverse("reporting:export"), {**YEAR, "district": "fenland"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="hub-dashboard-2025-01-01-to-2025-12-31-fenland.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0] == [
        "Victims' Hub dashboard", "Period", "2025-01-01 to 2025-12-31", "District", "Fenland",
        "Counting rules", COUNTING_RULES_VERSION,
    ]
    flow = compute_flow(PERIOD, "fenland").as_dict()
    assert ["Flow", "Key", "Count", "Unique victims"] in rows
    by_key = {row[1]: row[2:] for row in rows if len(row) == 4 and row[1] in FLOW_KEYS}
    assert set(by_key) == set(FLOW_KEYS)
    victims = flow["victims"]
    for key in FLOW_KEYS:
        if key == "supported_rate":
            expected = [f"{flow[key]:.4f}", f"{victims[key]:.4f}"]
        else:
            expected = [str(flow[key]), str(victims.get(key, ""))]
        assert by_key[key] == expected, key
        assert [FLOW_LABELS[key], key, *expected] in rows
    months = [row for row in rows if row and re.fullmatch(r"2025-\d\d", row[0])]
    assert len(months) == 12
    assert sum(int(row[1]) for row in months) == flow["referred"]
    titles = [row[0] for row in rows if row]
    assert {"By district", "By crime type", "By marker"} <= set(titles)
    assert ["Fenland", str(flow["referred"]), str(flow["high_risk"]), str(flow["vulnerable"]),
            str(flow["accepted"]), by_key["supported_rate"][0]] in rows


def test_the_csv_neutralises_formulas(client, manager_user, monkeypatch):
    monkeypatch.setitem(selectors.DISTRICT_LABELS, "fenland", '=HYPERLINK("http://evil","x")')
    monkeypatch.setitem(selectors.CRIME_TYPE_LABELS, "burglary", "@SUM(1+1)")
    CaseFactory(person=PersonFactory(district="fenland"), crime=CrimeFactory(crime_type="burglary"),
                referred_at=datetime(2025, 3, 3, 12, tzinfo=LONDON))
    client.force_login(manager_user)
    rows = read_csv(client.get(reverse("reporting:export"), YEAR))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells
    assert "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1223", "'+44 1223"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Fenland", "Fenland"),
        ("a=b", "a=b"),
        (12, "12"),
        (None, ""),
        ("", ""),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_write_rows_neutralises_every_cell():
    rows = list(csv.reader(io.StringIO(write_rows([["=A1", "ok"], ["-1", 2]]))))
    assert rows == [["'=A1", "ok"], ["'-1", "2"]]


def test_the_export_is_logged(client, manager_user):
    make_cases(10)
    client.force_login(manager_user)
    client.get(reverse("reporting:export"), YEAR)
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.detail, log.case_ids, log.person_ids) == (
        manager_user, "dashboard CSV", [], []
    )
    assert log.view_name == "reporting:export"
    # Looking at the dashboard is not an export.
    dashboard(client, **YEAR)
    assert AccessLog.objects.filter(action="export").count() == 1


def test_flow_labels_cover_the_flow():
    assert set(FLOW_LABELS) == set(FLOW_KEYS)


# --- In a browser: the charts draw, and the boxes say what the API says --------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_boxes_match_the_api_and_the_charts_draw(
    live_server, page, sign_in, screenshot
):
    """With a demo year at the 2015 profile (demo.year, a twentieth of the 29,218
    victims: every leaf of the flow has cases, every district and chart has data)."""
    from demo.year import generate

    user_with_role("manager", username="manager-dash")
    generated = generate(victims=1500, year=2025, seed=2015)
    assert generated.counts["Case"] > 1500  # repeat victims: more cases than people
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    sign_in(base, "manager-dash")

    page.goto(f"{base}/dashboard/?from=2025-01-01&to=2025-12-31&district=fenland")
    api = page.request.get(
        f"{base}/api/v1/performance/flow/?from=2025-01-01&to=2025-12-31&district=fenland"
    ).json()
    for key in FLOW_KEYS:
        box = page.get_by_test_id(f"flow-{key}")
        if key == "supported_rate":
            assert float(box.get_attribute("data-value")) == api[key]
        else:
            assert int(first_number(box.inner_text())) == api[key], key
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas'))"
        ".map(c => [c.id, !!Chart.getChart(c), c.width > 0 && c.height > 0])"
    )
    assert [name for name, _, _ in drawn] == [
        "chart-trend", "chart-district", "chart-crime_type", "chart-marker"
    ]
    assert all(chart and sized for _, chart, sized in drawn), drawn

    # A realistic year: every main box of the diagram has cases behind it.
    for key in ("letter_only", "high_risk", "vulnerable", "no_contact", "contacted",
                "declined", "accepted", "letters_sent"):
        assert api[key] > 0, key
    assert api["accepted"] < api["vulnerable"] < api["referred"]
    screenshot("dashboard-demo-year")

    page.get_by_test_id("flow-accepted").get_by_role("link").click()
    count = page.get_by_test_id("case-count").inner_text()
    assert int(first_number(count)) == api["accepted"]
    assert problems == []
