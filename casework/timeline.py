"""The timeline of a case: everything that happened on it, newest first (issue 16).

Calls, letters, notes and status moves come from the contact log (contact.selectors, which
holds the rule that restricted notes are for managers only); referrals and transfers, the
DVNAs, recovery plans and their reviews, and the amendments the police sent to the IVNA are
added here. A fixed number of queries whatever the number of rows: one per kind of record.
"""

from __future__ import annotations

from accounts.models import User
from assessments.models import Dvna, RecoveryPlan, Review
from cases.models import Case
from contact.selectors import LogEntry, contact_log
from intake.models import IvnaVersion, Transfer
from referrals.models import Referral

# The filters a VCC can pick, in the order they are offered: (kind, label).
TIMELINE_KINDS: tuple[tuple[str, str], ...] = (
    ("call", "Calls"),
    ("letter", "Letters"),
    ("note", "Notes"),
    ("status", "Status changes"),
    ("referral", "Referrals and transfers"),
    ("plan", "Assessments, plans and reviews"),
    ("police", "Changes from the police"),
)
KIND_LABELS = dict(TIMELINE_KINDS)


def _referrals(case: Case) -> list[LogEntry]:
    entries = []
    for referral in Referral.objects.filter(case=case).select_related(
        "service", "sent_by", "answered_by", "completed_by"
    ):
        name = referral.service.name
        entries.append(LogEntry(
            at=referral.sent_at, kind="referral", author=referral.sent_by,
            title=f"Referral to {name}: {referral.state_label.lower()}",
            text="Shared: name and case reference"
            + "".join(f", {label}" for label in referral.shared_labels) + ".",
        ))
        for at, what, by, text in (
            (referral.accepted_at, "accepted", referral.answered_by, ""),
            (referral.declined_at, "declined", referral.answered_by, referral.decline_reason),
            (referral.completed_at, "completed", referral.completed_by, ""),
        ):
            if at is not None:
                entries.append(LogEntry(
                    at=at, kind="referral", author=by, text=text,
                    title=f"{name} {what} the referral" if what != "completed"
                    else f"Referral to {name} completed",
                ))
    for transfer in Transfer.objects.filter(case=case).select_related("by"):
        direction = "in from" if transfer.direction == "in" else "out to"
        entries.append(LogEntry(
            at=transfer.at, kind="referral", author=transfer.by, text=transfer.notes,
            title=f"Transferred {direction} {transfer.organisation_name}",
        ))
    return entries


def _assessments(case: Case) -> list[LogEntry]:
    entries = [
        LogEntry(at=dvna.assessed_at, kind="plan", author=dvna.assessed_by,
                 title=f"Needs assessment (DVNA {dvna.number}) done")
        for dvna in Dvna.objects.filter(case=case).select_related("assessed_by")
    ]
    entries += [
        LogEntry(at=plan.agreed_at, kind="plan", author=plan.agreed_by,
                 title="Recovery plan agreed" if plan.version == 1
                 else f"Recovery plan agreed (version {plan.version})")
        for plan in RecoveryPlan.objects.filter(case=case).select_related("agreed_by")
    ]
    entries += [
        LogEntry(at=review.reviewed_at, kind="plan", author=review.by, text=review.notes,
                 title=f"Plan review: {review.get_wellbeing_display().lower()}"
                 + ("; needs to be reassessed" if review.reassessment_needed else ""))
        for review in Review.objects.filter(case=case).select_related("by")
    ]
    return entries


def _police_changes(case: Case) -> list[LogEntry]:
    return [
        LogEntry(at=version.recorded_at, kind="police", author=version.recorded_by,
                 title=f"IVNA version {version.number} from the police",
                 text="Changed: " + ", ".join(
                     str(change.get("label", "")) for change in version.changes
                 ) + "." if version.changes else "")
        for version in IvnaVersion.objects.filter(case=case, number__gt=1)
        .select_related("recorded_by")
    ]


def case_timeline(case: Case, user: User, *, kind: str = "") -> list[LogEntry]:
    """Everything on the case this user may see, newest first; only `kind` if it is one of
    TIMELINE_KINDS. Ten queries whatever the number of rows."""
    entries = contact_log(case, user) + _referrals(case) + _assessments(case)
    entries += _police_changes(case)
    if kind in KIND_LABELS:
        entries = [e for e in entries if e.kind == kind]
    return sorted(entries, key=lambda e: e.at, reverse=True)
