"""Contact in the demo year, by the rules of contact.services: the introductory letter (none
when it is unsafe to write), up to three phone attempts on differing working days and in
differing parts of the day (settings.HUB_CONTACT_BANDS, through contact.services.bands), the
outcome once contacted, and the follow-up letter after three failures. The reasons, dedupe
keys and letter channel are the contact services' own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from accounts.models import User
from cases.choices import Marker
from cases.workflow import CaseStatus
from contact.calling_times import Slot
from contact.letter_checks import needs_safety_check
from contact.letter_languages import letter_language_for
from contact.letters import html_to_pdf, render_letter_text
from contact.models import (
    AttemptOutcome,
    Channel,
    ContactAttempt,
    ContactNote,
    Letter,
    LetterKind,
    LetterStatus,
)
from contact.services import (
    CALL_BACK_WITHIN,
    NO_CONTACT_REASON,
    NOT_SAFE_TO_WRITE,
    bands,
    first_contact_key,
    got_in_touch_reason,
    letter_channel,
    letter_item_kind,
    letter_key,
    next_attempt_key,
    next_slot,
    outcome_reason,
)
from core.working_days import is_working_day
from demo.year.history import Timeline
from demo.year.names import DECLINE_REASONS, SIGNPOSTS
from demo.year.plans import CasePlan
from demo.year.profile import choice
from demo.year.rows import Rows
from scheduling.models import ItemKind

S = CaseStatus

# Contacted on the first, second or third attempt, or never (then the follow-up letter).
CONTACT_ON_ATTEMPT = ((1, 0.47), (2, 0.22), (3, 0.12), (None, 0.19))
# Of the victims contacted (police IVNA): with supported elsewhere and no contact, about 58%
# of those routed for hub contact accept, 44% of the assessed vulnerable (flow-2026.3).
ACCEPT_BASE = 0.76
DECLINE_SHARE_OF_REST = 0.62  # the rest are signposted
NO_CONTACT_GETS_IN_TOUCH = 0.05


@cache
def band_minutes() -> tuple[tuple[str, int, int], ...]:
    """The calling bands of contact.services.bands(), in minutes of the day."""
    return tuple((name, s.hour * 60 + s.minute, e.hour * 60 + e.minute) for name, s, e in bands())


def language_of_letters(first_language: str) -> dict[str, str]:
    """The letter's language fields by contact.letter_languages' rule."""
    choice = letter_language_for(first_language)
    return {"language": choice.language, "no_letters_in": choice.no_letters_in}


class Contact(Timeline):
    """Letters, calls and outcomes (a mixin of demo.year.engine.Generator)."""

    # -- letters --------------------------------------------------------------------------

    def letter(self, rows: Rows, cp: CasePlan, kind: str, at: datetime) -> None:
        """A letter or email as contact.services.queue_letter queues it and the dispatcher
        renders and sends it (contact.letters.send_letter); none when it is not safe to
        write. A postal letter waits for a VCC's check and then for the post room's
        afternoon print run; one approved after the day's run waits for the next."""
        person = cp.owner.person
        channel = letter_channel(person) if cp.safe_to_write else None
        if channel is None:
            if kind == LetterKind.INTRODUCTORY:
                cp.case.no_letter_reason = NOT_SAFE_TO_WRITE
            return
        letter = rows.add(Letter(case=cp.case, kind=kind, channel=channel, created_at=at,
                                 **language_of_letters(person.first_language)))
        rendered = at + timedelta(minutes=self.rng.randint(1, 3))
        if channel == Channel.EMAIL and not needs_safety_check(cp.case):
            sent, approved = rendered, None
        elif channel == Channel.EMAIL:
            # A victim at risk: the email waits for a VCC's safety check (issue 12), then the
            # scheduled send takes it.
            approved = self.office_moment(self.local(at).date() + timedelta(days=1),
                                          9 * 60 + 30, 11 * 60 + 30)
            sent = approved + timedelta(minutes=1)
        else:
            approved = self.office_moment(self.local(at).date() + timedelta(days=1),
                                          9 * 60 + 30, 16 * 60 + 30)
            printed = self.rng.randint(15 * 60, 16 * 60 + 30)
            sent = self.at(self.local(approved).date(), printed)
            if sent < approved:
                sent = self.at(self.working_days_after(self.local(approved).date(), 1), printed)
        if sent < self.as_of:
            letter.status = LetterStatus.SENT
            letter.rendered_at = rendered
            letter.approved_at = approved
            letter.approved_by = self.vcc() if approved else None
            letter.sent_at = sent
        elif rendered < self.as_of:
            # The dispatcher rendered it minutes after it was queued (its send item is
            # done): it waits for a VCC's check, or, approved, for the post room.
            self._rendered(rows, cp, letter, at, rendered, approved)
        else:
            # Queued in the last minutes before the "as of" moment: the dispatcher renders
            # it when it next runs.
            letter.status = LetterStatus.QUEUED
            self.due(rows, cp, letter_item_kind(kind), at, letter_key(letter.pk),
                     target=letter.pk, created_at=at)

    def _rendered(self, rows: Rows, cp: CasePlan, letter: Letter, at: datetime,
                  rendered: datetime, approved: datetime | None) -> None:
        """A letter the dispatcher has rendered, with its PDF and text as
        contact.letters.send_letter renders them, dated the day it was rendered."""
        html, text = render_letter_text(letter, today=self.local(rendered).date())
        letter.pdf, letter.text = html_to_pdf(html), text
        letter.status, letter.rendered_at = LetterStatus.RENDERED, rendered
        if approved is not None and approved < self.as_of:
            letter.approved_at, letter.approved_by = approved, self.vcc()
        self.ran(rows, cp, letter_item_kind(letter.kind), at, letter_key(letter.pk),
                 target=letter.pk, done_at=rendered)

    # -- calls ------------------------------------------------------------------------------

    def _attempt_slot(self, after: datetime, names: list[str], delay: int) -> tuple[datetime, str]:
        """The `delay`-th working-day slot at or after `after` in one of the bands `names`."""
        rng = self.rng
        band_range = {name: (lo, hi) for name, lo, hi in band_minutes()}
        day = self.local(after).date()
        start_day, start_minute = day, self.minute_of(after)
        for _ in range(60):
            if is_working_day(day):
                open_bands = [b for b in names
                              if day != start_day or band_range[b][1] - 10 > start_minute]
                if open_bands:
                    if delay <= 0:
                        band = rng.choice(open_bands)
                        lo, hi = band_range[band]
                        if day == start_day:
                            lo = max(lo, start_minute + 5)
                        return self.at(day, rng.randint(lo, hi - 5), rng.randrange(60)), band
                    delay -= 1
            day += timedelta(days=1)
        raise RuntimeError("no working day in sight")

    def _caller(self, cp: CasePlan, start: datetime) -> User:
        """Who calls: the case's VCC; a case still in the queue at the "as of" moment is
        often unallocated."""
        case = cp.case
        if case.allocated_to is None:
            recent = (self.as_of - start) < timedelta(days=2)
            case.allocated_to = None if recent and self.rng.random() < 0.7 else self.vcc()
        return case.allocated_to or self.vcc()

    def _contacted_on(self, names: list[str], got_in_touch: bool) -> int | None:
        if got_in_touch:
            return 1
        contacted_on = choice(self.rng, CONTACT_ON_ATTEMPT)
        if contacted_on is None and len(names) < 3:
            return len(names)
        if contacted_on is not None and contacted_on > len(names):
            return len(names)
        return contacted_on

    def _slot(self, cp: CasePlan, number: int, start: datetime, previous: datetime | None,
              free: list[str], got_in_touch: bool) -> tuple[datetime, str]:
        rng = self.rng
        if number == 1:
            if got_in_touch:
                delay = 0
            elif cp.case.enhanced_entitlement:
                delay = choice(rng, ((0, 80), (1, 20)))
            else:
                delay = choice(rng, ((0, 45), (1, 30), (2, 15), (3, 10)))
            return self._attempt_slot(start, free, delay)
        next_day = self.local(previous).date() + timedelta(days=1)
        return self._attempt_slot(self.at(next_day, 0), free,
                                  choice(rng, ((0, 60), (1, 30), (2, 10))))

    def _attempt(self, rows: Rows, cp: CasePlan, made_at: datetime, band: str, vcc: User,
                 success: bool) -> ContactAttempt:
        person = cp.owner.person
        if success:
            outcome = AttemptOutcome.CONTACTED
        else:
            options = [(AttemptOutcome.NO_ANSWER, 60), (AttemptOutcome.WRONG_NUMBER, 4)]
            if person.may_leave_message:
                options.append((AttemptOutcome.VOICEMAIL, 40))
            if Marker.DOMESTIC_ABUSE in cp.markers:
                options.append((AttemptOutcome.NOT_SAFE_TO_TALK, 15))
            outcome = choice(self.rng, options)
        return rows.add(ContactAttempt(
            case=cp.case, made_at=made_at, made_by=vcc, number_used=person.phone, band=band,
            outcome=outcome, created_at=made_at, notes="Spoke to the victim." if success else "",
        ))

    def contact(self, rows: Rows, cp: CasePlan, start: datetime, *, accept: float,
                got_in_touch: bool = False) -> None:
        """Up to three attempts at differing times and on differing days; then the outcome,
        or the follow-up letter after three failures (contact.services)."""
        vcc = self._caller(cp, start)
        names = list(cp.owner.person.safe_contact_bands) or [b for b, _, _ in band_minutes()]
        contacted_on = self._contacted_on(names, got_in_touch)
        first_key = first_contact_key(cp.case.pk, cp.n_transitions)
        attempts: list[ContactAttempt] = []
        for number in (1, 2, 3):
            previous = attempts[-1].made_at if attempts else None
            free = [b for b in names if b not in {a.band for a in attempts}]
            made_at, band = self._slot(cp, number, start, previous, free, got_in_touch)
            if made_at >= self.as_of:
                made = self._overdue_call(cp, attempts, start, free)
                if made is None:
                    self._call_left_due(rows, cp, attempts, start, first_key, got_in_touch)
                    return
                made_at, band = made
            success = contacted_on == number
            attempts.append(self._attempt(rows, cp, made_at, band, vcc, success))
            if success:
                self.outcome(rows, cp, made_at + timedelta(minutes=self.rng.randint(5, 25)), vcc,
                             accept=accept)
                return
        self._no_contact(rows, cp, attempts[-1].made_at, vcc)

    def _next_slot(self, cp: CasePlan, attempts: list[ContactAttempt]) -> Slot | None:
        """The slot propose_next_attempt gives after the last failed attempt."""
        return next_slot(
            after=attempts[-1].made_at + timedelta(minutes=1),
            tried_bands={a.band for a in attempts},
            tried_days={self.local(a.made_at).date() for a in attempts},
            safe_bands=cp.owner.person.safe_contact_bands,
        )

    def _overdue_call(self, cp: CasePlan, attempts: list[ContactAttempt], start: datetime,
                      free: list[str]) -> tuple[datetime, str] | None:
        """A call drawn for after the "as of" moment whose item would have fallen due
        before the last working day (demo.year.clock.backlog_from) was made when it fell
        due, in the first slot the rules allow: the morning's list holds no older calls."""
        if not attempts:
            if start >= self.backlog_from:
                return None
            made = self._attempt_slot(start, free, 0)
            return made if made[0] < self.as_of else None
        slot = self._next_slot(cp, attempts)
        if slot is None or slot.start >= self.backlog_from:
            return None
        minutes = int((slot.end - slot.start).total_seconds() // 60)
        return slot.start + timedelta(minutes=self.rng.randint(0, max(minutes - 5, 0)),
                                      seconds=self.rng.randrange(60)), slot.band

    def _call_left_due(self, rows: Rows, cp: CasePlan, attempts: list[ContactAttempt],
                       start: datetime, first_key: str, got_in_touch: bool) -> None:
        """The call still to make at the "as of" moment, as contact.services schedules it:
        the first call when the case entered awaiting contact, the next one in the slot
        propose_next_attempt gives after the last failed attempt."""
        if not attempts:
            deadline = start + CALL_BACK_WITHIN if got_in_touch else cp.case.contact_due_at
            self.due(rows, cp, ItemKind.FIRST_CONTACT, start, first_key,
                     deadline_at=deadline, created_at=start)
            return
        last = attempts[-1]
        slot = self._next_slot(cp, attempts)
        if slot is not None:
            self.due(rows, cp, ItemKind.NEXT_ATTEMPT, slot.start,
                     next_attempt_key(cp.case.pk, last.pk), deadline_at=slot.end,
                     created_at=last.made_at)

    def _no_contact(self, rows: Rows, cp: CasePlan, last: datetime, vcc: User) -> None:
        """Three failures: no contact and the follow-up letter (record_contact_attempt);
        a few victims get in touch afterwards (record_victim_got_in_touch)."""
        t = last + timedelta(minutes=1)
        cp.case.contact_outcome = "no_contact"
        self.move(rows, cp, S.NO_CONTACT, t, vcc, NO_CONTACT_REASON)
        self.letter(rows, cp, LetterKind.NO_CONTACT, t + timedelta(seconds=1))
        if self.rng.random() < NO_CONTACT_GETS_IN_TOUCH:
            back = self.later(t, 2, 20)
            if back < self.as_of:
                cp.case.contact_outcome = ""
                self.move(rows, cp, S.AWAITING_CONTACT, back, vcc,
                          got_in_touch_reason(S.NO_CONTACT))
                self.contact(rows, cp, back, accept=0.5, got_in_touch=True)
                return
        self.unsupported_case_left_open()
        self.close_by_itself(rows, cp, t)

    # -- outcomes -------------------------------------------------------------------------

    def outcome(self, rows: Rows, cp: CasePlan, t: datetime, vcc: User, *, accept: float) -> None:
        """What the victim decided, as contact.services.record_contact_outcome records it."""
        rng = self.rng
        case = cp.case
        if t >= self.as_of:
            t = self.as_of - timedelta(seconds=30)
        if rng.random() < accept:
            case.contact_outcome = "accepted"
            self.move(rows, cp, S.ACCEPTED, t, vcc, outcome_reason(outcome="accepted"))
            self.support(rows, cp, t, vcc)
            return
        if rng.random() < DECLINE_SHARE_OF_REST:
            outcome, to, detail = "declined", S.DECLINED, rng.choice(DECLINE_REASONS)
        else:
            outcome, to, detail = "signposted", S.SIGNPOSTED, rng.choice(SIGNPOSTS)
        case.contact_outcome = outcome
        case.outcome_detail = detail
        self.move(rows, cp, to, t, vcc, outcome_reason(outcome=outcome, detail=detail))
        self.unsupported_case_left_open(lo_days=7, hi_days=28 if to == S.DECLINED else 21, at=t)
        self.close_by_itself(rows, cp, t)
        if rng.random() < 0.4:
            rows.add(ContactNote(case=case, author=vcc, at=t + timedelta(minutes=2),
                                 text=f"Called the victim. {case.outcome_detail}"))
