"""The quarterly return in the browser (issue 14): the OPCC's analysts (and managers) choose a
quarter and see the return exactly as the API gives it, suppressed, with downloads that work
with their signed-in session; the OPCC's home and /dashboard/ lead there."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.support_services import close_case
from reporting.returns import latest_ended_quarter
from reporting.services import update_quarterly_returns
from tests.assessments.builders import supported_case
from tests.factories import CaseFactory, CrimeFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PAGE = reverse("performance:return")
API = "/api/v1/returns/quarterly/"
Q1_2025 = {"year": "2025", "quarter": "1"}


def referrals(n: int, crime_type: str) -> None:
    for _ in range(n):
        CaseFactory(referred_at=datetime(2025, 2, 10, 12, tzinfo=LONDON),
                    crime=CrimeFactory(crime_type=crime_type))


def shown(page: str, key: str) -> str:
    """The value in the row of the first table row with this data-key."""
    match = re.search(rf'data-key="{re.escape(key)}">\s*<th[^>]*>[^<]*</th>\s*<td[^>]*>([^<]*)<',
                      page)
    assert match, key
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 3), (2026, 3)),
        (date(2026, 1, 1), (2025, 4)),
        (date(2026, 3, 31), (2025, 4)),
        (date(2026, 4, 1), (2026, 1)),
    ],
)
def test_the_default_is_the_latest_ended_quarter(today, expected):
    assert latest_ended_quarter(today) == expected


def test_the_opcc_sees_the_return_as_the_api_gives_it(client, opcc_user):
    referrals(6, "burglary")
    referrals(3, "robbery")
    referrals(2, "fraud")
    update_quarterly_returns()  # the daily job finalises the ended quarter
    client.force_login(opcc_user)

    page = unescape(client.get(PAGE, Q1_2025).content.decode())
    api = client.get(API, Q1_2025).json()

    assert "2025 quarter 1: 1 January 2025 to 31 March 2025" in page
    crime = {c["category"]: c["value"] for c in api["breakdowns"]["crime_type"]["cells"]}
    assert crime["robbery"] == "*" and crime["fraud"] == "*" and crime["burglary"] == 6
    for category, value in crime.items():
        assert shown(page, category) == str(value)
    assert shown(page, "referred") == "11"  # the headline flow is exact
    assert "Final version 1" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert api["suppression_rule"] in page


def test_the_outcomes_on_the_page_are_suppressed(client, opcc_user, vcc_user):
    for _ in range(3):
        case = supported_case(vcc_user)
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better", "finance": "same"})
    client.force_login(opcc_user)
    today = timezone.localdate()
    quarter = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}

    page = client.get(PAGE, quarter).content.decode()

    section = page[page.index('data-testid="outcome-closure_outcomes"'):]
    section = section[:section.index("</section>")]
    health = section[section.index('data-key="health"'):]
    health = health[:health.index("</tr>")]
    assert ">3<" not in health and "*" in health  # three victims: never shown
    assert "Provisional" in page  # the current quarter


def test_the_downloads_work_with_the_session_and_are_the_apis(client, opcc_user, opcc_api):
    referrals(5, "burglary")
    update_quarterly_returns()  # stored: the same bytes however often it is fetched
    client.force_login(opcc_user)
    page = unescape(client.get(PAGE, Q1_2025).content.decode())
    csv_url = re.search(r'href="([^"]+)" download="opcc-return-2025-q1.csv"', page).group(1)
    json_url = re.search(r'href="([^"]+)" download="opcc-return-2025-q1.json"', page).group(1)

    csv = client.get(csv_url)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content == opcc_api.get(API, {**Q1_2025, "format": "csv"}).content
    body = client.get(json_url)
    assert body.status_code == 200
    assert body.json()["breakdowns"] == opcc_api.get(API, Q1_2025).json()["breakdowns"]


def test_a_wrong_quarter_is_explained_and_shows_no_figures(client, opcc_user):
    client.force_login(opcc_user)
    page = client.get(PAGE, {"year": "20x5", "quarter": "5"}).content.decode()
    assert "There is a problem" in page
    assert "Enter the year as four digits" in page
    assert "Select a quarter from the list" in page
    assert 'data-testid="download-csv"' not in page


def test_managers_can_open_it_and_vccs_cannot(client, manager_user, vcc_user):
    client.force_login(manager_user)
    assert client.get(PAGE).status_code == 200
    client.force_login(vcc_user)
    assert client.get(PAGE).status_code == 403


def test_the_opcc_home_and_dashboard_lead_to_the_return(client, opcc_user):
    client.force_login(opcc_user)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{PAGE}"' in home
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 302 and response["Location"] == PAGE


def test_the_page_takes_the_same_queries_whatever_the_rows(client, opcc_user):
    client.force_login(opcc_user)
    day = timezone.localdate()
    params = {"year": day.year, "quarter": (day.month - 1) // 3 + 1}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, params).status_code == 200
        return len(captured)

    client.get(PAGE, params)
    small = queries()
    for _ in range(20):
        CaseFactory()
    assert queries() == small
