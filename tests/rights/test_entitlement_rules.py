"""The due-date rule of each right (rights.rules), as sync_entitlements applies it to a case:
which rights apply from the referral, which wait for a step of the justice process, and the
Victims' Code time limits in working days (one for enhanced entitlement, five otherwise,
bank holidays not counted)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from cases.victims_code import VictimsCodeRight as R
from core.errors import DomainError
from rights.models import EvidenceSource, EvidenceStatus, JusticeStage
from rights.services import record_evidence, record_justice_event, sync_entitlements
from tests.factories import CaseFactory, user_with_role

pytestmark = pytest.mark.django_db

# Thursday 18 December 2025: the next working days are Fri 19, Mon 22, Tue 23, Wed 24, then
# Mon 29 (25 and 26 December are bank holidays).
THURSDAY = timezone.make_aware(datetime(2025, 12, 18, 10, 0))


def _rows(case):
    return {row.right: row for row in sync_entitlements(case)}


def test_from_the_referral_six_rights_apply_and_the_justice_rights_wait():
    case = CaseFactory(referred_at=THURSDAY)
    assert set(_rows(case)) == {1, 2, 3, 4, 5}
    assert all(row.status == EvidenceStatus.DUE for row in _rows(case).values())


def test_right_4_takes_the_case_contact_deadline():
    due = timezone.make_aware(datetime(2025, 12, 19, 17, 0))
    case = CaseFactory(referred_at=THURSDAY, contact_due_at=due)
    assert _rows(case)[R.REFERRAL_TO_SUPPORT].due_at == due
    assert _rows(case)[R.COMPENSATION].due_at is None  # the Code sets no time limit


@pytest.mark.parametrize(
    ("enhanced", "due_day"),
    [(True, date(2025, 12, 19)), (False, date(2025, 12, 29))],
)
def test_decision_and_trial_rights_count_working_days_over_bank_holidays(enhanced, due_day):
    case = CaseFactory(referred_at=THURSDAY, enhanced_entitlement=enhanced)
    vcc = user_with_role("vcc")
    record_justice_event(case, JusticeStage.CHARGED, date(2025, 12, 18), by=vcc)
    record_justice_event(case, JusticeStage.TRIAL_DATE, date(2025, 12, 18), by=vcc)
    rows = _rows(case)
    for right in (R.INVESTIGATION, R.TRIAL):
        assert timezone.localtime(rows[right].due_at).date() == due_day
        assert timezone.localtime(rows[right].due_at).hour == 17
    assert rows[R.PERSONAL_STATEMENT].due_at is None
    assert R.OUTCOME not in rows  # no outcome yet


def test_a_justice_event_retried_records_nothing_new():
    case = CaseFactory(referred_at=THURSDAY)
    vcc = user_with_role("vcc")
    first, created = record_justice_event(case, JusticeStage.CHARGED, date(2025, 12, 18), by=vcc)
    again, created_again = record_justice_event(
        case, JusticeStage.CHARGED, date(2025, 12, 18), by=vcc
    )
    assert created and not created_again and first.pk == again.pk


def test_evidence_for_a_right_that_does_not_apply_yet_is_refused():
    case = CaseFactory(referred_at=THURSDAY)
    with pytest.raises(DomainError) as error:
        record_evidence(case, R.OUTCOME, status=EvidenceStatus.MET, how="Phoned",
                        by=user_with_role("vcc"))
    assert "does not apply" in error.value.message


def test_missed_needs_a_reason_and_met_is_attributed():
    case = CaseFactory(referred_at=THURSDAY)
    vcc = user_with_role("vcc")
    with pytest.raises(DomainError):
        record_evidence(case, R.COMPENSATION, status=EvidenceStatus.MISSED, by=vcc)
    row = record_evidence(case, R.COMPENSATION, status=EvidenceStatus.MET,
                          how="CICA leaflet given", by=vcc)
    assert (row.source, row.recorded_by, row.met_at is not None) == (
        EvidenceSource.STAFF, vcc, True)
