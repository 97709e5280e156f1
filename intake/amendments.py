"""A corrected IVNA: an amendment, never a silent no-op and never a silent overwrite.

Rules (DOMAIN.md API contract; issue 11):
- The same crime reference and police person id again with the same answers is a retry:
  nothing is written. With different answers it is an amendment, stored as a new version of
  the IVNA (IvnaVersion) with who and when.
- What makes the hub do more for the victim's safety is applied at once: a higher DASH risk,
  more "yes" answers, a MASH / Public Protection referral, a new priority category or marker,
  the officer now judging that support is needed, and any safe-contact answer made safer (a
  "no", or "not known", wins). The case is then re-triaged by the one rule table; its route
  only ever goes up by itself (letter only -> hub contact -> high risk), and enhanced
  entitlement is only ever gained.
- Everything else (names, contact details, a lower risk, a safe-contact answer made less
  safe, a removed marker, new notes) is proposed: a VCC accepts or rejects it on the case
  (ProposedChange), with the work on "My work" until every proposal is decided. Until then
  the hub keeps what it knew: letters go to the confirmed address.
- A later IVNA for a known person (a second crime) proposes its changed details the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any

import pghistory
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from cases.choices import Route
from cases.deadlines import contact_due_at
from cases.models import Case, Crime, Person
from cases.services import transition_case
from cases.workflow import CaseStatus, is_allowed
from contact.notes import add_note
from contact.safe_contact import change_safe_contact, hold_letters, lower_from_intake
from contact.services import cancel_contact_work, start_contact
from core.errors import DomainError
from intake.matching import VictimDetails
from intake.models import ChangeState, Ivna, IvnaVersion, ProposedChange
from intake.triage import IvnaAnswers, TriageDecision, triage
from scheduling.models import ItemKind
from scheduling.services import complete_human_items, schedule

if TYPE_CHECKING:  # intake.services imports this module
    from intake.services import IvnaSubmission

# What each compared answer is called on the case page.
LABELS: dict[str, str] = {
    "crime.crime_type": "Crime or incident type",
    "crime.offence_date": "Date of the offence",
    "crime.markers": "Markers on the crime",
    "victim.first_name": "First name",
    "victim.last_name": "Last name",
    "victim.date_of_birth": "Date of birth",
    "victim.gender": "Gender",
    "victim.ethnicity": "Ethnicity",
    "victim.nationality": "Nationality",
    "victim.phone": "Phone number",
    "victim.email": "Email address",
    "victim.address_line1": "Address line 1",
    "victim.address_line2": "Address line 2",
    "victim.town": "Town or city",
    "victim.postcode": "Postcode",
    "victim.district": "District",
    "victim.first_language": "First language",
    "victim.interpreter_needed": "Interpreter needed",
    "victim.safe_to_call": "Safe to phone",
    "victim.may_leave_message": "May leave a message",
    "victim.safe_contact_bands": "Safe times to call",
    "assessment.priority_categories": "Priority categories",
    "assessment.dash_risk": "DASH risk",
    "assessment.dash_yes_count": "DASH 'yes' answers",
    "assessment.needs_support": "Needs support (officer's judgement)",
    "assessment.supported_elsewhere": "Already supported by another service",
    "assessment.mash_referral": "Referred to the MASH / Public Protection",
    "assessment.safe_to_write": "Safe to write",
    "assessment.consent_to_contact": "Agrees to be contacted by the hub",
    "assessment.notes": "Officer's notes",
    "case.route": "Route (after re-triage)",
}
VICTIM_KEYS = tuple(k.split(".", 1)[1] for k in LABELS if k.startswith("victim."))
DASH_RANK: dict[str | None, int] = {None: 0, "standard": 1, "medium": 2, "high": 3}
ROUTE_RANK: dict[str, int] = {Route.LETTER_ONLY: 0, Route.HUB_CONTACT: 1, Route.HIGH_RISK: 2}
# Answers that only ever make the hub do more when they turn to "yes".
MORE_WHEN_YES = ("assessment.mash_referral", "assessment.needs_support")
# Safe-contact answers: a "no" (or "not known") is applied, a "yes" is proposed.
SAFETY = ("victim.safe_to_call", "victim.may_leave_message", "assessment.safe_to_write",
          "assessment.consent_to_contact")
APPLIED, PROPOSED, NOT_GIVEN = "applied", "proposed", "not given"
CONSENT = "assessment.consent_to_contact"
# Where the hub has not yet spoken with the victim: a "no" to contact from the police closes
# the case, as it would have at intake (intake.services.status_after_ivna).
NOT_YET_IN_TOUCH = frozenset({CaseStatus.LETTER_ONLY, CaseStatus.AWAITING_CONTACT,
                              CaseStatus.NO_CONTACT})
ACCEPTED_WHY = "Change from the police accepted"


def _plain(value: Any) -> Any:
    """A value as JSON keeps it and as two submissions compare: text trimmed, blanks None,
    dates in ISO form, lists sorted."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(set(value))
    return value


