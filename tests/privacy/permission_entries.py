"""Permission-matrix entries for retention and the data subject: hub managers only.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from django.urls import reverse

from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    OPCC,
    OTHER_VCC,
    POLICE,
    VCC,
    VOLUNTEER,
    Outcome,
    View,
    allowed,
    redirects,
    ref,
)


# Retention and the data subject (privacy): hub managers only; to anyone else a 403.
def _privacy_managers_only(manager: Outcome, *, of_object: bool = False) -> dict:
    expect = {ANONYMOUS: LOGIN, POLICE: FORBIDDEN, VCC: FORBIDDEN, MANAGER: manager,
              VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
    return {**expect, OTHER_VCC: FORBIDDEN} if of_object else expect


def _privacy_schedule_form(world) -> dict:
    from privacy.models import RetentionRule

    return {f"years_{rule.key}": rule.years + 1 for rule in RetentionRule.objects.all()}


def _privacy_schedule() -> list:
    from privacy.models import RetentionRule

    return list(RetentionRule.objects.order_by("pk").values_list("pk", "years"))


def _privacy_holds() -> tuple[int, int]:
    from privacy.models import LegalHold

    return LegalHold.objects.count(), LegalHold.objects.filter(lifted_at__isnull=False).count()


def _privacy_lifted() -> int:
    from privacy.models import LegalHold

    return LegalHold.objects.filter(lifted_at__isnull=False).count()


def _privacy_hold_to_lift(world) -> dict:
    from privacy.models import LegalHold

    hold = LegalHold.objects.create(case=world.case, reason="other", detail="Matrix hold",
                                    placed_by=world.vcc)
    return {"hold": hold.pk, "reason": "No longer needed"}


def _privacy_requests() -> tuple:
    from cases.models import Person
    from privacy.models import DataSubjectRequest

    return (list(DataSubjectRequest.objects.values_list("kind", "decision")),
            list(Person.objects.order_by("pk").values_list("pk", "phone", "first_name")))


def _privacy_review_form(world) -> dict:
    from privacy.redaction import review_items

    return {item.key: "include" for item in review_items(world.case.person)}


def _privacy_reviews() -> int:
    from privacy.models import SubjectAccessReview

    return SubjectAccessReview.objects.count()


def _privacy_rectify_form(world) -> dict:
    person = world.case.person
    dob = person.date_of_birth
    return {
        "first_name": person.first_name, "last_name": person.last_name,
        "date_of_birth_0": dob.day if dob else "", "date_of_birth_1": dob.month if dob else "",
        "date_of_birth_2": dob.year if dob else "", "phone": "07700900321",
        "email": person.email, "address_line1": person.address_line1,
        "address_line2": person.address_line2, "town": person.town,
        "postcode": person.postcode, "safe_to_call": "yes", "may_leave_message": "no",
        "safe_to_write": "yes", "safe_contact_notes": person.safe_contact_notes,
        "reason": "The victim gave a new number.",
    }


VIEWS = [
    # --- Retention and the data subject: hub managers only ---
    View(
        "privacy:schedule",
        expect=_privacy_managers_only(allowed("Retention schedule", "Letter only")),
    ),
    View(
        "privacy:schedule",
        method="post",
        data=_privacy_schedule_form,
        unchanged=_privacy_schedule,
        expect=_privacy_managers_only(
            redirects(reverse("privacy:schedule"), "Retention schedule saved")
        ),
    ),
    View("privacy:holds", expect=_privacy_managers_only(allowed("Legal holds"))),
    View(
        "privacy:lift_hold",
        method="post",
        data=_privacy_hold_to_lift,
        unchanged=_privacy_lifted,
        expect=_privacy_managers_only(redirects(re.compile(r"/cases/\d+/"), "lifted")),
    ),
    View(
        "privacy:case_hold",
        of="restricted",
        expect=_privacy_managers_only(
            allowed("Place a legal hold", ref("restricted")), of_object=True
        ),
    ),
    View(
        "privacy:case_hold",
        method="post",
        of="restricted",
        data=lambda w: {"reason": "investigation", "detail": "Trial listed"},
        unchanged=_privacy_holds,
        expect=_privacy_managers_only(
            redirects(re.compile(r"/cases/\d+/"), "Legal hold placed on case"),
            of_object=True,
        ),
    ),
    View(
        "privacy:person_hold",
        of="case.person",
        expect=_privacy_managers_only(allowed("Place a legal hold"), of_object=True),
    ),
    View(
        "privacy:person_hold",
        method="post",
        of="case.person",
        data=lambda w: {"reason": "domestic_homicide_review", "detail": "DHR panel"},
        unchanged=_privacy_holds,
        expect=_privacy_managers_only(
            redirects(re.compile(r"/people/\d+/subject-access/"), "Legal hold placed on"),
            of_object=True,
        ),
    ),
    View(
        "privacy:subject_access",
        of="case.person",
        expect=_privacy_managers_only(
            allowed("Subject access request", "Download the bundle (PDF)", ref("restricted")),
            of_object=True,
        ),
    ),
    # The bundle comes after the manager's review of what to redact (issue 13); the matrix's
    # person has nothing to review, so it is produced at once
    # (tests/privacy/test_subject_access_review.py for a record that needs the review).
    View(
        "privacy:subject_access_json",
        of="case.person",
        expect=_privacy_managers_only(
            allowed("victims-hub-subject-access/2", ref("restricted")), of_object=True
        ),
    ),
    View(
        "privacy:subject_access_pdf",
        of="case.person",
        expect=_privacy_managers_only(allowed("%PDF"), of_object=True),
    ),
    View(
        "privacy:subject_access_review",
        of="case.person",
        expect=_privacy_managers_only(
            allowed("Review before disclosure", "Record the review"), of_object=True
        ),
    ),
    View(
        "privacy:subject_access_review",
        method="post",
        of="case.person",
        data=_privacy_review_form,
        unchanged=_privacy_reviews,
        expect=_privacy_managers_only(
            redirects(re.compile(r"/people/\d+/subject-access/"), "Review recorded"),
            of_object=True,
        ),
    ),
    View(
        "privacy:rectify",
        of="case.person",
        expect=_privacy_managers_only(allowed("Correct their details"), of_object=True),
    ),
    View(
        "privacy:rectify",
        method="post",
        of="case.person",
        data=_privacy_rectify_form,
        unchanged=_privacy_requests,
        expect=_privacy_managers_only(
            redirects(re.compile(r"/people/\d+/subject-access/"), "Correction recorded"),
            of_object=True,
        ),
    ),
    View(
        "privacy:erasure",
        of="case.person",
        expect=_privacy_managers_only(allowed("Record an erasure request"), of_object=True),
    ),
    View(
        "privacy:erasure",
        method="post",
        of="case.person",
        data=lambda w: {"decision": "refused", "reason": "A claim is being defended."},
        unchanged=_privacy_requests,
        expect=_privacy_managers_only(
            redirects(re.compile(r"/people/\d+/subject-access/"), "recorded as refused"),
            of_object=True,
        ),
    ),
]
