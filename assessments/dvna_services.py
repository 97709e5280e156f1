"""Writes for the Detailed Victim Needs Assessment (DVNA).

Sources: DOMAIN.md flow step 5 ("a structured conversation covering the eight areas of need
... also risk, communication needs and safe contact"); the Strategic Vision, section 8.2 (the
eight categories of need); the service specification, Appendix 2 of the 2016 update ("contact
all victims ... entitled to an enhanced service or who have been identified through the IVNA as
benefiting from support and undertake a Detailed Victim Needs Assessment"); and the hub's rule
that nobody has to tell their story twice (what the IVNA and the person's record hold is
filled in, not asked again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, TextChoices

from accounts.models import User
from assessments.episodes import current_episode
from assessments.models import (
    Disability,
    Dvna,
    DvnaNeed,
    Level,
    NeedArea,
    Religion,
    SexualOrientation,
)
from assessments.support_services import latest_dvna
from cases.models import Case
from cases.workflow import SUPPORT_STATUSES, CaseStatus
from contact.lifecycle import can_escalate
from core.errors import STALE, DomainError
from intake.models import DashRisk

RISKS = (
    ("risk_from_offender", "Risk from the offender"),
    ("risk_of_self_harm", "Risk of self-harm"),
    ("risk_of_harming_others", "Risk of harming others"),
    ("risk_of_wellbeing_deteriorating", "Risk of their wellbeing deteriorating"),
)

# The IVNA's DASH risk is the officer's view of the risk from the offender: it fills in that
# answer so the victim is not asked again (the VCC can change it).
DASH_TO_LEVEL = {DashRisk.STANDARD: Level.LOW, DashRisk.MEDIUM: Level.MEDIUM,
                 DashRisk.HIGH: Level.HIGH}


@dataclass(frozen=True)
class DvnaAnswers:
    """Everything the VCC records in the one sitting."""

    levels: dict[str, str]  # area -> level, for all eight areas
    notes: dict[str, str]  # area -> notes
    risk_from_offender: str
    risk_of_self_harm: str
    risk_of_harming_others: str
    risk_of_wellbeing_deteriorating: str
    first_language: str
    interpreter_needed: bool
    risk_notes: str = ""
    communication_needs: str = ""
    summary: str = ""
    # Optional, never required: "" is not asked or not answered (PROTECTED_CHARACTERISTICS).
    disability: str = ""
    religion: str = ""
    sexual_orientation: str = ""


# The protected characteristics the DVNA may record, each optional: field -> its answers.
PROTECTED_CHARACTERISTICS: dict[str, type[TextChoices]] = {
    "disability": Disability,
    "religion": Religion,
    "sexual_orientation": SexualOrientation,
}


def can_assess(case: Case) -> bool:
    """Rule: a DVNA is recorded (or corrected) once the victim has accepted support
    (DOMAIN.md step 4-5: "accepted support ... went on to DVNA and a recovery plan"), and
    redone while support goes on. Before acceptance there is nothing to assess; after
    closure the record is fixed."""
    return case.status in SUPPORT_STATUSES


def check_can_assess(case: Case) -> None:
    """Rule: can_assess, with the reason when it does not."""
    if not can_assess(case):
        raise DomainError(
            "A DVNA is recorded once the victim has accepted support, and until the case "
            f"closes. This case is '{CaseStatus(case.status).label}'."
        )


def can_correct(dvna: Dvna, case: Case) -> bool:
    """Rule: a DVNA is corrected while it may be redone (can_assess), and only in its own
    support episode: an earlier episode's DVNA is a record (assessments.episodes)."""
    return can_assess(case) and dvna.episode == current_episode(case)


def check_can_correct(dvna: Dvna, case: Case) -> None:
    check_can_assess(case)
    if not can_correct(dvna, case):
        raise DomainError(f"DVNA {dvna.number} is from an earlier support episode: it is a "
                          "record and is not corrected. Record a new DVNA instead.")


