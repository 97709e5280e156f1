"""The entitlement rows of cases opened before the rights app, and the evidence their past
events give: what `manage.py sync_entitlements` runs (docs/victims-code.md). The rows come
from rights.services.sync_entitlements and the evidence from rights.evidence, the same
functions that serve new events, taken in the order the events happened, so that the first
event is the evidence as it would have been. Safe to run again: a right already recorded is
left as it is.

The case's past is read for many cases at once (`histories`) and what it evidences decided
in memory (`evidence_in`), so that the demo year (demo.year.rights) asks the same questions
of thirty thousand cases in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from assessments.models import ActionStatus, ActionUpdate, Dvna, PlanAction
from cases.models import Case, CaseTransition
from complaints.models import Complaint
from contact.models import AttemptOutcome, ContactAttempt, Letter, LetterStatus
from intake.models import Ivna
from rights import evidence
from rights.services import record_hub_evidence_for, sync_entitlements


@dataclass
class CaseHistory:
    """What `evidence_in` reads of a case's past, each list in the order it happened."""

    ivna: Ivna | None = None
    letters: list[Letter] = field(default_factory=list)  # sent
    attempts: list[ContactAttempt] = field(default_factory=list)  # the victim reached
    moves: list[tuple[str, datetime]] = field(default_factory=list)  # (to status, at)
    dvnas: list[Dvna] = field(default_factory=list)
    actions: list[tuple[PlanAction, datetime]] = field(default_factory=list)  # done, when
    complaints: list[Complaint] = field(default_factory=list)  # by when received


def histories(case_ids: Sequence[int]) -> dict[int, CaseHistory]:
    """The past of these cases, in one query per kind of event."""
    found: dict[int, CaseHistory] = defaultdict(CaseHistory)
    if not case_ids:
        return found
    for ivna in Ivna.objects.filter(case_id__in=case_ids).only(
        "id", "case_id", "submitted_via", "recorded_at"
    ):
        found[ivna.case_id].ivna = ivna
    for letter in Letter.objects.filter(case_id__in=case_ids, status=LetterStatus.SENT).only(
        "id", "case_id", "kind", "channel", "language", "no_letters_in", "status", "sent_at",
        "created_at",
    ).order_by("pk"):
        found[letter.case_id].letters.append(letter)
    for attempt in ContactAttempt.objects.filter(
        case_id__in=case_ids, outcome=AttemptOutcome.CONTACTED
    ).only("id", "case_id", "made_at", "outcome", "with_interpreter"):
        found[attempt.case_id].attempts.append(attempt)
    for case_id, to_status, at in CaseTransition.objects.filter(
        case_id__in=case_ids
    ).order_by("at", "pk").values_list("case_id", "to_status", "at"):
        found[case_id].moves.append((to_status, at))
    for dvna in Dvna.objects.filter(case_id__in=case_ids).only("id", "case_id", "number",
                                                                 "assessed_at"):
        found[dvna.case_id].dvnas.append(dvna)
    done = dict(
        ActionUpdate.objects.filter(
            action__plan__case_id__in=case_ids, to_status=ActionStatus.DONE
        ).values_list("action_id", "at")
    )
    for action in PlanAction.objects.filter(
        plan__case_id__in=case_ids, status=ActionStatus.DONE
    ).select_related("plan").only("id", "kind", "status", "created_at", "plan__case_id"):
        found[action.plan.case_id].actions.append(
            (action, done.get(action.pk, action.created_at))
        )
    for complaint in Complaint.objects.filter(case_id__in=case_ids).order_by("received_at"):
        found[complaint.case_id].complaints.append(complaint)
    return found


def evidence_in(case: Case, history: CaseHistory) -> list[evidence.Evidence]:
    """What the case's recorded events evidence, in the order they happened."""
    found = list(evidence.from_case(case))
    if history.ivna is not None:
        found += evidence.from_ivna(history.ivna, case)
    for letter in history.letters:
        found += evidence.from_letter(letter, case.route)
    interpreter = case.person.interpreter_needed
    for attempt in history.attempts:
        found += evidence.from_attempt(attempt, interpreter_needed=interpreter)
    for to_status, at in history.moves:
        found += evidence.from_case_moved(case, to_status, at)
    for dvna in history.dvnas:
        found += evidence.from_dvna(dvna)
    for action, at in history.actions:
        found += evidence.from_plan_action(action, at)
    for complaint in history.complaints:
        found += evidence.from_complaint(complaint)
    return sorted(found, key=lambda item: item.at)


def past_evidence(case: Case) -> list[evidence.Evidence]:
    """What the case's recorded events evidence, in the order they happened."""
    return evidence_in(case, histories([case.pk])[case.pk])


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
