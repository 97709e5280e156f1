"""How the demo year's cases come in: crimes with Table 2's types and Table 3's markers, the
officer's IVNA answers, triage by the real rule table (intake.triage), and the two rows
every case's timeline starts with, worded as the intake services word them (police IVNA:
intake.services.record_ivna; self-referral: intake.selfreferral.record_self_referral).

The officer's judgement is drawn so that about 22% of referrals are routed for hub contact;
with high risk (about 7%) that makes about 29% of referrals (31% of victims, about 9,100 in
2015) assessed vulnerable, and with the contact outcomes of demo.year.contact about 44% of
those are supported (2015: "over 4,000 victims ... 44% of the total number of victims that
had been assessed as 'vulnerable'"; flow-2026.3, docs/flow.md).
"""

from __future__ import annotations

from bisect import bisect
from collections import Counter
from datetime import datetime, timedelta
from itertools import accumulate

from cases.choices import CaseSource, CrimeType, Marker, Route
from cases.deadlines import contact_due_at
from cases.models import Case, Crime
from cases.selectors import REPEAT_WINDOW_DAYS
from cases.workflow import CaseStatus
from contact.models import LetterKind
from core.references import new_reference
from core.working_days import end_of_working_day
from demo.year.history import Timeline
from demo.year.names import (
    CRIME_REF_PREFIX,
    FEMALE_NAMES,
    IVNA_NOTES,
    MALE_NAMES,
    SELF_REFERRAL_ACCOUNTS,
)
from demo.year.plans import CasePlan, PersonPlan
from demo.year.profile import (
    CRIME_TYPE_WEIGHTS,
    GENDERS,
    MARKER_CRIME_TYPES,
    RARE_MARKERS,
    Skeleton,
    choice,
    dict_choice,
)
from demo.year.rows import Rows
from intake.matching import high_risk_window_start
from intake.models import AskedBy, Ivna, SelfReferral, SubmittedVia
from intake.selfreferral import RECEIVED as SELF_REFERRAL_RECEIVED
from intake.selfreferral import ROUTED as SELF_REFERRAL_ROUTED
from intake.services import (
    DECLINED_AT_IVNA,
    AssessmentAnswers,
    declined_contact_at_ivna,
    ivna_opened_reason,
    ivna_received,
    status_after_ivna,
)
from intake.triage import SERIOUS_CRIME_MARKERS, SERIOUS_CRIME_TYPES, IvnaAnswers, triage

S = CaseStatus

# Routed for hub contact, as a share of referrals: with high risk, the 9,100 of 29,218
# victims assessed vulnerable in 2015 (flow-2026.3's assessed_vulnerable).
VULNERABLE_SHARE = 0.22
# Already supported by another service, of those routed for hub contact.
SUPPORTED_ELSEWHERE = {"serious": 0.10, "other": 0.03}
# Of the victims of sexual offences, those of rape or assault by penetration: the officer marks
# them serious and triage routes them to Public Protection (rule P1). Rape is about a third
# of recorded sexual offences in England and Wales (ONS, year ending March 2016).
SERIOUS_SEXUAL_SHARE = 0.35
NOTE_MARKERS = (Marker.DOMESTIC_ABUSE, Marker.SAFEGUARDING_VULNERABLE_ADULTS, Marker.HATE_CRIME)


def triage_serious(cp: CasePlan) -> bool:
    """Serious crime by type or marker (enhanced entitlement whatever the officer ticks)."""
    return cp.crime_type in SERIOUS_CRIME_TYPES or bool(cp.markers & SERIOUS_CRIME_MARKERS)


