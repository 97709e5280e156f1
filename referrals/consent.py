"""Consent to share, asked per service at the moment of referral (issue 16): the one home of
the consent rule.

Rules (service specification: the hub complies with the Data Protection Act; issue 11: no
assumed answers):
- before a referral to a service the VCC asks the victim whether they agree to it and, for
  each kind of data it would carry, whether they agree to share it with that service;
- the questions are pre-filled only from an explicit earlier answer for that service (the
  DVNA's consent table as it was, or an earlier referral); where there is none, nothing is
  pre-selected;
- the answer is stored as one ConsentToShare row per case and service, with who asked and
  when (the row's history, pghistory, keeps every earlier answer);
- a refusal blocks the referral; a referral carries only what was agreed (Shared), and the
  name and case reference always.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments.models import ConsentRecordedIn, ConsentToShare
from cases.models import Case
from core.errors import DomainError
from directory.models import SupportService

# What a referral may carry beyond the name and the case reference: (answer, the row's
# flag, the words the question and the page use).
SHARE_QUESTIONS = (
    ("share_contact", "share_contact_details",
     "their contact details and how to contact them safely"),
    ("share_crime", "share_crime_details", "the details of the crime"),
    ("share_needs", "share_needs",
     "their needs from the DVNA and what the plan asks of the service"),
)


def consent_for(*, case: Case, service: SupportService) -> ConsentToShare | None:
    """The victim's recorded answer about sharing with this service, if there is one."""
    return (
        ConsentToShare.objects.filter(case=case, service=service)
        .select_related("recorded_by")
        .first()
    )


def no_consent_message(service: SupportService, consent: ConsentToShare | None) -> str:
    if consent is not None and not consent.given:
        return (
            f"The victim did not agree to be referred to {service.name}: no referral is made. "
            "Ask them again only if they want it."
        )
    return (
        f"Ask the victim whether they agree to be referred to {service.name} and what may be "
        "shared with it: the hub has no record that they agreed."
    )


def prefill(consent: ConsentToShare | None) -> dict[str, str]:
    """The earlier explicit answers for the service as the questions' initial values ("yes"
    or "no"); nothing for a question without one. A refusal answered no to the referral and
    nothing about the data."""
    if consent is None:
        return {}
    if not consent.given:
        return {"agree": "no"}
    return {"agree": "yes", **{
        answer: "yes" if getattr(consent, flag) else "no" for answer, flag, _ in SHARE_QUESTIONS
    }}


@dataclass(frozen=True)
class ConsentAnswers:
    """The victim's answers at the referral: None where a question was not answered."""

    agree: bool | None
    share_contact: bool | None = None
    share_crime: bool | None = None
    share_needs: bool | None = None


@transaction.atomic
def record_consent(
    *, case: Case, service: SupportService, answers: ConsentAnswers, by: User
) -> ConsentToShare:
    """Record the victim's answers about sharing with `service` (the module's rules): every
    question is answered (whether they agree to the referral; if they do, each kind of data),
    and the case's one row for the service takes them, with who asked and when."""
    if answers.agree is None:
        raise DomainError(
            f"Select whether the victim agrees to be referred to {service.name}", field="agree"
        )
    if answers.agree:
        missing = {
            answer: f"Select whether the victim agrees to share {words} with {service.name}"
            for answer, _, words in SHARE_QUESTIONS
            if getattr(answers, answer) is None
        }
        if missing:
            raise DomainError("Answer each question about what may be shared.", fields=missing)
    values = {
        "given": answers.agree,
        **{flag: bool(answers.agree and getattr(answers, answer))
           for answer, flag, _ in SHARE_QUESTIONS},
        "recorded_by": by,
        "recorded_at": timezone.now(),
        "recorded_in": ConsentRecordedIn.REFERRAL,
        "dvna": None,
    }
    consent, _ = ConsentToShare.objects.select_for_update().update_or_create(
        case=case, service=service, defaults=values
    )
    return consent


@dataclass(frozen=True)
class Shared:
    """What a referral document may carry, from the victim's consent."""

    contact_details: bool
    crime_details: bool
    needs: bool

    @classmethod
    def from_consent(cls, consent: ConsentToShare) -> Shared:
        return cls(
            contact_details=consent.given and consent.share_contact_details,
            crime_details=consent.given and consent.share_crime_details,
            needs=consent.given and consent.share_needs,
        )