def snapshot(submission: IvnaSubmission) -> dict[str, Any]:
    """An IVNA submission (intake.services.IvnaSubmission) as flat, comparable answers."""
    crime, victim, answers = submission.crime, submission.victim, submission.assessment
    flat: dict[str, object] = {
        "crime.crime_type": crime.crime_type,
        "crime.offence_date": crime.offence_date,
        "crime.markers": crime.markers,
    }
    for name in VICTIM_KEYS:
        value = getattr(victim, name, None)
        if name == "postcode" and isinstance(value, str):
            value = value.upper()
        if name in ("gender", "ethnicity") and value == "unknown":
            value = None
        flat[f"victim.{name}"] = value
    for item in fields(answers):
        flat[f"assessment.{item.name}"] = getattr(answers, item.name)
    return {key: _plain(value) for key, value in flat.items()}


def _snapshot_of_case(case: Case, ivna: Ivna) -> dict[str, object]:
    """Version 1 of a case opened before versions were kept: rebuilt from what the hub holds."""
    person, crime = case.person, case.crime
    flat: dict[str, object] = {
        "crime.crime_type": crime.crime_type if crime else None,
        "crime.offence_date": crime.offence_date if crime else None,
        "crime.markers": crime.markers if crime else [],
    }
    for name in VICTIM_KEYS:
        value = getattr(person, name, None)
        flat[f"victim.{name}"] = None if value == "unknown" else value
    for name in ("priority_categories", "dash_risk", "dash_yes_count", "needs_support",
                 "supported_elsewhere", "mash_referral", "safe_to_write",
                 "consent_to_contact", "notes"):
        flat[f"assessment.{name}"] = getattr(ivna, name)
    return {key: _plain(value) for key, value in flat.items()}


def record_first_version(
    *, case: Case, submission: IvnaSubmission, by: User, via: str
) -> IvnaVersion:
    """Version 1: the IVNA that opened the case, as it was sent."""
    version = first_version_row(case=case, submission=submission, by=by, via=via)
    version.save(force_insert=True)
    return version


def first_version_row(
    *, case: Case, submission: IvnaSubmission, by: User, via: str
) -> IvnaVersion:
    """record_first_version's row, not yet saved (intake.bulk saves many)."""
    return IvnaVersion(
        case=case, number=1, answers=snapshot(submission), route_after=case.route,
        recorded_by=by, submitted_via=via,
    )


def _latest_version(case: Case, ivna: Ivna) -> IvnaVersion:
    latest = case.ivna_versions.order_by("-number").first()
    if latest is None:
        latest = IvnaVersion.objects.create(
            case=case, number=1, answers=_snapshot_of_case(case, ivna), route_after=case.route,
            recorded_by=ivna.recorded_by, submitted_via=ivna.submitted_via,
            recorded_at=ivna.recorded_at,
        )
    return latest