def _validate(answers: DvnaAnswers) -> None:
    errors: dict[str, str] = {}
    for area in NeedArea:
        if answers.levels.get(area) not in Level.values:
            errors[f"{area.value}_level"] = f"Choose the level of need for {area.label.lower()}"
    for name, label in RISKS:
        if getattr(answers, name) not in Level.values:
            errors[name] = f"Choose the level for {label.lower()}"
    language = answers.first_language.strip()
    if not language or len(language) > 10:
        errors["first_language"] = "Choose the victim's first language"
    for name, answers_allowed in PROTECTED_CHARACTERISTICS.items():
        if getattr(answers, name) not in ("", *answers_allowed.values):
            errors[name] = "Choose one of the answers, or leave it unanswered"
    if errors:
        raise DomainError("The DVNA is not complete.", fields=errors)


def _update_person(case: Case, answers: DvnaAnswers) -> None:
    """The person's record holds the first language and interpreter need for every later
    contact and case: a correction made in the DVNA goes there too."""
    person = case.person
    language = answers.first_language.strip()
    if (person.first_language, person.interpreter_needed) != (
        language,
        answers.interpreter_needed,
    ):
        person.first_language = language
        person.interpreter_needed = answers.interpreter_needed
        person.save(update_fields=["first_language", "interpreter_needed", "updated_at"])


def _dvna_fields(answers: DvnaAnswers) -> dict:
    return {
        "risk_from_offender": answers.risk_from_offender,
        "risk_of_self_harm": answers.risk_of_self_harm,
        "risk_of_harming_others": answers.risk_of_harming_others,
        "risk_of_wellbeing_deteriorating": answers.risk_of_wellbeing_deteriorating,
        "risk_notes": answers.risk_notes.strip(),
        "first_language": answers.first_language.strip(),
        "interpreter_needed": answers.interpreter_needed,
        "communication_needs": answers.communication_needs.strip(),
        "summary": answers.summary.strip(),
        **{name: getattr(answers, name) for name in PROTECTED_CHARACTERISTICS},
    }


@transaction.atomic
def record_dvna(*, case: Case, answers: DvnaAnswers, by: User) -> Dvna:
    """Record a DVNA in one sitting: the eight areas of need each with a level and notes, the
    four risks, communication needs and, where the victim answered, the optional protected
    characteristics (consent to share is asked per service at the referral).

    Rules: only on a case whose victim has accepted support (or is in support: then it is a
    reassessment); a reassessment is a new DVNA numbered one more than the last, and the
    earlier ones stay, so the case shows each area's level over time ("distance travelled").
    The case row is locked so two VCCs saving at once get numbers 1 and 2, not a clash.
    """
    locked = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    check_can_assess(locked)
    _validate(answers)
    last = Dvna.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0
    dvna = Dvna.objects.create(case=locked, number=last + 1, assessed_by=by,
                               episode=current_episode(locked), **_dvna_fields(answers))
    DvnaNeed.objects.bulk_create(
        DvnaNeed(dvna=dvna, area=area, level=answers.levels[area],
                 notes=answers.notes.get(area, "").strip())
        for area in NeedArea.values
    )
    _update_person(locked, answers)
    return dvna


@transaction.atomic
def update_dvna(*, dvna: Dvna, version: int, answers: DvnaAnswers, by: User) -> Dvna:
    """Correct a DVNA already recorded.

    Rule (optimistic locking): the form carries the version it was opened at; the save is
    `UPDATE ... WHERE version = N` and if no row matches, someone else has saved the DVNA
    in between: the save is refused, nothing is written, and the VCC is told to reload.
    """
    case = Case.objects.select_related("person").get(pk=dvna.case_id)
    check_can_correct(dvna, case)
    _validate(answers)
    updated = Dvna.objects.filter(pk=dvna.pk, version=version).update(
        version=F("version") + 1, **_dvna_fields(answers)
    )
    if updated != 1:
        raise DomainError(
            f"Someone else saved DVNA {dvna.number} after you opened it, so your changes "
            "have not been saved. Open the DVNA again to see their changes, then make yours.",
            code=STALE,
        )
    needs = {n.area: n for n in dvna.needs.all()}
    for area in NeedArea.values:
        need = needs.get(area)
        level, notes = answers.levels[area], answers.notes.get(area, "").strip()
        if need is None:
            DvnaNeed.objects.create(dvna=dvna, area=area, level=level, notes=notes)
        elif (need.level, need.notes) != (level, notes):
            need.level, need.notes = level, notes
            need.save(update_fields=["level", "notes"])
    _update_person(case, answers)
    dvna.refresh_from_db()
    return dvna