class Intake(Timeline):
    """Crimes, IVNAs, triage and self-referrals (a mixin of demo.year.engine.Generator)."""

    crime_no: int

    # -- planning a chunk of people's cases ---------------------------------------------

    def plan_chunk(self, skels: list[Skeleton]) -> list[PersonPlan]:
        people, cases = self._plan_cases(skels)
        police = [cp for cp in cases if cp.case.source == CaseSource.POLICE_IVNA]
        residual = self._residual_types(police)
        for cp in police:
            if cp.crime_type is None:
                types, cum = residual[cp.owner.skel.gender]
                cp.crime_type = types[bisect(cum, self.rng.random() * cum[-1])]
            self._build_crime(cp)
        self._judge(people, self_referred=len(cases) - len(police), cases=len(cases))
        for cp in police:
            cp.decision = self._triage(cp, cp.answers)
        return people

    def _plan_cases(self, skels: list[Skeleton]) -> tuple[list[PersonPlan], list[CasePlan]]:
        """Each person with their referral moments (a repeat victim twice, days apart)."""
        people: list[PersonPlan] = []
        cases: list[CasePlan] = []
        for skel in skels:
            moments = [self.referral_moment()]
            if skel.repeat:
                for _ in range(10):
                    second = self.referral_moment()
                    if abs((second - moments[0]).days) >= 3:
                        moments.append(second)
                        break
                moments.sort()
            pp = self.build_person(skel, moments[0])
            people.append(pp)
            for index, moment in enumerate(moments):
                case = Case(
                    reference=self.case_reference(),
                    person=pp.person,
                    source=CaseSource.SELF_REFERRAL if skel.self_referrer
                    else CaseSource.POLICE_IVNA,
                    referred_at=moment, created_at=moment, updated_at=moment,
                )
                if skel.self_referrer:
                    cp = CasePlan(owner=pp, case=case, crime=None, markers=set(), crime_type=None)
                else:
                    markers = self._case_markers(pp, index)
                    cp = CasePlan(owner=pp, case=case, crime=None, markers=markers,
                                  crime_type=self._marker_crime_type(markers))
                pp.cases.append(cp)
                cases.append(cp)
        return people, cases

    def _judge(self, people: list[PersonPlan], *, self_referred: int, cases: int) -> None:
        """The answers that follow from the crime and the route they give on their own; then
        the officer's judgement, drawn so VULNERABLE_SHARE of referrals come to the hub."""
        auto_vulnerable = 0
        candidates = []
        for pp in people:
            last_high: datetime | None = None
            for cp in pp.cases:
                if cp.crime is None:
                    continue
                cp.serious = bool(triage_serious(cp))
                # As record_ivna asks it: a high-risk referral of the same person in the
                # twelve months before the offence.
                cp.earlier_high_risk = last_high is not None and self.local(
                    last_high).date() >= high_risk_window_start(cp.crime.offence_date)
                cp.answers = self._forced_answers(cp)
                self._officer_ticks(cp, cp.answers, extra=False)
                route = self._triage(cp, cp.answers).route
                if route == Route.HIGH_RISK:
                    last_high = cp.case.referred_at
                elif route == Route.HUB_CONTACT:
                    auto_vulnerable += 1
                else:
                    candidates.append(cp)
        wanted = VULNERABLE_SHARE * cases - auto_vulnerable - self_referred
        p_extra = min(max(wanted / len(candidates), 0.0), 1.0) if candidates else 0.0
        for cp in candidates:
            if self.rng.random() < p_extra:
                self._officer_ticks(cp, cp.answers, extra=True)

    # -- crimes ---------------------------------------------------------------------------

    def _case_markers(self, pp: PersonPlan, index: int) -> set[str]:
        rng = self.rng
        if index == 0:
            markers = set(pp.skel.markers)
        else:
            markers = {
                # Sorted: a set's order changes with the process's hash seed.
                m for m in sorted(pp.skel.markers)
                if rng.random() < (0.8 if m == Marker.DOMESTIC_ABUSE else 0.3)
            }
        for marker, p, _ in RARE_MARKERS:
            if rng.random() < p:
                markers.add(marker)
        return markers

    def _marker_crime_type(self, markers: set[str]) -> str | None:
        for marker, types in MARKER_CRIME_TYPES:
            if marker in markers:
                return dict_choice(self.rng, types)
        for marker, _, crime_type in RARE_MARKERS:
            if marker in markers:
                return crime_type
        return None

    def _residual_types(self, cases: list[CasePlan]) -> dict[str, tuple[list, list]]:
        """Per gender, weights for the cases no marker decides, so that all cases together
        follow Table 2's crime types by gender."""
        by_gender = Counter(cp.owner.skel.gender for cp in cases)
        decided = Counter((cp.owner.skel.gender, cp.crime_type) for cp in cases if cp.crime_type)
        residual = {}
        for g_index, gender in enumerate(GENDERS):
            column = {t: w[g_index] for t, w in CRIME_TYPE_WEIGHTS.items()}
            total = sum(column.values())
            weights = {
                t: max(by_gender[gender] * w / total - decided[(gender, t)], 0.0) + 0.01
                for t, w in column.items()
            }
            residual[gender] = (list(weights), list(accumulate(weights.values())))
        return residual

    def _build_crime(self, cp: CasePlan) -> None:
        rng = self.rng
        referred = cp.case.referred_at
        lag = choice(rng, ((0, 55), (1, 25), (2, 6), (3, 4), (5, 3), (7, 3), (14, 2), (30, 2)))
        days_before = rng.randint(0, lag) if lag > 1 else lag
        offence = self.local(referred).date() - timedelta(days=days_before)
        reported = referred - timedelta(minutes=rng.randint(5, 90))
        if self.local(reported).date() < offence:
            reported = referred
        if cp.crime_type == CrimeType.SEXUAL_OFFENCES and rng.random() < SERIOUS_SEXUAL_SHARE:
            cp.markers.add(Marker.SERIOUS_SEXUAL_OFFENCE)
        self.crime_no += 1
        cp.crime = Crime(
            reference=f"{CRIME_REF_PREFIX}{self.crime_no:07d}/{self.local(referred):%y}",
            crime_type=cp.crime_type,
            offence_date=offence,
            reported_at=reported,
            markers=sorted(cp.markers),
            created_at=referred,
        )
        cp.case.crime = cp.crime
        dob = cp.owner.person.date_of_birth
        if dob is not None and dob >= offence:
            cp.owner.person.date_of_birth = offence - timedelta(days=rng.randint(30, 360))

    # -- the IVNA -------------------------------------------------------------------------

    def _forced_answers(self, cp: CasePlan) -> dict:
        """What the officer records that follows from the crime: DASH, MASH referral, safe
        to write. The judgement (needs support, priority categories) comes later."""
        rng = self.rng
        m = cp.markers
        answers = {"priority_categories": set(), "dash_risk": "", "dash_yes_count": None,
                   "mash_referral": False, "needs_support": False, "safe_to_write": True,
                   "supported_elsewhere": False,
                   # About one victim in fifty does not want the hub to contact them.
                   "consent_to_contact": rng.random() < 0.98}
        if m & {Marker.DOMESTIC_ABUSE, Marker.STALKING_HARASSMENT}:
            risk = choice(rng, (("standard", 45), ("medium", 43), ("high", 12)))
            answers["dash_risk"] = risk
            if rng.random() < 0.7:
                lo, hi = {"standard": (0, 6), "medium": (7, 13), "high": (14, 20)}[risk]
                answers["dash_yes_count"] = rng.randint(lo, hi)
            if Marker.DOMESTIC_ABUSE in m and rng.random() < 0.35:
                answers["safe_to_write"] = False
        mash = 0.002
        if Marker.CHILD_SEXUAL_EXPLOITATION in m:
            mash = 0.7
        elif Marker.CHILD_ABUSE in m:
            mash = 0.45
        elif Marker.HUMAN_TRAFFICKING in m:
            mash = 0.5
        elif Marker.SAFEGUARDING_VULNERABLE_ADULTS in m:
            mash = 0.2
        elif answers["dash_risk"] == "high":
            mash = 0.5
        answers["mash_referral"] = rng.random() < mash
        if Marker.CHILD_ABUSE in m and rng.random() < 0.1:
            answers["safe_to_write"] = False
        elif rng.random() < 0.004:
            answers["safe_to_write"] = False
        return answers

    def _triage(self, cp: CasePlan, answers: dict):
        """The route by the real rule table (intake.triage.triage), as record_ivna
        asks it."""
        return triage(
            IvnaAnswers(
                crime_type=cp.crime_type,
                offence_date=cp.crime.offence_date,
                markers=frozenset(cp.markers),
                date_of_birth=cp.owner.person.date_of_birth,
                priority_categories=frozenset(answers["priority_categories"]),
                dash_risk=answers["dash_risk"] or None,
                dash_yes_count=answers["dash_yes_count"],
                mash_referral=answers["mash_referral"],
                needs_support=answers["needs_support"],
                earlier_high_risk_referral=cp.earlier_high_risk,
            )
        )

    def _officer_ticks(self, cp: CasePlan, answers: dict, *, extra: bool) -> None:
        """The officer's professional judgement: priority categories and needs support."""
        rng = self.rng
        m = cp.markers
        ticks = answers["priority_categories"]
        if extra:
            if rng.random() < 0.4:
                ticks.add(choice(rng, (("vulnerable", 50), ("intimidated", 30),
                                       ("persistently_targeted", 20))))
                answers["needs_support"] = rng.random() < 0.8
            else:
                answers["needs_support"] = True
            return
        if cp.serious:
            if rng.random() < 0.7:
                ticks.add("serious_crime")
            if Marker.DOMESTIC_ABUSE in m and rng.random() < 0.3:
                ticks.add("intimidated")
            answers["needs_support"] = rng.random() < 0.75
        if cp.owner.age is not None and cp.owner.age < 18 and rng.random() < 0.6:
            ticks.add("vulnerable")
        if Marker.SAFEGUARDING_VULNERABLE_ADULTS in m and rng.random() < 0.8:
            ticks.add("vulnerable")
        if Marker.STALKING_HARASSMENT in m and rng.random() < 0.7:
            ticks.add("persistently_targeted")
        if Marker.HOMICIDE_BEREAVED in m:
            ticks.add("bereaved")

    # -- histories: how each case came in ------------------------------------------------

    def simulate(self, rows: Rows, pp: PersonPlan) -> None:
        """Every case of a person, in referral order: its intake, then what followed."""
        last_referred: datetime | None = None
        for cp in pp.cases:
            case = cp.case
            t = case.referred_at
            # cases.services.flag_repeat_victim: any earlier case of the person referred in
            # the twelve months before this one, whatever its status.
            if last_referred is not None and t - last_referred <= timedelta(
                days=REPEAT_WINDOW_DAYS
            ):
                case.repeat_victim = True
            if cp.crime is None:
                self._self_referral(rows, cp)
            else:
                self._police_referral(rows, cp)
            last_referred = t
        pp.person.safe_to_write = pp.safe_to_write
        pp.person.updated_at = max(cp.case.updated_at for cp in pp.cases)

    def _police_referral(self, rows: Rows, cp: CasePlan) -> None:
        """A police IVNA as intake.services.record_ivna stores it, then start_contact."""
        rng = self.rng
        case, a, d, pp = cp.case, cp.answers, cp.decision, cp.owner
        t = case.referred_at
        pp.safe_to_write = pp.safe_to_write and a["safe_to_write"]
        cp.safe_to_write = pp.safe_to_write
        supported_elsewhere = d.route == Route.HUB_CONTACT and rng.random() < (
            SUPPORTED_ELSEWHERE["serious"] if d.enhanced_entitlement
            else SUPPORTED_ELSEWHERE["other"]
        )
        a["supported_elsewhere"] = supported_elsewhere
        case.route = d.route
        case.enhanced_entitlement = d.enhanced_entitlement
        case.supported_elsewhere = supported_elsewhere
        given = AssessmentAnswers(
            needs_support=a["needs_support"], supported_elsewhere=supported_elsewhere,
            safe_to_write=a["safe_to_write"], consent_to_contact=a["consent_to_contact"],
        )
        declined = case.declined_contact_at_ivna = declined_contact_at_ivna(given)
        days = d.contact_within_working_days
        case.contact_due_at = end_of_working_day(t, days) if days and not declined else None
        officer = rng.choice(self.staff.officers)
        via = SubmittedVia.API if rng.random() < 0.85 else SubmittedVia.WEB
        notes_key = next((m for m in NOTE_MARKERS if m in cp.markers), None)
        rows.add(Ivna(
            case=case, priority_categories=sorted(a["priority_categories"]),
            dash_risk=a["dash_risk"], dash_yes_count=a["dash_yes_count"],
            needs_support=a["needs_support"], supported_elsewhere=supported_elsewhere,
            mash_referral=a["mash_referral"], safe_to_write=a["safe_to_write"],
            consent_to_contact=a["consent_to_contact"], notes=rng.choice(IVNA_NOTES[notes_key]),
            route=d.route, enhanced_entitlement=d.enhanced_entitlement,
            triage_rules=list(d.matched_rules), triage_rules_version=d.rules_version,
            earlier_high_risk_referral=cp.earlier_high_risk, recorded_by=officer,
            submitted_via=via, recorded_at=t,
        ))
        self.move(rows, cp, S.RECEIVED, t, officer, ivna_received(via))
        to = status_after_ivna(decision=d, answers=given)
        self.move(rows, cp, to, t + timedelta(seconds=1), officer,
                  ivna_opened_reason(to=to, decision=d))
        if declined:
            # Not phoned or written to: closed at once, or left with the MASH (high risk),
            # which closes by itself as every high-risk case does (contact.closures).
            case.no_letter_reason = DECLINED_AT_IVNA
            if cp.status == S.HIGH_RISK:
                self.close_by_itself(rows, cp, t + timedelta(seconds=1))
            return
        self.letter(rows, cp, LetterKind.INTRODUCTORY, t + timedelta(seconds=2))
        self.after_triage(rows, cp)

    def case_reference(self) -> str:
        """A random case reference as open_case gives (core.references.new_reference), drawn
        from a seeded generator so a demo year is repeatable; never one a case has already
        (taken_references: an appended year writes beside the cases there)."""
        taken = self.taken_references
        while (reference := new_reference(choose=self.reference_rng.choice)) in taken:
            pass
        taken.add(reference)
        return reference

    def _self_referral(self, rows: Rows, cp: CasePlan) -> None:
        """A self-referral as intake.selfreferral.record_self_referral stores it."""
        rng = self.rng
        case, pp = cp.case, cp.owner
        t = case.referred_at
        under_18 = pp.age is not None and pp.age < 18
        cp.safe_to_write = pp.safe_to_write = rng.random() < 0.9
        if rng.random() < 0.25:
            pp.person.safe_contact_bands = sorted(
                rng.sample(["morning", "afternoon", "evening"], 2))
        case.route = Route.HUB_CONTACT
        case.enhanced_entitlement = under_18
        case.contact_due_at = contact_due_at(
            route=Route.HUB_CONTACT, enhanced=under_18, received_at=t
        )
        asked_by = choice(rng, ((AskedBy.VICTIM, 80), (AskedBy.FAMILY, 15), (AskedBy.CARER, 5)))
        asker_name = relationship = ""
        if asked_by != AskedBy.VICTIM:
            asker_name = f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {pp.person.last_name}"
            relationship = rng.choice(("Mother", "Father", "Daughter", "Son", "Partner")) \
                if asked_by == AskedBy.FAMILY else "Carer"
        rows.add(SelfReferral(
            case=case, asked_by=asked_by, asker_name=asker_name,
            asker_relationship=relationship, under_18=under_18,
            reported_to_police=choice(rng, (("no", 50), ("not_sure", 20), ("yes", 30))),
            account=rng.choice(SELF_REFERRAL_ACCOUNTS), submitted_at=t,
            public_reference=case.reference,
        ))
        self.move(rows, cp, S.RECEIVED, t, None, SELF_REFERRAL_RECEIVED)
        self.move(rows, cp, S.AWAITING_CONTACT, t + timedelta(seconds=1), None,
                  SELF_REFERRAL_ROUTED)
        self.letter(rows, cp, LetterKind.INTRODUCTORY, t + timedelta(seconds=2))
        case.allocated_to = self.vcc()
        self.contact(rows, cp, t, accept=0.8)
