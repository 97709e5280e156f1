"""What each Victims' Code right asks, in one table: who delivers it, what makes it apply to
a victim, and the time limit where the Code sets one (in working days, enhanced entitlement
first; core.working_days counts them, bank holidays excluded).

The Code of Practice for Victims of Crime in England and Wales (Ministry of Justice, 2020):
- Right 4: the hub's first contact for the needs assessment within one working day for a
  victim with enhanced entitlement and five otherwise (cases.deadlines owns that rule; this
  table only says Right 4 takes its due time from there);
- Right 6: the police tell the victim of a decision (no suspect, no further action, charge)
  within one / five working days;
- Rights 8 and 9: the Witness Care Unit tells the victim of a trial date, and of the outcome,
  within one / five working days;
- Rights 2 and 3 are the police's when the crime is reported: they apply to a case with a
  crime (an IVNA or a transfer), not to a self-referral the police never heard of. Right 2
  is evidenced by the IVNA itself (the crime recorded, with its reference);
- the other rights have no time limit in the Code ("as soon as possible", "when you give a
  statement"): the hub records whether they were met, not whether they were late.
Right 12 applies once the victim complains to the hub; its due time is the complaint's own
answer time (complaints.services.due_times).
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.victims_code import VictimsCodeRight as R
from rights.models import Deliverer, JusticeStage

# What starts a right, besides a justice stage: the referral to the hub, the crime reported
# to the police (a case with a crime: not a self-referral the police never heard of), or a
# complaint.
REFERRAL = "referral"
REPORTED = "reported"
COMPLAINT = "complaint"
CONTACT_DEADLINE = "contact_deadline"  # Right 4: the case's own contact_due_at


@dataclass(frozen=True)
class Rule:
    right: R
    delivered_by: Deliverer
    # The first of these that happens makes the right apply (REFERRAL, COMPLAINT or stages).
    starts: tuple[str, ...]
    # (enhanced, standard) working days from the start; CONTACT_DEADLINE; None: no limit.
    working_days: tuple[int, int] | str | None
    # True where the hub's own work (letters, calls, the DVNA, the plan, complaints) is the
    # evidence, recorded without anyone typing it twice.
    hub_evidence: bool
    # What meeting it means, in the words the panel shows.
    meets_it: str


DECISIONS = (JusticeStage.NO_SUSPECT, JusticeStage.NO_FURTHER_ACTION, JusticeStage.CHARGED)
OUTCOMES = (JusticeStage.CONVICTED, JusticeStage.ACQUITTED)

RULES: dict[int, Rule] = {
    rule.right: rule
    for rule in (
        Rule(R.UNDERSTAND, Deliverer.EVERY_SERVICE, (REFERRAL,), None, True,
             "Letters and calls in the victim's language, with an interpreter where needed"),
        Rule(R.CRIME_RECORDED, Deliverer.POLICE, (REPORTED,), None, True,
             "The crime recorded without unjustified delay"),
        Rule(R.INFORMATION_ON_REPORTING, Deliverer.POLICE, (REPORTED,), None, False,
             "Written acknowledgement of the crime report and what happens next"),
        Rule(R.REFERRAL_TO_SUPPORT, Deliverer.HUB, (REFERRAL,), CONTACT_DEADLINE, True,
             "Referred to the hub, contacted and offered a needs assessment"),
        Rule(R.COMPENSATION, Deliverer.HUB, (REFERRAL,), None, True,
             "Told about compensation (and helped to apply to the CICA where wanted)"),
        Rule(R.INVESTIGATION, Deliverer.POLICE, DECISIONS, (1, 5), False,
             "Told of the police's decision on the investigation"),
        Rule(R.PERSONAL_STATEMENT, Deliverer.POLICE, (JusticeStage.CHARGED,), None, False,
             "Offered the chance to make a Victim Personal Statement"),
        Rule(R.TRIAL, Deliverer.WITNESS_CARE, (JusticeStage.TRIAL_DATE,), (1, 5), False,
             "Told of the trial date and their role as a witness"),
        Rule(R.OUTCOME, Deliverer.WITNESS_CARE, OUTCOMES, (1, 5), False,
             "Told of the outcome of the trial"),
        Rule(R.EXPENSES, Deliverer.CPS, (JusticeStage.TRIAL_DATE,), None, False,
             "Told how to claim expenses; property returned"),
        Rule(R.OFFENDER, Deliverer.PROBATION, (JusticeStage.SENTENCED_CUSTODY,), None, False,
             "Offered the Victim Contact Scheme"),
        Rule(R.COMPLAINT, Deliverer.HUB, (COMPLAINT,), None, True,
             "The complaint acknowledged and answered in time"),
    )
}

HUB_RIGHTS = frozenset(right for right, rule in RULES.items() if rule.hub_evidence)


def rule_for(right: int) -> Rule:
    return RULES[int(right)]