@dataclass
class Amendment:
    version: IvnaVersion
    applied: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    route_raised: bool = False


@dataclass
class _Work:
    """What one amendment does, gathered before anything is written."""

    case: Case
    ivna: Ivna
    person: Person
    crime: Crime | None
    changes: list[dict] = field(default_factory=list)
    proposals: list[ProposedChange] = field(default_factory=list)
    ivna_fields: set[str] = field(default_factory=set)
    safety: dict[str, bool | None] = field(default_factory=dict)
    declined: bool = False  # the victim now declines contact by the hub

    def note(self, key: str, before: Any, after: Any, outcome: str) -> None:
        self.changes.append({"key": key, "label": LABELS.get(key, key), "before": before,
                             "after": after, "outcome": outcome})

    def propose(self, key: str, current: Any, proposed: Any) -> None:
        self.proposals.append(ProposedChange(
            case=self.case, key=key, label=LABELS.get(key, key), current=current,
            proposed=proposed,
        ))


def _more(key: str, before: Any, after: Any) -> bool:
    """Whether the new answer makes the hub do more for the victim's safety."""
    if key == "assessment.dash_risk":
        return DASH_RANK.get(after, 0) > DASH_RANK.get(before, 0)
    if key == "assessment.dash_yes_count":
        return after is not None and (before is None or after > before)
    if key in MORE_WHEN_YES:
        return after is True
    if key in SAFETY:
        return after is not True and before is True
    return False


def _assessment(work: _Work, key: str, before: Any, after: Any) -> None:
    name = key.split(".", 1)[1]
    current = _plain(getattr(work.ivna, name))
    if key in ("assessment.priority_categories",):
        added = sorted(set(after or []) - set(current or []))
        if added:
            work.ivna.priority_categories = sorted(set(current or []) | set(added))
            work.ivna_fields.add(name)
        removed = set(current or []) - set(after or [])
        if removed:
            work.propose(key, work.ivna.priority_categories, after)
        work.note(key, before, after, PROPOSED if removed else APPLIED)
        return
    if key == CONSENT and _more(key, current, after) and not _may_close_for_consent(work.case):
        # The victim has been in touch with the hub since: a VCC decides.
        work.propose(key, current, after)
        work.note(key, before, after, PROPOSED)
        return
    if _more(key, current, after):
        if key == CONSENT:
            work.declined = True
        setattr(work.ivna, name, after)  # None: not given, treated as "no"
        work.ivna_fields.add(name)
        if key == "assessment.safe_to_write":
            work.safety["safe_to_write"] = False
        work.note(key, before, after, APPLIED)
    elif after != current:
        work.propose(key, current, after)
        work.note(key, before, after, PROPOSED)
    else:
        work.note(key, before, after, APPLIED)


def _victim(work: _Work, key: str, before: Any, after: Any) -> None:
    name = key.split(".", 1)[1]
    current = _plain(getattr(work.person, name))
    if key in SAFETY and _more(key, current, after):
        work.safety[name] = False
        work.note(key, before, after, APPLIED)
    elif after is None:
        work.note(key, before, after, NOT_GIVEN)  # left out: the hub keeps what it has
    elif after != current:
        work.propose(key, current, after)
        work.note(key, before, after, PROPOSED)
    else:
        work.note(key, before, after, APPLIED)


def _crime(work: _Work, key: str, before: Any, after: Any) -> None:
    crime = work.crime
    if crime is None:
        return
    if key == "crime.markers":
        added = set(after or []) - set(crime.markers)
        if added:
            crime.markers = sorted(set(crime.markers) | added)
            crime.save(update_fields=["markers"])
        removed = set(before or []) - set(after or [])
        if removed & set(crime.markers):
            work.propose(key, crime.markers, after)
        work.note(key, before, after, PROPOSED if removed else APPLIED)
        return
    name = key.split(".", 1)[1]
    current = _plain(getattr(crime, name))
    if after != current:
        work.propose(key, current, after)
        work.note(key, before, after, PROPOSED)


