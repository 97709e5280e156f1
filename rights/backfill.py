"""The entitlement rows of cases opened before the rights app, and the evidence their past
events give: what `manage.py sync_entitlements` runs (docs/victims-code.md). The rows come
from rights.services.sync_entitlements and the evidence from rights.evidence, the same
functions that serve new events, taken in the order the events happened, so that the first
event is the evidence as it would have been. Safe to run again: a right already recorded is
left as it is."""

from __future__ import annotations

from django.db import transaction

from assessments.models import ActionStatus, ActionUpdate, PlanAction
from cases.models import Case, CaseTransition
from contact.models import AttemptOutcome, LetterStatus
from rights import evidence
from rights.services import record_hub_evidence_for, sync_entitlements


def past_evidence(case: Case) -> list[evidence.Evidence]:
    """What the case's recorded events evidence, in the order they happened."""
    found = list(evidence.from_case(case))
    ivna = getattr(case, "ivna", None)
    if ivna is not None:
        found += evidence.from_ivna(ivna, case)
    for letter in case.letters.filter(status=LetterStatus.SENT):
        found += evidence.from_letter(letter, case.route)
    interpreter = case.person.interpreter_needed
    for attempt in case.attempts.filter(outcome=AttemptOutcome.CONTACTED):
        found += evidence.from_attempt(attempt, interpreter_needed=interpreter)
    for move in CaseTransition.objects.filter(case=case).order_by("at", "pk"):
        found += evidence.from_case_moved(case, move.to_status, move.at)
    for dvna in case.dvnas.all():
        found += evidence.from_dvna(dvna)
    done = {
        update.action_id: update.at
        for update in ActionUpdate.objects.filter(
            action__plan__case=case, to_status=ActionStatus.DONE
        )
    }
    for action in PlanAction.objects.filter(plan__case=case, status=ActionStatus.DONE):
        found += evidence.from_plan_action(action, done.get(action.pk, action.created_at))
    for complaint in case.complaints.order_by("received_at"):
        found += evidence.from_complaint(complaint)
    return sorted(found, key=lambda item: item.at)


@transaction.atomic
def backfill_case(case: Case) -> None:
    sync_entitlements(case)
    for item in past_evidence(case):
        record_hub_evidence_for(
            [case.pk], item.right, at=item.at, how=item.how, status=item.status,
            reason=item.reason, source=item.source,
        )


def backfill(batch: int = 500) -> int:
    """Every case, in batches of `batch` (each case in its own transaction). The count."""
    done, last = 0, 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last).select_related("person", "crime")
            .order_by("pk")[:batch]
        )
        if not cases:
            return done
        for case in cases:
            backfill_case(case)
        done, last = done + len(cases), cases[-1].pk
