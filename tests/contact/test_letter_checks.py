"""Letters and emails to people at risk are checked by a person first (issue 12): a letter for
a high-risk case, a crime with a domestic abuse (stalking, child abuse, CSE, trafficking,
safeguarding) marker, or an unknown safe-to-write answer waits for a VCC's safety check,
whatever the channel; the check shows where it goes and what it says; approving or stopping
it is recorded; the bulk approval is for ordinary letters only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.choices import Marker, Route
from contact.letter_checks import approve_letters, needs_safety_check
from contact.letters import postal_letters_waiting, send_letter
from contact.models import Channel, Letter, LetterStatus
from contact.services import queue_letter
from core.errors import DomainError
from tests.factories import CaseFactory, CrimeFactory, IvnaFactory, PersonFactory, ivna_payload
from tests.outbound import dispatch

pytestmark = pytest.mark.django_db

EMAIL = "sam.victim@example.org"


def person(**extra):
    return PersonFactory(
        email=EMAIL, first_name="Sam", address_line1="1 High Street", town="Ely",
        postcode="CB7 4AA", **extra,
    )


def da_case(**extra):
    """A high-risk domestic abuse victim who gave an email address."""
    return CaseFactory(
        person=person(), route=Route.HIGH_RISK,
        crime=CrimeFactory(markers=[Marker.DOMESTIC_ABUSE]), **extra,
    )


def queued_email(case) -> Letter:
    letter = queue_letter(case=case, kind="introductory")
    assert letter is not None and letter.channel == Channel.EMAIL
    return letter


def check_url(letter: Letter, *parts: str) -> str:
    name = "contact:approve_letter" if "approve" in parts else "contact:check_letter"
    return reverse(name, args=[letter.case_id, letter.pk])


def test_an_email_to_a_high_risk_da_victim_is_not_sent_until_a_vcc_approves_it(
    client, vcc_user
):
    letter = queued_email(da_case())

    dispatch()
    letter.refresh_from_db()
    assert mail.outbox == []
    assert (letter.status, letter.approved_at) == (LetterStatus.RENDERED, None)

    client.force_login(vcc_user)
    response = client.post(check_url(letter, "approve"), follow=True)
    assert "approved and will be sent" in response.content.decode()
    dispatch()

    assert [m.to for m in mail.outbox] == [[EMAIL]]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert letter.approved_by == vcc_user and letter.approved_at is not None
    page = client.get(reverse("cases:detail", args=[letter.case_id])).content.decode()
    assert f"Checked and approved by {vcc_user}" in page


def test_an_ivna_for_a_domestic_abuse_victim_holds_the_email_for_the_check(
    police_api, client, vcc_user
):
    """End to end: the police send the IVNA (a domestic abuse crime, an email address)."""
    response = police_api.post("/api/v1/ivnas/", ivna_payload(), format="json")
    assert response.status_code == 201, response.content
    dispatch()
    letter = Letter.objects.get(case_id=response.json()["case_id"])
    assert letter.channel == Channel.EMAIL and mail.outbox == []

    client.force_login(vcc_user)
    assert "ann@example.org" in client.get(check_url(letter)).content.decode()
    client.post(check_url(letter, "approve"))
    dispatch()
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_the_check_page_shows_the_email_address_and_the_letter_text(client, vcc_user):
    letter = queued_email(da_case())
    dispatch()
    client.force_login(vcc_user)

    page = client.get(check_url(letter)).content.decode()

    assert EMAIL in page
    assert "Dear Sam" in page and "Restorative Justice" in page
    assert reverse("letters:download", args=[letter.pk]) in page
    assert "Approve and send" in page and "Stop this letter" in page


def test_the_check_page_of_a_letter_not_yet_rendered_shows_its_text_and_address(
    client, vcc_user
):
    letter = Letter.objects.create(case=da_case(), kind="introductory", channel=Channel.POST)
    client.force_login(vcc_user)

    page = client.get(check_url(letter)).content.decode()

    assert "1 High Street, Ely, CB7 4AA" in page and "Dear Sam" in page


def test_stopping_a_letter_needs_a_reason_and_it_is_never_sent(client, vcc_user):
    letter = queued_email(da_case())
    dispatch()
    client.force_login(vcc_user)

    refused = client.post(check_url(letter), {"reason": "  "})
    assert refused.status_code == 200
    assert "Say why this letter must not be sent" in refused.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED

    client.post(check_url(letter), {"reason": "Her partner reads her email"})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.STOPPED
    assert (letter.stopped_by, letter.stop_reason) == (vcc_user, "Her partner reads her email")
    # Approving it afterwards is refused; nothing is ever sent.
    client.post(check_url(letter, "approve"))
    dispatch()
    assert mail.outbox == []
    page = client.get(reverse("cases:detail", args=[letter.case_id])).content.decode()
    assert f"Stopped by {vcc_user}" in page and "Her partner reads her email" in page


def test_the_bulk_approval_refuses_a_letter_to_a_victim_at_risk(client, vcc_user):
    at_risk = Letter.objects.create(
        case=da_case(), kind="introductory", channel=Channel.POST, status="rendered",
        rendered_at=timezone.now(),
    )
    ordinary = Letter.objects.create(
        case=CaseFactory(person=person()), kind="introductory", channel=Channel.POST,
        status="rendered", rendered_at=timezone.now(),
    )

    with pytest.raises(DomainError, match="cannot be approved with others"):
        approve_letters(letters=[at_risk, ordinary], by=vcc_user)
    client.force_login(vcc_user)
    response = client.post(
        reverse("scheduling:approve_letters"), {"letter": [at_risk.pk]}, follow=True
    )
    assert "cannot be approved with others" in response.content.decode()
    at_risk.refresh_from_db()
    assert at_risk.approved_at is None
    assert approve_letters(letters=[ordinary], by=vcc_user) == 1


def test_my_work_lists_letters_at_risk_apart_with_a_check_link_and_no_checkbox(
    client, vcc_user
):
    at_risk = queued_email(da_case())
    dispatch()
    ordinary = Letter.objects.create(
        case=CaseFactory(person=person()), kind="introductory", channel=Channel.POST,
        status="rendered", rendered_at=timezone.now(),
    )
    client.force_login(vcc_user)

    page = client.get(reverse("scheduling:my_work")).content.decode()

    assert check_url(at_risk) in page
    assert f'value="{at_risk.pk}"' not in page  # no checkbox for it
    assert f'value="{ordinary.pk}"' in page


def test_an_ordinary_email_still_goes_at_once():
    letter = queued_email(CaseFactory(person=person()))

    dispatch()

    assert [m.to for m in mail.outbox] == [[EMAIL]]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.approved_by is None


def test_an_unknown_safe_to_write_answer_holds_the_email_for_the_check():
    ivna = IvnaFactory(case__person=person(), safe_to_write=None)
    letter = queued_email(ivna.case)

    dispatch()

    assert mail.outbox == []
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED and letter.approved_at is None


@override_settings(HUB_POSTAL_LETTERS_NEED_APPROVAL=False)
def test_sending_a_letter_at_risk_without_approval_is_refused_by_the_send_itself():
    """Whoever calls the send (the scheduled item, a retry, a script), it waits."""
    email = Letter.objects.create(case=da_case(), kind="introductory", channel=Channel.EMAIL)
    post = Letter.objects.create(
        case=CaseFactory(person=person(), crime=CrimeFactory(markers=[Marker.STALKING_HARASSMENT])),
        kind="introductory", channel=Channel.POST,
    )

    send_letter(email)
    send_letter(post)

    assert mail.outbox == []
    assert Letter.objects.get(pk=email.pk).sent_at is None
    # Postal letters need no approval here, but this one does: not in the print run.
    assert Letter.objects.get(pk=post.pk).approved_at is None
    assert not postal_letters_waiting().filter(pk=post.pk).exists()


@pytest.mark.parametrize(
    "marker",
    [
        Marker.DOMESTIC_ABUSE,
        Marker.STALKING_HARASSMENT,
        Marker.CHILD_ABUSE,
        Marker.CHILD_SEXUAL_EXPLOITATION,
        Marker.HUMAN_TRAFFICKING,
        Marker.SAFEGUARDING_VULNERABLE_ADULTS,
    ],
)
def test_each_marker_of_the_issue_needs_the_check(marker):
    assert needs_safety_check(CaseFactory(crime=CrimeFactory(markers=[marker])))


def test_an_ordinary_case_needs_no_check():
    assert not needs_safety_check(CaseFactory(crime=CrimeFactory(markers=[Marker.ONLINE_CRIME])))
    assert not needs_safety_check(IvnaFactory(safe_to_write=True).case)
    assert needs_safety_check(CaseFactory(route=Route.HIGH_RISK))


def test_the_query_condition_agrees_with_the_rule_case_by_case():
    """My work counts and pages the letters in the database by safety_check_condition; it
    must pick out exactly the cases needs_safety_check does, for every combination of
    route, crime (none, an at-risk marker among others, no at-risk marker, no markers) and
    IVNA (none, safe to write yes / no / not given)."""
    import itertools

    from cases.models import Case
    from contact.letter_checks import by_safety_check

    crimes = [
        None,
        lambda: CrimeFactory(markers=[Marker.ONLINE_CRIME, Marker.STALKING_HARASSMENT]),
        lambda: CrimeFactory(markers=[Marker.ONLINE_CRIME]),
        lambda: CrimeFactory(markers=[]),
    ]
    cases = []
    for route, crime, safe in itertools.product(
        [Route.HIGH_RISK, Route.HUB_CONTACT], crimes, ["none", True, False, None]
    ):
        if safe == "none":
            case = CaseFactory(route=route, crime=crime() if crime else None)
        else:
            case = IvnaFactory(safe_to_write=safe).case
            case.route, case.crime = route, crime() if crime else None
            case.save(update_fields=["route", "crime"])
        cases.append(Case.objects.get(pk=case.pk))
    every = Case.objects.filter(pk__in=[c.pk for c in cases])
    flagged = set(by_safety_check(every, True).values_list("pk", flat=True))
    unflagged = set(by_safety_check(every, False).values_list("pk", flat=True))
    expected = {c.pk for c in cases if needs_safety_check(c)}
    assert flagged == expected
    assert unflagged == {c.pk for c in cases} - expected
    assert 0 < len(expected) < len(cases)