def _may_close_for_consent(case: Case) -> bool:
    """A "no" to contact closes the case by itself only where the hub has not yet spoken
    with the victim; a high-risk victim stays with the MASH / Public Protection."""
    return case.route == Route.HIGH_RISK or case.status in NOT_YET_IN_TOUCH


def _close_declined(case: Case, by: User, why: str) -> None:
    """The victim declined contact by the hub (an amended IVNA): as at intake, the hub
    neither phones nor writes, and the case closes (declined_at_ivna in the flow)."""
    case.declined_contact_at_ivna = True
    case.save(update_fields=["declined_contact_at_ivna", "updated_at"])
    cancel_contact_work(case=case)
    hold_letters(person=case.person, case=case,
                 reason="The victim declined contact by the hub (amended IVNA).")
    if case.route != Route.HIGH_RISK and is_allowed(case.status, CaseStatus.CLOSED):
        transition_case(case=case, to=CaseStatus.CLOSED, by=by,
                        reason=f"{why}: the victim declined contact by the hub.")


def _retriage(case: Case, ivna: Ivna) -> TriageDecision:
    """The case's IVNA, as it now stands, through the one rule table."""
    crime = case.crime
    return triage(IvnaAnswers(
        crime_type=crime.crime_type if crime else "other",
        offence_date=crime.offence_date if crime else timezone.localdate(),
        markers=frozenset(crime.markers if crime else ()),
        date_of_birth=case.person.date_of_birth,
        priority_categories=frozenset(ivna.priority_categories),
        dash_risk=ivna.dash_risk or None,
        dash_yes_count=ivna.dash_yes_count,
        mash_referral=ivna.mash_referral,
        needs_support=ivna.needs_support,
        earlier_high_risk_referral=ivna.earlier_high_risk_referral,
    ))


def _raise_route(case: Case, decision: TriageDecision, by: User, why: str) -> bool:
    """Move the case up to the route re-triage gives, where its status allows it (risk
    only goes up by itself). False when the route is not higher, or cannot move now."""
    if ROUTE_RANK[decision.route] <= ROUTE_RANK[Route(case.route)]:
        return False
    if decision.route == Route.HIGH_RISK:
        target = CaseStatus.HIGH_RISK
    elif case.status == CaseStatus.LETTER_ONLY:
        target = CaseStatus.AWAITING_CONTACT
    else:
        return False
    if not is_allowed(case.status, target):
        return False
    transition_case(case=case, to=target, by=by, reason=f"{why}: {decision.reason}")
    case.route = decision.route
    update = ["route", "updated_at"]
    if target == CaseStatus.HIGH_RISK:
        cancel_contact_work(case=case)
    else:
        case.contact_due_at = contact_due_at(
            route=decision.route, enhanced=case.enhanced_entitlement, received_at=timezone.now()
        )
        update.append("contact_due_at")
    case.save(update_fields=update)
    if target == CaseStatus.AWAITING_CONTACT:
        start_contact(case=case)
    return True


def _gain_entitlement(case: Case, decision: TriageDecision) -> None:
    if decision.enhanced_entitlement and not case.enhanced_entitlement:
        case.enhanced_entitlement = True
        update = ["enhanced_entitlement", "updated_at"]
        due = contact_due_at(route=case.route, enhanced=True, received_at=timezone.now())
        if due is not None and (case.contact_due_at is None or due < case.contact_due_at):
            case.contact_due_at = due
            update.append("contact_due_at")
        case.save(update_fields=update)


def _queue_check(case: Case, version_pk: int | None) -> None:
    """The VCC's work item: check the changes from the police (the case's VCC, or the
    team queue when the case has none)."""
    schedule(
        kind=ItemKind.CHECK_POLICE_CHANGES, case=case, due_at=timezone.now(),
        dedupe_key=f"police_changes:{case.pk}:{version_pk or 'person'}",
    )


