"""The compliance return on a small generated year (demo.year, with demo.year.rights's
Victims' Code evidence): every count adds up, quarter by quarter, right by right, and no
count from 1 to 4 is published."""

from __future__ import annotations

import pytest
from django.db import transaction

from demo.year import generate
from reporting.compliance_return import compliance_return
from reporting.figures import figures
from reporting.returns import quarter_period
from rights.compliance import APPLIED, OUTCOMES, compliance
from rights.models import Entitlement, EvidenceStatus, JusticeEvent

YEAR = 2024
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """One generated year for the module's tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(victims=60, year=YEAR, seed=17)
        transaction.set_rollback(True)


def test_the_demo_year_has_justice_steps_and_a_mix_of_evidence(year):
    assert JusticeEvent.objects.filter(stage="charged").exists()
    statuses = set(Entitlement.objects.values_list("status", flat=True))
    assert {EvidenceStatus.MET, EvidenceStatus.DUE, EvidenceStatus.MISSED} <= statuses
    counts = compliance(quarter_period(YEAR, 2))
    assert counts.rights[6]["on_time"] and counts.rights[6]["late"]


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_every_count_adds_up(year, quarter):
    counts = compliance(quarter_period(YEAR, quarter))
    assert counts.rights[1][APPLIED] > 0
    assert counts.adds_up()
    for right, own in counts.rights.items():
        assert own[APPLIED] == sum(own[o] for o in OUTCOMES)
        for name, by_right in counts.breakdowns.items():
            groups = by_right.get(right, {})
            assert sum(g[APPLIED] for g in groups.values()) == own[APPLIED], (right, name)


def test_the_published_return_adds_up_and_hides_every_small_count(year):
    payload = compliance_return(YEAR, 3)
    published = [f.value for f in figures(payload)]
    assert not [v for v in published if isinstance(v, int) and 1 <= v <= 4]
    for right in payload["rights"].values():
        shown = [c["value"] for c in right["cells"]]
        if "*" not in shown and right["total"] != "*":
            assert sum(shown) == right["total"]
    for table in payload["breakdowns"].values():
        for key, groups in table.items():
            if key == "title":
                continue
            totals = [g["total"] for g in groups.values()]
            right_total = payload["rights"][key]["total"]
            if "*" not in totals and right_total != "*":
                assert sum(totals) == right_total
