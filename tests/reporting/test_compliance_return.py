"""The Victims' Code compliance return (issue 15; rights.compliance, reporting.
compliance_return, docs/compliance-return.md): the figures on a hand-built quarter with known
answers and on a generated year, suppression, versions, the CSV and the page."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.dvna_services import record_dvna
from assessments.models import Dvna
from cases.victims_code import VictimsCodeRight as R
from reporting.compliance_return import compliance_return
from reporting.figures import figures
from reporting.models import QuarterlyReturnVersion, ReturnKind
from reporting.returns import quarter_period
from reporting.services import update_quarterly_returns
from reporting.suppression import SUPPRESSED
from reporting.versions import published_return
from rights.compliance import APPLIED, OUTCOMES, compliance
from rights.models import EvidenceStatus, JusticeStage
from rights.services import record_evidence, record_justice_event
from tests.assessments.builders import accepted_case, answers
from tests.factories import CaseFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

Q4_2025 = quarter_period(2025, 4)
# Thursday 18 December 2025: five working days on are Fri 19, Mon 22, Tue 23, Wed 24 and,
# over Christmas Day and Boxing Day (bank holidays), Monday 29 December.
THURSDAY = timezone.make_aware(datetime(2025, 12, 18, 10, 0))


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2025, 12, day, hour, 0))


def _charged_world():
    """Five standard-entitlement cases referred and charged on Thursday 18 December, with
    Right 6 met on time over the bank holidays, met late, declined, missed and not recorded;
    and an enhanced case charged the same day, told the next day (on time)."""
    officer = user_with_role("police")
    cases = [CaseFactory(referred_at=THURSDAY, enhanced_entitlement=False,
                         crime__crime_type="burglary") for _ in range(5)]
    enhanced = CaseFactory(referred_at=THURSDAY, enhanced_entitlement=True,
                           crime__crime_type="burglary")
    for case in [*cases, enhanced]:
        record_justice_event(case, JusticeStage.CHARGED, date(2025, 12, 18), by=officer)
    on_time, late, declined, missed, _not_recorded = cases
    told = "Phoned by the officer in the case"
    record_evidence(on_time, R.INVESTIGATION, status=EvidenceStatus.MET, at=at(29, 16),
                    how=told, by=officer)
    record_evidence(late, R.INVESTIGATION, status=EvidenceStatus.MET, at=at(30, 9),
                    how=told, by=officer)
    record_evidence(declined, R.INVESTIGATION, status=EvidenceStatus.DECLINED, by=officer)
    record_evidence(missed, R.INVESTIGATION, status=EvidenceStatus.MISSED,
                    reason="Officer on leave", by=officer)
    record_evidence(enhanced, R.INVESTIGATION, status=EvidenceStatus.MET, at=at(19, 11),
                    how=told, by=officer)
    # A right that does not apply is not counted at all.
    record_evidence(on_time, R.INFORMATION_ON_REPORTING,
                    status=EvidenceStatus.NOT_APPLICABLE, reason="Reported by a third party",
                    by=officer)
    return cases, enhanced


def test_known_answers_on_time_across_the_bank_holidays_late_declined_missed_not_recorded():
    _charged_world()
    counts = compliance(Q4_2025)

    assert counts.rights[R.INVESTIGATION] == {
        APPLIED: 6, "on_time": 2, "late": 1, "declined": 1, "missed": 1, "not_recorded": 1,
    }
    # Rights with no time limit: met is on time; not_applicable is left out of applied.
    assert counts.rights[R.INFORMATION_ON_REPORTING][APPLIED] == 5
    assert counts.rights[R.CRIME_RECORDED] == {
        APPLIED: 6, "on_time": 0, "late": 0, "declined": 0, "missed": 0, "not_recorded": 6,
    }
    assert counts.rights[R.TRIAL][APPLIED] == 0  # no trial date yet
    enhanced = counts.breakdowns["enhanced"][R.INVESTIGATION]
    assert enhanced["enhanced"]["on_time"] == 1 and enhanced["enhanced"][APPLIED] == 1
    assert enhanced["standard"][APPLIED] == 5
    assert counts.breakdowns["crime_type"][R.INVESTIGATION]["burglary"][APPLIED] == 6
    assert counts.adds_up()
    # Another quarter has none of it.
    assert compliance(quarter_period(2025, 3)).rights[R.INVESTIGATION][APPLIED] == 0


def test_the_dvna_answers_and_the_person_give_the_protected_characteristics(vcc_user):
    women = [accepted_case(case__referred_at=THURSDAY,
                           case__person=PersonFactory(gender="female", ethnicity="asian"))
             for _ in range(2)]
    record_dvna(case=women[0], answers=answers(disability="yes", religion="muslim"),
                by=vcc_user)
    # A later DVNA that leaves the question unanswered keeps the earlier answer.
    record_dvna(case=women[0], answers=answers(), by=vcc_user)
    record_dvna(case=women[1], answers=answers(disability="prefer_not_to_say"), by=vcc_user)
    CaseFactory(referred_at=THURSDAY, person=PersonFactory(gender="unknown"))
    assert Dvna.objects.count() == 3

    counts = compliance(Q4_2025)
    right_1 = {name: {cat: c[APPLIED] for cat, c in by_right[R.UNDERSTAND].items()}
               for name, by_right in counts.breakdowns.items()}
    assert right_1["disability"] == {"yes": 1, "prefer_not_to_say": 1, "none": 1}
    assert right_1["religion"] == {"muslim": 1, "none": 2}
    assert right_1["sexual_orientation"] == {"none": 3}
    assert right_1["gender"] == {"female": 2, "none": 1}  # "unknown" is not recorded
    assert sum(right_1["ethnicity"].values()) == 3
    assert counts.adds_up()


def test_the_return_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    _charged_world()
    with django_assert_max_num_queries(11):
        small = compliance_return(2025, 4)
    for _ in range(10):
        CaseFactory(referred_at=THURSDAY)
    with django_assert_max_num_queries(11):
        larger = compliance_return(2025, 4)
    assert small["rights"]["right_1"]["total"] == 6 and larger["rights"]["right_1"]["total"] == 16


def _published_counts(payload) -> list[object]:
    return [figure.value for figure in figures(payload) if not figure.is_rate]


def test_no_count_from_1_to_4_is_published():
    _charged_world()
    payload = compliance_return(2025, 4)
    values = _published_counts(payload)
    assert SUPPRESSED in values
    assert not [v for v in values if isinstance(v, int) and 1 <= v <= 4]
    right_6 = payload["rights"]["right_6"]
    assert right_6["total"] == 6 and all(c["value"] == SUPPRESSED for c in right_6["cells"])
    # A right that applied to fewer than five is hidden whole, with all its breakdowns.
    assert payload["rights"]["right_7"]["total"] == 6  # VPS: all six charged
    record = payload["breakdowns"]["enhanced"]["right_6"]
    assert record["enhanced"]["total"] == SUPPRESSED


def test_the_csv_is_tidy_and_has_every_figure(opcc_api):
    _charged_world()
    response = opcc_api.get(reverse("api-returns-compliance"),
                            {"year": 2025, "quarter": 4, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="opcc-compliance-2025-q4.csv"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Victims' Code compliance return to the OPCC: 2025 Q4")
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    assert list(rows[0]) == ["year", "quarter", "version", "section", "breakdown", "category",
                             "value", "suppressed"]
    right_6 = {r["category"]: r for r in rows
               if r["section"] == "rights" and r["breakdown"] == "right_6"}
    assert list(right_6) == [*OUTCOMES, "total"]
    assert right_6["total"]["value"] == "6"
    assert right_6["on_time"] == {**right_6["on_time"], "value": "", "suppressed": "true"}
    sections = {r["section"] for r in rows}
    assert sections == {"rights", "breakdowns", "survey", "complaints"}
    assert any(r["breakdown"] == "disability.right_1.prefer_not_to_say" for r in rows)


def test_a_new_version_keeps_the_old_one_readable(opcc_api):
    cases, _ = _charged_world()
    final_day = date(2026, 2, 1)
    update = update_quarterly_returns(today=final_day, kind=ReturnKind.COMPLIANCE)
    assert update.stored == ["compliance 2025 Q4 v1"]
    # A later record changes the figures: the next run stores version 2.
    for _ in range(5):
        CaseFactory(referred_at=THURSDAY)
    update = update_quarterly_returns(today=date(2026, 2, 2), kind=ReturnKind.COMPLIANCE)
    assert update.stored == ["compliance 2025 Q4 v2"]
    assert not QuarterlyReturnVersion.objects.filter(kind=ReturnKind.QUARTERLY).exists()

    latest = opcc_api.get(reverse("api-returns-compliance"), {"year": 2025, "quarter": 4})
    first = opcc_api.get(reverse("api-returns-compliance"),
                         {"year": 2025, "quarter": 4, "version": 1})
    assert (latest.json()["status"], latest.json()["version"]) == ("revised", 2)
    assert latest.json()["rights"]["right_1"]["total"] == 11
    assert first.json()["rights"]["right_1"]["total"] == 6
    assert [v["version"] for v in first.json()["versions"]] == [1, 2]
    change = {(c["section"], c["breakdown"], c["category"]): (c["from"], c["to"])
              for c in latest.json()["changes"]}
    assert change[("rights", "right_1", "total")] == (6, 11)
    # The stored versions cannot be changed.
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011
        QuarterlyReturnVersion.objects.filter(kind=ReturnKind.COMPLIANCE).update(version=9)
    assert published_return(2025, 4, version=1, kind=ReturnKind.COMPLIANCE)["version"] == 1
    missing = opcc_api.get(reverse("api-returns-compliance"),
                           {"year": 2025, "quarter": 4, "version": 3})
    assert missing.status_code == 400 and set(missing.json()) == {"version"}


def test_the_page_shows_the_return_and_is_linked(client, opcc_user):
    _charged_world()
    client.force_login(opcc_user)
    page = client.get(reverse("performance:compliance"),
                      {"year": 2025, "quarter": 4, "breakdown": "enhanced"}).content.decode()
    assert "Victims' Code compliance return" in page
    assert 'data-testid="compliance-rights"' in page
    assert "By enhanced entitlement" in page
    assert "Right 6: to be provided with information" in page
    assert 'id="compliance-data"' in page
    home = client.get(reverse("performance:return"), {"year": 2025, "quarter": 4})
    assert reverse("performance:compliance") in home.content.decode()