def dvna_prefill(case: Case) -> dict:
    """What the form starts with, so the victim is not asked again what the hub knows: the
    first language and interpreter need from the person's record; the risk from the offender
    from the IVNA's DASH risk; for a reassessment, every level and note of the last DVNA."""
    person = case.person
    initial: dict = {
        "first_language": person.first_language,
        "interpreter_needed": "yes" if person.interpreter_needed else "no",
    }
    last = Dvna.objects.filter(case=case).order_by("-number").first()
    if last is not None:
        for need in last.needs.all():
            initial[f"{need.area}_level"] = need.level
            initial[f"{need.area}_notes"] = need.notes
        for name, _ in RISKS:
            initial[name] = getattr(last, name)
        initial["risk_notes"] = last.risk_notes
        initial["communication_needs"] = last.communication_needs
    else:
        ivna = getattr(case, "ivna", None)
        if ivna is not None and ivna.dash_risk in DASH_TO_LEVEL:
            initial["risk_from_offender"] = DASH_TO_LEVEL[ivna.dash_risk]
    return initial


def dvna_initial(dvna: Dvna) -> dict:
    """The form's starting values for correcting a recorded DVNA (with its version)."""
    initial: dict = {
        "version": dvna.version,
        "first_language": dvna.first_language,
        "interpreter_needed": "yes" if dvna.interpreter_needed else "no",
        "risk_notes": dvna.risk_notes,
        "communication_needs": dvna.communication_needs,
        "summary": dvna.summary,
        # The answers recorded on this DVNA (a new DVNA asks afresh: nothing pre-selected).
        **{name: getattr(dvna, name) for name in PROTECTED_CHARACTERISTICS
           if getattr(dvna, name)},
    }
    for name, _ in RISKS:
        initial[name] = getattr(dvna, name)
    for need in dvna.needs.all():
        initial[f"{need.area}_level"] = need.level
        initial[f"{need.area}_notes"] = need.notes
    return initial


# -- The DVNA offers escalation ------------------------------------------------------------

# The risks that, rated high, make a case one for MASH / Public Protection rather than the
# hub's support (issue 12: "when a DVNA rates risk from the offender or of self-harm as high:
# the DVNA offers it").
ESCALATION_RISKS = ("risk_from_offender", "risk_of_self_harm")


def escalation_suggestion(case: Case, dvna: Dvna | None) -> str:
    """Why escalation is suggested, as a reason for the escalate page to start with, or ""
    when it is not: `dvna` (the latest of the current episode) rates the risk from the
    offender or of self-harm as high and the case can still be escalated. The VCC decides;
    nothing is escalated here."""
    if dvna is None or not can_escalate(case):
        return ""
    high = [label.lower() for name, label in RISKS
            if name in ESCALATION_RISKS and getattr(dvna, name) == Level.HIGH]
    if not high:
        return ""
    return f"DVNA {dvna.number} rates the {' and the '.join(high)} as high."


def dvna_suggests_escalation(case: Case) -> bool:
    """Rule: the current DVNA rates the risk from the offender or of self-harm as high, and
    the case is open: the hub offers escalation to MASH / Public Protection."""
    return bool(escalation_suggestion(case, latest_dvna(case)))