def apply_rise_in_risk(*, case: Case, ivna: Ivna, by: User, why: str) -> tuple[bool, Route]:
    """Re-triage the case and raise its route and entitlement where the rules now say so.
    Returns whether the route went up, and the route re-triage gave. The IVNA keeps the
    triage of its answers as they now stand (the rules that matched, and their version)."""
    decision = _retriage(case, ivna)
    ivna.route, ivna.triage_rules = decision.route, list(decision.matched_rules)
    ivna.triage_rules_version = decision.rules_version
    ivna.enhanced_entitlement = ivna.enhanced_entitlement or decision.enhanced_entitlement
    ivna.save(update_fields=["route", "triage_rules", "triage_rules_version",
                             "enhanced_entitlement"])
    _gain_entitlement(case, decision)
    return _raise_route(case, decision, by, why), Route(decision.route)


@transaction.atomic
def record_amendment(
    *, case: Case, submission: IvnaSubmission, by: User, via: str
) -> Amendment | None:
    """An IVNA sent again for a case: None when nothing differs from the latest version
    (a retry: nothing is written), else the new version and what the hub did with it."""
    ivna = Ivna.objects.select_for_update().get(case=case)
    latest = _latest_version(case, ivna)
    new = snapshot(submission)
    differs = [key for key in new if latest.answers.get(key) != new[key]]
    if not differs:
        return None
    person = Person.objects.select_for_update().get(pk=case.person_id)
    case.person = person
    work = _Work(case=case, ivna=ivna, person=person, crime=case.crime)
    for key in differs:
        before, after = latest.answers.get(key), new[key]
        {"crime": _crime, "victim": _victim, "assessment": _assessment}[key.split(".")[0]](
            work, key, before, after
        )
    number = latest.number + 1
    route_before = case.route
    with pghistory.context(user=by.pk, via=f"IVNA amendment (version {number})"):
        if work.ivna_fields:
            ivna.save(update_fields=sorted(work.ivna_fields))
        lower_from_intake(
            person=person, answers=work.safety,
            reason=f"Amended IVNA (version {number}): not safe to write.",
        )
        raised, retriaged = apply_rise_in_risk(
            case=case, ivna=ivna, by=by, why=f"Amended IVNA (version {number})"
        )
        if work.declined:
            _close_declined(case, by, f"Amended IVNA (version {number})")
        if not raised and ROUTE_RANK[retriaged] > ROUTE_RANK[Route(case.route)]:
            work.propose("case.route", case.route, retriaged.value)
            work.note("case.route", route_before, retriaged.value, PROPOSED)
        version = IvnaVersion.objects.create(
            case=case, number=number, answers=new, changes=work.changes,
            route_before=route_before, route_after=case.route, recorded_by=by,
            submitted_via=via,
        )
        for proposal in work.proposals:
            proposal.version = version
        ProposedChange.objects.bulk_create(work.proposals)
        if work.proposals:
            _queue_check(case, version.pk)
    return Amendment(
        version=version,
        applied=[c["key"] for c in work.changes if c["outcome"] == APPLIED],
        proposed=[p.key for p in work.proposals],
        route_raised=raised,
    )


def propose_person_changes(*, case: Case, victim: VictimDetails, version: IvnaVersion) -> int:
    """A new case for a person the hub knows: what the referral says differently of them is
    proposed on the new case, never applied (the safe-contact "no"s were applied already)."""
    person = case.person
    work = _Work(case=case, ivna=Ivna(), person=person, crime=None)
    for name in VICTIM_KEYS:
        key = f"victim.{name}"
        value = getattr(victim, name, None)
        if name == "postcode" and isinstance(value, str):
            value = value.upper()
        if name in ("gender", "ethnicity") and value == "unknown":
            continue
        after, current = _plain(value), _plain(getattr(person, name))
        if after is None or after == current:
            continue
        if key in SAFETY and after is not True:
            continue
        work.propose(key, current, after)
    for proposal in work.proposals:
        proposal.version = version
    ProposedChange.objects.bulk_create(work.proposals)
    if work.proposals:
        _queue_check(case, version.pk)
    return len(work.proposals)


