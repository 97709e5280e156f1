"""The quarterly return is versioned, not frozen on first read (issue 14, docs/returns.md).

A quarter is provisional (live, never stored by a request) until the daily job finalises it
on the configured working day after it ends (version 1); a later run that finds different
figures, or a new version of the counting rules, stores a revision (version 2, ...) with what
changed; no version is ever overwritten. The API answers the latest version unless asked for
another, and says which.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reporting import returns
from reporting import versions as return_versions
from reporting.models import QuarterlyReturnVersion
from reporting.services import update_quarterly_returns
from reporting.versions import finalisation_day, published_return, revision_window
from tests.factories import CaseFactory, CrimeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/returns/quarterly/"
LONDON = ZoneInfo("Europe/London")
Q1 = {"year": 2025, "quarter": 1}
# 2025 Q1 ends on Monday 31 March; with Good Friday and Easter Monday off, its 20th working
# day after is Wednesday 30 April.
Q1_FINAL_DAY = date(2025, 4, 30)


def cases(n: int, crime_type: str = "burglary", at: datetime | None = None) -> None:
    for _ in range(n):
        CaseFactory(referred_at=at or datetime(2025, 2, 10, 12, tzinfo=LONDON),
                    crime=CrimeFactory(crime_type=crime_type))


def versions(**quarter) -> list[int]:
    return list(
        QuarterlyReturnVersion.objects.filter(**quarter).values_list("version", flat=True)
    )


# -- When a quarter is finalised -----------------------------------------------------------


def test_the_finalisation_day_counts_working_days_after_the_quarter(settings):
    assert finalisation_day(2025, 1) == Q1_FINAL_DAY
    settings.HUB_RETURN_FINAL_AFTER_WORKING_DAYS = 1
    assert finalisation_day(2025, 1) == date(2025, 4, 1)
    # 2024 Q4 ends on a Tuesday (31 December); 1 January is a bank holiday.
    assert finalisation_day(2024, 4) == date(2025, 1, 2)


def test_the_revision_window_is_the_configured_number_of_ended_quarters(settings):
    settings.HUB_RETURN_REVISION_QUARTERS = 3
    assert revision_window(date(2025, 2, 1)) == [(2024, 4), (2024, 3), (2024, 2)]


def test_a_quarter_is_provisional_until_its_finalisation_day():
    cases(6)
    update = update_quarterly_returns(today=date(2025, 4, 29))
    assert update.stored == [] and versions() == []

    update = update_quarterly_returns(today=Q1_FINAL_DAY)
    assert update.stored == ["2025 Q1 v1"]
    stored = QuarterlyReturnVersion.objects.get()
    assert (stored.version, stored.changes) == (1, [])
    assert stored.payload["flow"]["referred"] == 6


def test_running_twice_the_same_day_stores_nothing_new():
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    again = update_quarterly_returns(today=Q1_FINAL_DAY)  # generated_at differs: ignored
    assert again.stored == []
    assert versions() == [1]
    later = update_quarterly_returns(today=date(2025, 8, 1))  # nothing changed since
    assert versions(year=2025, quarter=1) == [1]
    assert "2025 Q1 v2" not in later.stored


# -- Revisions -----------------------------------------------------------------------------


def test_late_records_make_a_revision_with_what_changed_and_keep_version_1():
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    cases(9, crime_type="robbery")  # recorded late, for the same quarter

    update = update_quarterly_returns(today=date(2025, 5, 1))

    assert update.stored == ["2025 Q1 v2"]
    first, second = QuarterlyReturnVersion.objects.order_by("version")
    assert first.payload["flow"]["referred"] == 6  # never overwritten
    assert second.payload["flow"]["referred"] == 15
    changed = {(c["section"], c["breakdown"], c["category"]): (c["from"], c["to"])
               for c in second.changes}
    assert changed[("flow", "all", "referred")] == (6, 15)
    assert changed[("breakdowns", "crime_type", "robbery")] == (0, 9)
    assert changed[("breakdowns", "crime_type", "total")] == (6, 15)
    assert ("breakdowns", "crime_type", "burglary") not in changed  # 6 then, 6 now


def test_a_new_counting_rules_version_is_a_revision_and_says_so(monkeypatch):
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    original = returns.RULES_VERSION
    monkeypatch.setattr(returns, "RULES_VERSION", "flow-next+return-next")
    monkeypatch.setitem(return_versions.KINDS, "quarterly",
                        return_versions.Kind(returns.quarterly_return, "flow-next+return-next"))

    update_quarterly_returns(today=date(2025, 5, 1))

    revision = QuarterlyReturnVersion.objects.get(version=2)
    assert revision.rules_version == "flow-next+return-next"
    assert revision.changes == [{
        "section": "rules", "breakdown": "all", "category": "counting_rules_version",
        "from": original, "to": "flow-next+return-next",
    }]


def test_quarters_older_than_the_look_back_are_not_revised(settings):
    settings.HUB_RETURN_REVISION_QUARTERS = 2
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    cases(9, crime_type="robbery")
    # In 2025 Q4 the window is Q3 and Q2: Q1 is left as it was published.
    update_quarterly_returns(today=date(2025, 11, 3))
    assert versions(year=2025, quarter=1) == [1]
    # In 2025 Q3 it was still inside the window.
    update_quarterly_returns(today=date(2025, 8, 1))
    assert versions(year=2025, quarter=1) == [1, 2]


def test_every_ended_quarter_since_the_first_referral_is_finalised_once():
    cases(1, at=datetime(2024, 11, 5, 12, tzinfo=LONDON))
    update_quarterly_returns(today=date(2025, 8, 1))
    stored = set(QuarterlyReturnVersion.objects.values_list("year", "quarter", "version"))
    assert stored == {(2024, 4, 1), (2025, 1, 1), (2025, 2, 1)}  # Q3 2025 not yet ended


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_versions_table_is_append_only(statement):
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    rows = QuarterlyReturnVersion.objects.all()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        if statement == "update":
            rows.update(payload={"flow": {"referred": 999}})
        else:
            rows.delete()
    assert rows.get().payload["flow"]["referred"] == 6


def test_a_version_number_is_stored_once():
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReturnVersion.objects.create(
            **Q1, version=1, rules_version="x", payload={}, changes=[]
        )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_store_one_version():
    cases(6)
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(update_quarterly_returns(today=Q1_FINAL_DAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert versions() == [1]
    assert len(results) == 2
    assert sum(len(r.stored) for r in results) == 1


def test_the_job_runs_daily_in_beat_and_in_the_embedded_run(monkeypatch):
    from hub.celery import app
    from scheduling.management.commands import run_scheduler

    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    app.loader.import_default_modules()
    [entry] = [e for e in app.conf.beat_schedule.values()
               if e["task"] == "reporting.tasks.update_quarterly_returns_daily"]
    assert entry["task"] in app.tasks
    assert entry["options"]["expires"]
    assert entry["task"] in run_scheduler.DAILY_TASKS

    cases(6)
    call_command("run_scheduler", "--once")  # today is long after 2025 Q1's final day
    assert 1 in versions(**Q1)


def test_an_operator_can_run_the_job_by_hand_and_a_second_run_stores_nothing():
    from io import StringIO

    cases(6)
    out = StringIO()
    call_command("update_returns", stdout=out)
    stored = QuarterlyReturnVersion.objects.count()
    # Every ended quarter since the first referral, of both kinds, 2025 Q1 among them.
    assert stored >= 2 and 1 in versions(**Q1)
    assert f"{stored} version(s) stored" in out.getvalue()
    call_command("update_returns", stdout=StringIO())
    assert QuarterlyReturnVersion.objects.count() == stored


# -- What a GET answers -----------------------------------------------------------------------


def test_a_get_of_an_ended_unfinalised_quarter_writes_nothing(opcc_api):
    cases(6)
    with CaptureQueriesContext(connection) as captured:
        for params in (Q1, {**Q1, "format": "csv"}):
            assert opcc_api.get(URL, params).status_code == 200
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "reporting_" in q["sql"]]
    assert writes == []
    body = opcc_api.get(URL, Q1).json()
    assert not QuarterlyReturnVersion.objects.exists()
    assert (body["status"], body["version"], body["versions"], body["changes"]) == (
        "provisional", None, [], [])
    assert body["provisional"] is True
    assert body["finalised_from"] == "2025-04-30"
    assert body["flow"]["referred"] == 6


def test_a_provisional_quarter_is_live(opcc_api):
    cases(6)
    assert opcc_api.get(URL, Q1).json()["flow"]["referred"] == 6
    cases(2)
    assert opcc_api.get(URL, Q1).json()["flow"]["referred"] == 8


def test_the_latest_version_by_default_and_any_other_on_request(opcc_api):
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    cases(9, crime_type="robbery")
    update_quarterly_returns(today=date(2025, 5, 1))

    latest = opcc_api.get(URL, Q1).json()
    assert (latest["status"], latest["version"], latest["provisional"]) == ("revised", 2, False)
    assert latest["flow"]["referred"] == 15
    assert [v["version"] for v in latest["versions"]] == [1, 2]
    assert all(v["created_at"].endswith("Z") for v in latest["versions"])
    assert {"section": "flow", "breakdown": "all", "category": "referred",
            "from": 6, "to": 15} in latest["changes"]

    first = opcc_api.get(URL, {**Q1, "version": 1}).json()
    assert (first["status"], first["version"], first["changes"]) == ("final", 1, [])
    assert first["flow"]["referred"] == 6
    assert first["versions"] == latest["versions"]

    cases(1)  # later still: the stored versions do not move until the job runs
    assert opcc_api.get(URL, Q1).json()["flow"]["referred"] == 15


@pytest.mark.parametrize(("finalise", "asked"), [(True, 2), (False, 1)])
def test_a_version_the_quarter_does_not_have_is_a_400_naming_version(
    opcc_api, finalise, asked
):
    cases(6)
    if finalise:
        update_quarterly_returns(today=Q1_FINAL_DAY)
    for params in ({**Q1, "version": asked}, {**Q1, "version": asked, "format": "csv"}):
        response = opcc_api.get(URL, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"version"}
    message = opcc_api.get(URL, {**Q1, "version": asked}).json()["version"][0]
    assert ("has no version 2: it has 1" in message) if finalise else ("provisional" in message)


@pytest.mark.parametrize("version", ["0", "-1", "two", "1.5"])
def test_a_bad_version_is_a_400(opcc_api, version):
    response = opcc_api.get(URL, {**Q1, "version": version})
    assert response.status_code == 400
    assert set(response.json()) == {"version"}


def test_a_stored_version_takes_a_fixed_number_of_queries(django_assert_num_queries):
    cases(6)
    update_quarterly_returns(today=Q1_FINAL_DAY)
    cases(3)
    update_quarterly_returns(today=date(2025, 5, 1))
    with django_assert_num_queries(2):  # the list of versions, the payload of one
        published_return(**Q1)
    with django_assert_num_queries(2):
        published_return(**Q1, version=1)


def test_the_schema_documents_versions():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    version = next(p for p in operation["parameters"] if p["name"] == "version")
    assert not version.get("required") and version["schema"]["minimum"] == 1
    body = schema["components"]["schemas"]["QuarterlyReturn"]
    [status] = body["properties"]["status"]["allOf"]
    enum = schema["components"]["schemas"][status["$ref"].rsplit("/", 1)[1]]
    assert enum["enum"] == ["provisional", "final", "revised"]
    assert {"status", "version", "versions", "changes", "finalised_from"} <= set(
        body["required"])
    assert body["properties"]["version"]["nullable"] is True
    change = schema["components"]["schemas"]["ReturnChange"]
    assert set(change["properties"]) == {"section", "breakdown", "category", "from", "to"}
    assert "tidy CSV" in operation["description"]


def test_a_daily_run_is_bounded_by_the_look_back(settings, django_assert_max_num_queries):
    settings.HUB_RETURN_REVISION_QUARTERS = 8
    cases(6, at=datetime(2023, 2, 10, 12, tzinfo=LONDON))
    update_quarterly_returns(today=date(2025, 8, 1))  # finalises 2023 Q1 to 2025 Q2
    assert len(versions()) == 10
    # Then each day: two reads, and for each of the 8 quarters of the look-back the return
    # (its own fixed number of queries) and the latest version's payload; nothing changed,
    # nothing written.
    with CaptureQueriesContext(connection) as one_return:
        returns.quarterly_return(2025, 2)
    with django_assert_max_num_queries(2 + 8 * (len(one_return) + 1)):
        assert update_quarterly_returns(today=date(2025, 8, 2)).stored == []
