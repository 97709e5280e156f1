"""Support in the demo year, by the rules of assessments: the DVNA with
its eight areas of need, consent to share, the recovery plan and its actions
(support_services.agree_plan), reviews until closure (record_review), closure with an outcome
per area (close_case) and the survey a fortnight later (record_survey). The reasons, keys and
due times are the support services' own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from accounts.models import User
from assessments.models import (
    SIGNIFICANT_LEVELS,
    ActionKind,
    ActionStatus,
    ActionUpdate,
    Closure,
    ClosureOutcome,
    ClosureReason,
    ConsentToShare,
    Dvna,
    DvnaNeed,
    HelpedToCope,
    Level,
    NeedArea,
    Outcome,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
    Wellbeing,
)
from assessments.support_services import (
    NO_SURVEY_REASONS,
    closure_reason,
    due_at,
    plan_agreed_reason,
    plan_review_key,
    survey_due_at,
    survey_key,
)
from cases.choices import CrimeType, Marker
from cases.workflow import CaseStatus
from contact.next_steps import dvna_key
from demo.year.names import NEED_NOTES
from demo.year.plans import CasePlan
from demo.year.profile import choice
from demo.year.referrals import Referrals
from demo.year.rows import Rows
from demo.year.volunteers import Volunteers
from referrals.models import ReferralStatus
from scheduling.models import ItemKind

S = CaseStatus

EARLY_CLOSURE = 0.03  # accepted, then asked to stop before the DVNA
LEVELS = (Level.NONE, Level.LOW, Level.MEDIUM, Level.HIGH)
OTHER_DETAIL = "Now supported by the IDVA service."


def step_down(level: str) -> str:
    return LEVELS[max(LEVELS.index(level) - 1, 0)]


class Support(Referrals, Volunteers):
    """The DVNA, the plan, reviews, closure and the survey (a mixin of
    demo.year.engine.Generator)."""

    def support(self, rows: Rows, cp: CasePlan, accepted_at: datetime, vcc: User) -> None:
        """From acceptance to closure, or as far as the "as of" moment reaches."""
        rng = self.rng
        if rng.random() < EARLY_CLOSURE:
            when = self.later(accepted_at, 3, 10)
            if when < self.as_of:
                self.close_support(rows, cp, when, vcc, ClosureReason.VICTIM_ASKED_TO_STOP, {})
                return
        if rng.random() < 0.35:
            dvna_at = accepted_at + timedelta(minutes=rng.randint(5, 30))
        else:
            dvna_at = self.office_moment(self.working_days_after(
                self.local(accepted_at).date(), rng.randint(1, 8)))
        if dvna_at >= self.as_of and accepted_at < self.backlog_from:
            # Accepted before the last working day: the DVNA was done the next working day
            # (demo.year.clock.backlog_from).
            dvna_at = self.office_moment(self.working_days_after(
                self.local(accepted_at).date(), 1))
        if dvna_at >= self.as_of:
            # Accepted, the DVNA and plan still to do: due on "My work" since the victim
            # accepted (contact.next_steps.expect_dvna).
            self.due(rows, cp, ItemKind.DVNA, accepted_at,
                     dvna_key(cp.case.pk, cp.n_transitions), created_at=accepted_at)
            return
        levels = self._levels(cp)
        dvna = self._dvna(rows, cp, dvna_at, vcc, levels)
        services = self.services_for(cp, levels)
        consents = {}
        for service, _ in services:
            consents[service.pk] = rows.add(ConsentToShare(
                case=cp.case, service=service, given=True, share_contact_details=True,
                share_crime_details=rng.random() < 0.5, share_needs=True,
                recorded_at=dvna_at, recorded_by=vcc, dvna=dvna,
            ))
        plan, actions = self._agree_plan(rows, cp, dvna_at, vcc, levels, services)
        referrals = self.send_referrals(rows, cp, actions, consents, plan.agreed_at, vcc)
        allocation = None
        if self.volunteers and any(a.kind == ActionKind.VOLUNTEER_SUPPORT for a, _ in actions):
            allocation = self.allocate_volunteer(rows, cp.case, cp.owner.person.district,
                                                 plan.agreed_at, vcc)
        self._reviews(rows, cp, plan, actions, referrals, allocation, dvna, levels, vcc)

    # -- the DVNA ---------------------------------------------------------------------------

    def _levels(self, cp: CasePlan) -> dict[str, str]:
        rng = self.rng
        m, crime_type, age = cp.markers, cp.crime_type, cp.owner.age
        boost = dict.fromkeys(NeedArea.values, 0)
        boost[NeedArea.OUTLOOK] = 1
        if crime_type in (CrimeType.VIOLENCE_AGAINST_THE_PERSON, CrimeType.SEXUAL_OFFENCES) or (
            Marker.DOMESTIC_ABUSE in m
        ):
            boost[NeedArea.HEALTH] = 2
        if Marker.DOMESTIC_ABUSE in m:
            boost[NeedArea.ACCOMMODATION] = 2
            boost[NeedArea.FAMILY] = 2
        if crime_type == CrimeType.BURGLARY:
            boost[NeedArea.ACCOMMODATION] = 1
        if crime_type in (CrimeType.FRAUD, CrimeType.THEFT_AND_HANDLING, CrimeType.BURGLARY,
                          CrimeType.ROBBERY):
            boost[NeedArea.FINANCE] = 2
        if m & {Marker.CHILD_ABUSE, Marker.CHILD_SEXUAL_EXPLOITATION}:
            boost[NeedArea.FAMILY] = 2
        if age is not None and 16 <= age <= 24:
            boost[NeedArea.EDUCATION_EMPLOYMENT] = 1
        if (age is not None and age >= 70) or Marker.HATE_CRIME in m:
            boost[NeedArea.SOCIAL] = 2
        tables = ((60, 22, 13, 5), (30, 30, 28, 12), (10, 25, 40, 25))
        levels = {}
        for area in NeedArea.values:
            levels[area] = rng.choices(LEVELS, weights=tables[boost[area]])[0]
        if not any(v in SIGNIFICANT_LEVELS for v in levels.values()):
            levels[rng.choice((NeedArea.HEALTH, NeedArea.OUTLOOK))] = Level.MEDIUM
        return levels

    def _dvna(self, rows: Rows, cp: CasePlan, at: datetime, vcc: User,
              levels: dict[str, str]) -> Dvna:
        rng = self.rng
        person = cp.owner.person
        risk_from_offender = {"standard": Level.LOW, "medium": Level.MEDIUM,
                              "high": Level.HIGH}.get(cp.answers.get("dash_risk", ""), None)
        if risk_from_offender is None:
            risk_from_offender = choice(
                rng, ((Level.NONE, 60), (Level.LOW, 30), (Level.MEDIUM, 10)))
        dvna = rows.add(Dvna(
            case=cp.case, number=1, assessed_at=at, assessed_by=vcc,
            risk_from_offender=risk_from_offender,
            risk_of_self_harm=choice(rng, ((Level.NONE, 80), (Level.LOW, 12), (Level.MEDIUM, 6),
                                           (Level.HIGH, 2))),
            risk_of_harming_others=choice(rng, ((Level.NONE, 95), (Level.LOW, 5))),
            risk_of_wellbeing_deteriorating=choice(rng, ((Level.LOW, 45), (Level.MEDIUM, 40),
                                                         (Level.HIGH, 15))),
            first_language=person.first_language,
            interpreter_needed=person.interpreter_needed,
            communication_needs="Interpreter for calls." if person.interpreter_needed else "",
            summary="Structured conversation over the phone; plan agreed.",
        ))
        self._needs(rows, dvna, levels)
        return dvna

    def _needs(self, rows: Rows, dvna: Dvna, levels: dict[str, str]) -> None:
        for area in NeedArea.values:
            level = levels[area]
            rows.add(DvnaNeed(dvna=dvna, area=area, level=level,
                              notes=NEED_NOTES[area] if level in SIGNIFICANT_LEVELS else ""))

    def _reassess(self, rows: Rows, cp: CasePlan, dvna: Dvna, at: datetime, vcc: User,
                  levels: dict[str, str]) -> dict[str, str]:
        """A second DVNA after a review asked for one: needs a step lower."""
        person = cp.owner.person
        levels = {a: step_down(v) for a, v in levels.items()}
        second = rows.add(Dvna(
            case=cp.case, number=2, assessed_at=at, assessed_by=vcc,
            risk_from_offender=dvna.risk_from_offender,
            risk_of_self_harm=dvna.risk_of_self_harm,
            risk_of_harming_others=dvna.risk_of_harming_others,
            risk_of_wellbeing_deteriorating=step_down(dvna.risk_of_wellbeing_deteriorating),
            first_language=person.first_language,
            interpreter_needed=person.interpreter_needed,
            summary="Reassessment after the review.",
        ))
        self._needs(rows, second, levels)
        return levels

    # -- the recovery plan --------------------------------------------------------------------

    def _agree_plan(self, rows: Rows, cp: CasePlan, dvna_at: datetime, vcc: User,
                    levels: dict[str, str], services: list) -> tuple[RecoveryPlan, list]:
        """The plan, agreed in the same sitting as the DVNA (support_services.agree_plan):
        accepted -> in support, the first review due on its date."""
        rng = self.rng
        plan_at = dvna_at + timedelta(minutes=rng.randint(10, 40))
        first_review = self.working_day_on_or_after(
            self.local(plan_at).date() + timedelta(days=rng.randint(14, 28)))
        plan = rows.add(RecoveryPlan(case=cp.case, agreed_at=plan_at, agreed_by=vcc,
                                     next_review_on=first_review, version=1))
        actions = self._plan_actions(rows, cp, plan, vcc, levels, services)
        self.move(rows, cp, S.IN_SUPPORT, plan_at, vcc,
                  plan_agreed_reason(actions=len(actions), first_review=first_review))
        if not cp.case.allocated_to:
            cp.case.allocated_to = vcc
        return plan, actions

    def _plan_actions(self, rows: Rows, cp: CasePlan, plan: RecoveryPlan, vcc: User,
                      levels: dict[str, str], services: list) -> list:
        rng = self.rng
        actions: list[tuple[PlanAction, object]] = []

        def action(kind, areas, description, service=None):
            actions.append((rows.add(PlanAction(
                plan=plan, kind=kind, need_areas=list(dict.fromkeys(areas)) or [NeedArea.OUTLOOK],
                description=description, owner=vcc, service=service,
                review_on=plan.next_review_on, status=ActionStatus.PLANNED,
                created_at=plan.agreed_at,
            )), service))

        if rng.random() < 0.75 or not services:
            significant = [a for a, v in levels.items() if v in SIGNIFICANT_LEVELS]
            action(ActionKind.PHONE_SUPPORT, significant[:3],
                   "Weekly call from the Victim Care Co-ordinator.")
        for service, areas in services:
            action(ActionKind.SPECIALIST_REFERRAL, areas, f"Referral to {service.name}.", service)
        wants_volunteer = levels[NeedArea.SOCIAL] in SIGNIFICANT_LEVELS or (
            cp.owner.age is not None and cp.owner.age >= 70)
        if rng.random() < (0.5 if wants_volunteer else 0.12):
            action(ActionKind.VOLUNTEER_SUPPORT, [NeedArea.SOCIAL, NeedArea.OUTLOOK],
                   "Face-to-face visits from a Community Support Volunteer.")
        rj = self.service("restorative_justice")
        if rj and rng.random() < 0.08 and not (cp.markers & {Marker.DOMESTIC_ABUSE}) \
                and cp.crime_type != CrimeType.SEXUAL_OFFENCES:
            action(ActionKind.RESTORATIVE_JUSTICE, [NeedArea.OUTLOOK],
                   "Information about Restorative Justice.", rj)
        signpost = self.service("hate_crime")
        if signpost and rng.random() < 0.15:
            action(ActionKind.COMMUNITY_SIGNPOSTING, [NeedArea.SOCIAL],
                   "Signposted to Victim Support's Supportline.", signpost)
        return actions

    # -- reviews ----------------------------------------------------------------------------

    def _reviews(self, rows: Rows, cp: CasePlan, plan: RecoveryPlan, actions: list,
                 referrals: list, allocation, dvna: Dvna, levels: dict[str, str],
                 vcc: User) -> None:
        """Reviews at agreed dates (support_services.record_review) until closure; the next
        one left due on "My work" when the "as of" moment comes first. A last review whose
        closure falls after the "as of" moment agreed a check on the day support is to end
        (a case in support always has its next review due: contact.invariant)."""
        rng = self.rng
        n_reviews = choice(rng, ((1, 25), (2, 35), (3, 25), (4, 10), (5, 5)))
        next_on: date = plan.next_review_on
        last_at, last_review, reassessed = plan.agreed_at, None, False
        closed_at = None
        for number in range(1, n_reviews + 2):
            review_at = self.at(self.working_day_on_or_after(next_on),
                                rng.randint(9 * 60 + 15, 16 * 60 + 45))
            if review_at >= self.as_of or number > n_reviews:
                plan.next_review_on = next_on
                key = plan_review_key(cp.case.pk, plan_version=1) if last_review is None \
                    else plan_review_key(cp.case.pk, review_pk=last_review.pk)
                self.due(rows, cp, ItemKind.PLAN_REVIEW, due_at(next_on), key,
                         created_at=last_at)
                self.visits(rows, allocation, self.as_of)
                return
            final = number == n_reviews
            following = None
            if final:
                closed_at = self.later(review_at, 0, 5)
                if closed_at >= self.as_of:
                    final, following = False, self.local(closed_at).date()
            else:
                following = self.working_day_on_or_after(
                    self.local(review_at).date() + timedelta(days=rng.randint(21, 35)))
            reassess = not final and number <= 2 and rng.random() < 0.12 and not reassessed
            last_review = self._review(rows, cp, plan, actions, referrals, review_at, vcc,
                                       following, reassess, final, number == 1)
            if reassess:
                again = self.later(review_at, 1, 7)
                if again < self.as_of:
                    reassessed = True
                    levels = self._reassess(rows, cp, dvna, again, vcc, levels)
            last_at = review_at
            if final:
                break
            next_on = following
        self._end_of_support(rows, cp, plan, referrals, allocation, levels, closed_at, vcc)

    def _review(self, rows: Rows, cp: CasePlan, plan: RecoveryPlan, actions: list,
                referrals: list, review_at: datetime, vcc: User, following: date | None,
                reassess: bool, final: bool, first: bool) -> Review:
        rng = self.rng
        review = rows.add(Review(
            case=cp.case, reviewed_at=review_at, by=vcc,
            wellbeing=choice(rng, ((Wellbeing.BETTER, 55), (Wellbeing.SAME, 35),
                                   (Wellbeing.WORSE, 10))),
            notes="Checked on the victim and went through the plan.",
            next_review_on=following, reassessment_needed=reassess,
        ))
        plan.version += 1
        for act, _service in actions:
            if first and act.status == ActionStatus.PLANNED:
                self._action_status(rows, act, ActionStatus.IN_PROGRESS, review, vcc)
            if final:
                referral = next((r for r in referrals if r.action is act), None)
                done = rng.random() < 0.9
                if referral is not None:
                    done = referral.status == ReferralStatus.ACCEPTED
                self._action_status(
                    rows, act, ActionStatus.DONE if done else ActionStatus.CANCELLED, review, vcc)
        return review

    def _action_status(self, rows: Rows, act: PlanAction, to: str, review: Review,
                       by: User) -> None:
        if act.status == to:
            return
        rows.add(ActionUpdate(action=act, review=review, from_status=act.status, to_status=to,
                              by=by, at=review.reviewed_at))
        act.status = to

    # -- closure and the survey ----------------------------------------------------------------

    def _end_of_support(self, rows: Rows, cp: CasePlan, plan: RecoveryPlan, referrals: list,
                        allocation, levels: dict[str, str], closed_at: datetime,
                        vcc: User) -> None:
        rng = self.rng
        plan.next_review_on = None
        for referral in referrals:
            if referral.status == ReferralStatus.ACCEPTED:
                referral.status = ReferralStatus.COMPLETED
                referral.completed_at = closed_at
                referral.completed_by = vcc
        reason = choice(rng, ((ClosureReason.SUPPORT_COMPLETE, 78),
                              (ClosureReason.VICTIM_ASKED_TO_STOP, 7),
                              (ClosureReason.NO_LONGER_CONTACTABLE, 8),
                              (ClosureReason.MOVED_AWAY, 4), (ClosureReason.OTHER, 3)))
        closure = self.close_support(rows, cp, closed_at, vcc, reason, levels)
        self.end_allocation(allocation, closed_at, vcc)
        self.visits(rows, allocation, closed_at)
        self._survey(rows, cp, closure, vcc)

    def close_support(self, rows: Rows, cp: CasePlan, at: datetime, vcc: User, reason: str,
                      levels: dict[str, str]) -> Closure:
        """support_services.close_case: why, an outcome for every area the latest DVNA found
        a need in, and accepted / in support -> closed."""
        detail = OTHER_DETAIL if reason == ClosureReason.OTHER else ""
        closure = rows.add(Closure(case=cp.case, closed_at=at, by=vcc, reason=reason,
                                   reason_detail=detail))
        for area in NeedArea.values:
            if levels.get(area, Level.NONE) != Level.NONE:
                rows.add(ClosureOutcome(closure=closure, area=area, outcome=choice(self.rng, (
                    (Outcome.BETTER, 65), (Outcome.SAME, 25), (Outcome.WORSE, 5),
                    (Outcome.NOT_KNOWN, 5)))))
        self.move(rows, cp, S.CLOSED, at, vcc, closure_reason(reason=reason, detail=detail))
        return closure

    def _survey(self, rows: Rows, cp: CasePlan, closure: Closure, vcc: User) -> None:
        """The survey a fortnight after closure (none for a victim who asked to stop or
        cannot be reached); some answer it, some decline."""
        rng = self.rng
        if closure.reason in NO_SURVEY_REASONS:
            return
        survey_due = survey_due_at(self.local(closure.closed_at).date())
        if survey_due >= self.as_of:
            self.due(rows, cp, ItemKind.SURVEY, survey_due, survey_key(cp.case.pk, closure.pk),
                     created_at=closure.closed_at)
            return
        answered_at = self.later(survey_due, 0, 10)
        if rng.random() < 0.4 and answered_at < self.as_of:
            declined = rng.random() < 0.2
            rows.add(SurveyResponse(
                case=cp.case, answered_at=answered_at, recorded_by=vcc, declined=declined,
                treated_with_respect=None if declined else choice(
                    rng, ((5, 60), (4, 28), (3, 8), (2, 3), (1, 1))),
                helped_to_cope="" if declined else choice(
                    rng, ((HelpedToCope.YES, 62), (HelpedToCope.PARTLY, 30), (HelpedToCope.NO, 8))),
                would_recommend=None if declined else rng.random() < 0.9,
                comments="",
            ))