# -- A VCC decides ---------------------------------------------------------------------


def pending_changes(case: Case) -> QuerySet[ProposedChange]:
    return case.proposed_changes.filter(state=ChangeState.PENDING).order_by("created_at", "pk")


def _person_value(name: str, value: Any) -> Any:
    if name == "date_of_birth" and isinstance(value, str):
        return date.fromisoformat(value)
    if value is None:
        return [] if name == "safe_contact_bands" else ""
    return value


def _accept(change: ProposedChange, by: User, reason: str) -> None:
    case, section, name = change.case, *change.key.split(".", 1)
    value: Any = change.proposed
    if change.key in SAFETY and name != "consent_to_contact":
        if value is True:
            change_safe_contact(case=case, by=by, answers={name: True}, reason=reason)
        if section == "assessment":
            Ivna.objects.filter(case=case).update(**{name: value})
        return
    if section == "victim":
        person = Person.objects.select_for_update().get(pk=case.person_id)
        setattr(person, name, _person_value(name, value))
        person.save(update_fields=[name, "updated_at"])
    elif section == "assessment":
        ivna = Ivna.objects.select_for_update().get(case=case)
        blank = "" if name in ("dash_risk", "notes") else None
        setattr(ivna, name, blank if value is None else value)
        ivna.save(update_fields=[name])
    elif section == "crime" and case.crime is not None:
        crime = Crime.objects.select_for_update().get(pk=case.crime.pk)
        setattr(crime, name, date.fromisoformat(value) if name == "offence_date" else value)
        crime.save(update_fields=[name])
    elif change.key == "case.route":
        ivna = Ivna.objects.get(case=case)
        raised, _ = apply_rise_in_risk(case=case, ivna=ivna, by=by, why=ACCEPTED_WHY)
        if not raised:
            raise DomainError(
                "The case cannot move to that route from where it is now: re-open or escalate "
                "it from the case page first.",
            )


@transaction.atomic
def decide_change(
    *, change: ProposedChange, accept: bool, by: User, reason: str = ""
) -> ProposedChange:
    """A VCC accepts a change the police proposed (the hub's record takes it) or rejects it
    (the hub keeps what it had), with a reason; rejecting always needs one, and so does
    accepting a safe-contact answer that lets the hub do more."""
    change = ProposedChange.objects.select_for_update().select_related("case").get(pk=change.pk)
    if change.state != ChangeState.PENDING:
        raise DomainError("This change has already been decided.")
    reason = reason.strip()
    if not reason and (not accept or change.key in SAFETY):
        raise DomainError("Give the reason for your decision.", field="reason")
    with pghistory.context(user=by.pk, via="change from the police", reason=reason):
        if accept:
            _accept(change, by, reason)
            if change.key.startswith(("assessment.", "crime.")):
                ivna = Ivna.objects.get(case=change.case)
                apply_rise_in_risk(case=change.case, ivna=ivna, by=by, why=ACCEPTED_WHY)
        change.state = ChangeState.ACCEPTED if accept else ChangeState.REJECTED
        change.decided_by, change.decided_at, change.reason = by, timezone.now(), reason
        change.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        add_note(
            case=change.case, by=by,
            text=f"Change from the police {'accepted' if accept else 'rejected'}: "
            f"{change.label}: {shown(change.current)} → {shown(change.proposed)}."
            + (f" Reason: {reason}" if reason else ""),
        )
        if not pending_changes(change.case).exists():
            complete_human_items(case=change.case, kinds=[ItemKind.CHECK_POLICE_CHANGES], by=by)
    return change


def shown(value: Any) -> str:
    """A compared value in the case page's words."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value in (None, "", []):
        return "Not given"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    return str(value)
