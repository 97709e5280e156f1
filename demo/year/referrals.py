"""Referrals on to the directory's services in the demo year: which services a victim's needs
call for, and each referral as referrals.services sends, chases and records it (the chase
times and keys are the referral services' own)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from assessments.models import ActionKind, Level, NeedArea, PlanAction
from cases.choices import CrimeType, Ethnicity, Marker
from demo.year.history import Timeline
from demo.year.plans import CasePlan
from demo.year.rows import Rows
from directory.models import SupportService
from referrals.models import Referral, ReferralStatus
from referrals.services import chase_key, referral_chase_due
from scheduling.models import ItemKind

REFERRAL_ACCEPTED = 0.82


class Referrals(Timeline):
    """Services for a victim's needs and the referrals to them (a mixin of
    demo.year.engine.Generator)."""

    services: list[SupportService]

    def _wanted_specialisms(self, cp: CasePlan, levels: dict[str, str]) -> list:
        m, crime_type, age = cp.markers, cp.crime_type, cp.owner.age
        wanted: list[tuple[str, list[str]]] = []
        if Marker.DOMESTIC_ABUSE in m:
            wanted.append(("domestic_abuse", [NeedArea.FAMILY, NeedArea.ACCOMMODATION]))
        if crime_type == CrimeType.SEXUAL_OFFENCES or Marker.CHILD_SEXUAL_EXPLOITATION in m:
            wanted.append(("sexual_violence", [NeedArea.HEALTH, NeedArea.OUTLOOK]))
        if levels[NeedArea.HEALTH] == Level.HIGH:
            wanted.append(("mental_health", [NeedArea.HEALTH]))
        if age is not None and age < 18:
            wanted.append(("young_people", [NeedArea.FAMILY]))
        if cp.owner.person.first_language != "en" and (
            cp.owner.skel.ethnicity == Ethnicity.WHITE_OTHER
        ):
            wanted.append(("migrant_workers", [NeedArea.ACCOMMODATION, NeedArea.FINANCE]))
        if crime_type == CrimeType.BURGLARY or (age is not None and age >= 70):
            wanted.append(("home_security", [NeedArea.ACCOMMODATION]))
        if Marker.HATE_CRIME in m:
            wanted.append(("hate_crime", [NeedArea.SOCIAL]))
        if crime_type == CrimeType.ROAD_TRAFFIC_COLLISION or Marker.HOMICIDE_BEREAVED in m:
            wanted.append(("bereavement", [NeedArea.HEALTH]))
        return wanted

    def services_for(
        self, cp: CasePlan, levels: dict[str, str]
    ) -> list[tuple[SupportService, list[str]]]:
        """At most two services of the directory, in the victim's district, for their needs."""
        district = cp.owner.person.district
        found = []
        used = set()
        for specialism, areas in self._wanted_specialisms(cp, levels):
            matches = [s for s in self.services if specialism in s.specialisms
                       and (not s.districts or district in s.districts) and s.pk not in used]
            if matches:
                service = self.rng.choice(matches)
                used.add(service.pk)
                found.append((service, areas))
            if len(found) == 2:
                break
        return found

    def service(self, specialism: str) -> SupportService | None:
        for s in self.services:
            if specialism in s.specialisms:
                return s
        return None

    def send_referrals(self, rows: Rows, cp: CasePlan, actions: list, consents: dict,
                       plan_at: datetime, vcc: User) -> list[Referral]:
        """A referral for each specialist action (referrals.services.make_referral), then the
        service's answer, chased when it is late; unanswered at the "as of" moment, the
        chase is due."""
        referrals = []
        for act, service in actions:
            if act.kind != ActionKind.SPECIALIST_REFERRAL:
                continue
            sent = self.later(plan_at, 0, 2)
            if sent >= self.as_of:
                continue
            referrals.append(self._referral(rows, cp, act, service, consents[service.pk],
                                            sent, vcc))
        return referrals

    def _referral(self, rows: Rows, cp: CasePlan, act: PlanAction, service: SupportService,
                  consent, sent: datetime, vcc: User) -> Referral:
        referral = rows.add(Referral(
            case=cp.case, action=act, service=service, consent=consent,
            shared_contact_details=consent.share_contact_details,
            shared_crime_details=consent.share_crime_details,
            shared_needs=consent.share_needs, status=ReferralStatus.SENT, sent_at=sent,
            sent_by=vcc, document=b"", emailed_to=service.referral_email,
            email_sent_at=sent if service.referral_email else None,
        ))
        answered = self.later(sent, 1, 12)
        chase_due, chase_deadline = referral_chase_due(after=sent)
        if answered >= self.as_of:
            self._chased_until_now(rows, cp, referral, sent)
            return referral
        if answered > chase_due:
            referral.chases = 1
            referral.last_chased_at = chase_due
        referral.answered_by = vcc
        if self.rng.random() < REFERRAL_ACCEPTED:
            referral.status = ReferralStatus.ACCEPTED
            referral.accepted_at = answered
        else:
            referral.status = ReferralStatus.DECLINED
            referral.declined_at = answered
            referral.decline_reason = "Outside the service's criteria."
        return referral

    def _chased_until_now(self, rows: Rows, cp: CasePlan, referral: Referral,
                          sent: datetime) -> None:
        """A referral still unanswered at the "as of" moment: chased the working day after
        each chase fell due before the last working day (record_referral_chased), and its
        next chase left due (demo.year.clock.backlog_from)."""
        after = sent
        while True:
            chase_due, chase_deadline = referral_chase_due(after=after)
            chased = self.office_moment(self.working_days_after(
                self.local(chase_due).date(), 1))
            if chase_due >= self.backlog_from or chased >= self.as_of:
                break
            referral.chases += 1
            referral.last_chased_at = after = chased
        self.due(rows, cp, ItemKind.REFERRAL_CHASE, chase_due,
                 chase_key(referral.pk, referral.chases + 1), deadline_at=chase_deadline,
                 target=referral.pk, created_at=after)
