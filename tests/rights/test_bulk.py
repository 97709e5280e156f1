"""rights.bulk.CaseRights decides in memory what the services record for a case written in
bulk: the same rows, statuses, dates and reasons, for a case with a complaint, its past
evidence, justice steps (one of them retried) and the police's evidence. (The demo year's
rows and their history, compared whole: tests/demo/test_rights_bulk.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from complaints.services import answer_complaint, record_complaint
from core.errors import DomainError
from rights.backfill import backfill_case, histories
from rights.bulk import STATE, CaseRights, state_of
from rights.models import Entitlement, EvidenceStatus, JusticeEvent, JusticeStage
from rights.services import record_evidence, record_hub_evidence, record_justice_event
from tests.factories import CaseFactory, IvnaFactory

pytestmark = pytest.mark.django_db

STAMPED = {STATE.index("recorded_at"), STATE.index("updated_at")}


def _state(row: Entitlement) -> tuple:
    return tuple(v for i, v in enumerate(state_of(row)) if i not in STAMPED)


def test_case_rights_in_memory_are_what_the_services_record(manager_user, police_user):
    now = timezone.now()
    case = CaseFactory(route="letter_only")
    IvnaFactory(case=case)
    complaint = record_complaint(
        by=manager_user, received_at=now - timedelta(days=40), how="phone",
        from_whom="victim", summary="Nobody called back", about_right=4, case=case,
    )
    answer_complaint(complaint=complaint, by=manager_user, outcome="not_upheld")
    Entitlement.objects.filter(case=case).delete()  # as a case written in bulk
    case = Case.objects.select_related("person").get(pk=case.pk)
    charged = (now - timedelta(days=20)).date()

    memory = CaseRights(case, histories([case.pk])[case.pk])
    memory.backfill_case()
    memory.record_justice_event(JusticeStage.CHARGED, charged, by=police_user)
    _, again = memory.record_justice_event(JusticeStage.CHARGED, charged, by=police_user)
    memory.record_evidence(6, status=EvidenceStatus.MET, at=now - timedelta(days=19),
                           how="Told by the officer", by=police_user)
    memory.record_hub_evidence(5, at=now - timedelta(days=2), how="Compensation information")
    with pytest.raises(DomainError):
        memory.record_evidence(8, status=EvidenceStatus.MET, how="Told", by=police_user)

    backfill_case(case)
    record_justice_event(case, JusticeStage.CHARGED, charged, by=police_user)
    record_evidence(case, 6, status=EvidenceStatus.MET, at=now - timedelta(days=19),
                    how="Told by the officer", by=police_user)
    record_hub_evidence(case, 5, at=now - timedelta(days=2), how="Compensation information")

    saved = {row.right: _state(row) for row in Entitlement.objects.filter(case=case)}
    assert {right: _state(row) for right, row in memory.rows.items()} == saved
    assert saved[12][1] == EvidenceStatus.MISSED and saved[6][1] == EvidenceStatus.MET
    assert [(e.stage, e.occurred_on, e.source, e.recorded_by_id) for e in memory.events] == [
        (e.stage, e.occurred_on, e.source, e.recorded_by_id)
        for e in JusticeEvent.objects.filter(case=case)
    ]
    assert again is False
    # Each row's states: as made, then each change the services made to it.
    assert [len(memory.versions[right]) for right in (1, 6, 7, 12)] == [1, 2, 1, 2]
