"""Referrals from a recovery-plan action: consent, the document, the email, the lifecycle and
the chase."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import ConsentToShare, PlanAction
from audit.models import AccessLog
from core.errors import DomainError
from referrals import services
from referrals.models import Referral, ReferralStatus
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import run_item
from tests.factories import CaseFactory, SupportServiceFactory, user_with_role
from tests.referrals.conftest import AGREED, pdf_text, refer

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def refer_url(case, action) -> str:
    return reverse("referrals:create", args=[case.pk, action.pk])


def chases():
    return ScheduledItem.objects.filter(kind=ItemKind.REFERRAL_CHASE)


# -- Consent -------------------------------------------------------------------------------


def test_the_url_the_plan_links_to():
    assert reverse("referrals:create", args=[12, 34]) == "/cases/12/actions/34/refer/"


def test_a_referral_without_consent_is_refused_and_nothing_is_saved(
    client, vcc_user, case, action, service
):
    client.force_login(vcc_user)
    page = client.get(refer_url(case, action)).content.decode()
    assert "Does Ann agree to be referred to Fenland Advocacy Service?" in page
    assert "The hub has no answer from them about this service yet" in page
    assert "checked" not in page.split('name="agree"')[1].split("</fieldset>")[0]
    assert "Send the referral" not in page

    # A "send" without the answers (a crafted request) sends nothing.
    response = client.post(refer_url(case, action), {"send": "yes"}, follow=True)
    assert "Ask the victim about sharing before the referral is sent" in (
        response.content.decode()
    )
    # Unanswered questions are refused, each with its message.
    page = client.post(refer_url(case, action), {"agree": "yes", "check": "Continue"})
    body = page.content.decode()
    assert "Select whether the victim agrees to share the details of the crime with " in body
    assert Referral.objects.count() == 0
    assert not chases().exists()
    assert not AccessLog.objects.filter(action="export").exists()
    assert mail.outbox == []


def test_the_service_refuses_too_not_only_the_page(case, action, service, vcc_user):
    with pytest.raises(DomainError, match="the hub has no record that they agreed"):
        services.make_referral(case=case, action=action, service=service, by=vcc_user)
    assert Referral.objects.count() == 0


# -- The document carries only what was consented to ------------------------------------

CONTACT = ["07700900123", "ann@example.org", "1 High Street", "PE13 1AA",
           "Call after the school run"]
CRIME = ["CF/55555/25", "Burglary", "Domestic abuse"]
NEEDS = ["Locks broken since the burglary", "Shelter and accommodation",
         "Safety planning and help with new locks", "Prefers text messages first"]


@pytest.mark.parametrize("contact", [True, False], ids=["contact", "no-contact"])
@pytest.mark.parametrize("crime", [True, False], ids=["crime", "no-crime"])
@pytest.mark.parametrize("needs", [True, False], ids=["needs", "no-needs"])
def test_the_document_carries_only_what_was_consented_to(
    case, action, service, vcc_user, give_consent, contact, crime, needs
):
    give_consent(contact=contact, crime=crime, needs=needs)

    referral = services.make_referral(case=case, action=action, service=service, by=vcc_user)

    text = pdf_text(referral.document)
    assert "Ann Example" in text
    assert case.reference in text
    assert "Referral to Fenland Advocacy Service" in text
    for value in CONTACT:
        assert (value in text) is contact, value
    for value in CRIME:
        assert (value in text) is crime, value
    for value in NEEDS:
        assert (value in text) is needs, value
    # Never shared by a referral: risk levels, the date of birth, the finance area at "none".
    assert "1985" not in text
    assert "Finance" not in text
    assert (referral.shared_contact_details, referral.shared_crime_details,
            referral.shared_needs) == (contact, crime, needs)


def test_the_page_says_what_will_be_shared(client, vcc_user, case, action):
    client.force_login(vcc_user)
    page = client.post(refer_url(case, action), {**AGREED, "check": "Continue"})
    page = page.content.decode()
    assert "What the referral will carry" in page
    assert "Not shared</strong> Crime details" in page
    assert "Shared</strong> Contact details" in page
    assert "Send the referral" in page
    assert Referral.objects.count() == 0  # nothing is sent before the button


# -- Sending ---------------------------------------------------------------------------


def test_the_referral_is_emailed_once_to_the_service(
    client, vcc_user, case, action, give_consent, django_capture_on_commit_callbacks
):
    give_consent()
    client.force_login(vcc_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(client, refer_url(case, action))
    assert response.status_code == 302
    # A double click: refused, and no second email.
    sent = ConsentToShare.objects.get(case=case).recorded_at.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(refer_url(case, action), {"send": "yes", "consent_at": sent},
                            follow=True)
    assert "already referred to Fenland Advocacy Service" in again.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["referrals@advocacy.example.org"]
    assert case.reference in message.subject
    assert "Ann" not in message.subject + message.body
    (name, content, mimetype), = message.attachments
    assert mimetype == "application/pdf"
    assert "Ann Example" in pdf_text(content)

    referral = Referral.objects.get()
    assert referral.email_sent_at is not None
    # Its scheduled item may be delivered twice: the second run sends nothing.
    item = ScheduledItem.objects.get(kind=ItemKind.REFERRAL_EMAIL, target_id=referral.pk)
    assert item.state == ItemState.DONE
    assert run_item(item.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_email_is_kept_and_sent_again(
    case, action, service, vcc_user, give_consent, settings, django_capture_on_commit_callbacks
):
    give_consent()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.make_referral(
            case=case, action=action, service=service, by=vcc_user
        )
    referral.refresh_from_db()
    assert referral.email_sent_at is None
    assert referral.email_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_referral_email(referral=referral, by=vcc_user)
    referral.refresh_from_db()
    assert referral.email_sent_at is not None
    assert len(mail.outbox) == 1


def test_a_service_without_a_referral_email_gets_the_document_by_hand(
    client, vcc_user, case, action, service, give_consent, django_capture_on_commit_callbacks
):
    service.referral_email = ""
    service.save()
    give_consent()
    client.force_login(vcc_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(client, refer_url(case, action), follow=True)
    assert "download the referral document" in response.content.decode()
    assert mail.outbox == []
    assert Referral.objects.get().emailed_to == ""


def test_an_action_without_a_service_lets_the_vcc_choose(
    client, vcc_user, case, action, service, give_consent
):
    PlanAction.objects.filter(pk=action.pk).update(service=None)
    client.force_login(vcc_user)
    page = client.get(refer_url(case, action)).content.decode()
    assert 'name="service"' in page and 'name="agree"' not in page
    chosen = client.get(refer_url(case, action), {"service": service.pk}).content.decode()
    assert "Does Ann agree to be referred to Fenland Advocacy Service?" in chosen
    response = refer(client, refer_url(case, action), extra={"service": service.pk})
    assert response.status_code == 302
    assert Referral.objects.get().service == service


def test_only_referral_actions_are_referred(client, vcc_user, case, action, give_consent):
    PlanAction.objects.filter(pk=action.pk).update(kind="phone_support")
    client.force_login(vcc_user)
    body = client.post(refer_url(case, action), {**AGREED, "check": "Continue"})
    body = body.content.decode()
    assert "is not a referral" in body
    assert Referral.objects.count() == 0


def test_an_action_of_another_case_is_not_found(client, vcc_user, action, give_consent):
    other = CaseFactory(status="in_support")
    client.force_login(vcc_user)
    assert client.get(refer_url(other, action)).status_code == 404


def test_a_restricted_case_is_not_found_by_another_vcc(client, case, action, give_consent):
    give_consent()
    type(case).objects.filter(pk=case.pk).update(restricted=True)
    client.force_login(user_with_role("vcc", username="vcc2"))
    assert client.get(refer_url(case, action)).status_code == 404
    assert client.post(refer_url(case, action)).status_code == 404
    assert Referral.objects.count() == 0


# -- The disclosure is logged ------------------------------------------------------------


def test_the_disclosure_and_every_download_are_in_the_access_log(
    client, vcc_user, case, action, give_consent
):
    client.force_login(vcc_user)
    refer(client, refer_url(case, action))
    referral = Referral.objects.get()

    export = AccessLog.objects.get(action="export")
    assert export.user == vcc_user
    assert export.case_ids == [case.pk] and export.person_ids == [case.person_id]
    assert "Fenland Advocacy Service" in export.detail
    assert "Ann" not in export.detail and "Example" not in export.detail

    response = client.get(reverse("referrals:document", args=[case.pk, referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    download = AccessLog.objects.get(action="download")
    assert download.case_ids == [case.pk]
    assert download.view_name == "referrals:document"


# -- The lifecycle ---------------------------------------------------------------------


@pytest.fixture
def referral(case, action, service, vcc_user, give_consent) -> Referral:
    give_consent()
    return services.make_referral(case=case, action=action, service=service, by=vcc_user)


def test_accepted_then_completed_each_dated(client, vcc_user, case, referral):
    client.force_login(vcc_user)
    client.post(reverse("referrals:accepted", args=[case.pk, referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.accepted_at is not None and referral.answered_by == vcc_user

    client.post(reverse("referrals:completed", args=[case.pk, referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_at >= referral.accepted_at >= referral.sent_at
    assert referral.completed_by == vcc_user


def test_declined_needs_a_reason(client, vcc_user, case, referral):
    client.force_login(vcc_user)
    url = reverse("referrals:declined", args=[case.pk, referral.pk])
    refused = client.post(url, {"reason": ""}).content.decode()
    assert "Give the reason the service declined" in refused
    client.post(url, {"reason": "Outside our area"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.declined_at is not None
    assert referral.decline_reason == "Outside our area"


def test_the_lifecycle_is_one_way(case, referral, vcc_user):
    with pytest.raises(DomainError, match="cannot be recorded as completed"):
        services.record_referral_completed(referral=referral, by=vcc_user)
    services.record_referral_declined(referral=referral, by=vcc_user, reason="Full")
    with pytest.raises(DomainError):
        services.record_referral_accepted(referral=referral, by=vcc_user)


def test_a_wrong_answer_on_the_page_is_a_message(client, vcc_user, case, referral):
    client.force_login(vcc_user)
    response = client.post(
        reverse("referrals:completed", args=[case.pk, referral.pk]), follow=True
    )
    assert "cannot be recorded as completed" in response.content.decode()


# -- The chase ---------------------------------------------------------------------------


def test_the_chase_is_due_after_the_set_number_of_working_days(
    case, action, service, vcc_user, give_consent, monkeypatch, settings
):
    settings.HUB_REFERRAL_CHASE_WORKING_DAYS = 5
    give_consent()
    # Thursday before Easter 2025: Good Friday and Easter Monday are not working days.
    sent = datetime(2025, 4, 17, 11, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: sent)

    referral = services.make_referral(case=case, action=action, service=service, by=vcc_user)

    item = chases().get()
    assert item.case == case and item.target_id == referral.pk
    assert item.state == ItemState.DUE
    # Tue 22, Wed 23, Thu 24, Fri 25, Mon 28 April: due at the end of Monday 28th, to be
    # done by the end of the next working day.
    assert timezone.localtime(item.due_at) == datetime(2025, 4, 28, 17, 0, tzinfo=LONDON)
    assert timezone.localtime(item.deadline_at) == datetime(2025, 4, 29, 17, 0, tzinfo=LONDON)


def test_the_setting_changes_the_chase(case, action, service, vcc_user, give_consent, settings):
    settings.HUB_REFERRAL_CHASE_WORKING_DAYS = 2
    give_consent()
    referral = services.make_referral(case=case, action=action, service=service, by=vcc_user)
    from core.working_days import end_of_working_day

    assert chases().get().due_at == end_of_working_day(referral.sent_at, 2)


@pytest.mark.parametrize("answer", ["accepted", "declined"])
def test_an_answer_completes_the_chase(client, vcc_user, case, referral, answer):
    client.force_login(vcc_user)
    data = {"reason": "Full"} if answer == "declined" else {}
    client.post(reverse(f"referrals:{answer}", args=[case.pk, referral.pk]), data)
    item = chases().get()
    assert item.state == ItemState.DONE
    assert item.done_by == vcc_user


def test_a_chase_is_recorded_and_the_next_scheduled(client, vcc_user, case, referral):
    client.force_login(vcc_user)
    client.post(reverse("referrals:chased", args=[case.pk, referral.pk]))
    referral.refresh_from_db()
    assert referral.chases == 1 and referral.last_chased_at is not None
    assert list(chases().order_by("pk").values_list("state", flat=True)) == ["done", "due"]


def test_the_chase_shows_on_my_work_when_due(client, vcc_user, case, referral):
    ScheduledItem.objects.filter(kind=ItemKind.REFERRAL_CHASE).update(
        due_at=timezone.now(), deadline_at=timezone.now()
    )
    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()
    assert "Chase a referral" in page


# -- The case page -----------------------------------------------------------------------


def test_the_case_page_shows_referrals_with_their_buttons(client, vcc_user, case, referral):
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="referrals-panel"' in page
    assert "Fenland Advocacy Service" in page
    assert reverse("referrals:accepted", args=[case.pk, referral.pk]) in page
    assert reverse("referrals:declined", args=[case.pk, referral.pk]) in page
    assert reverse("referrals:document", args=[case.pk, referral.pk]) in page
    services.record_referral_accepted(referral=referral, by=vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("referrals:completed", args=[case.pk, referral.pk]) in page
    assert reverse("referrals:accepted", args=[case.pk, referral.pk]) not in page


def test_the_case_page_offers_actions_waiting_for_a_referral(client, vcc_user, case, action):
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert refer_url(case, action) in page


def _case_page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    return len(queries)


def test_the_panel_takes_the_same_queries_for_one_referral_or_many(
    client, vcc_user, case, plan, referral, give_consent
):
    client.force_login(vcc_user)
    one = _case_page_queries(client, case)
    for n in range(3):
        other = SupportServiceFactory(name=f"Service {n}", referral_email="s@example.org")
        give_consent(to=other)
        more = PlanAction.objects.create(
            plan=plan, kind="community_signposting", description="Group", service=other
        )
        made = services.make_referral(case=case, action=more, service=other, by=vcc_user)
        services.record_referral_accepted(referral=made, by=vcc_user)
    assert _case_page_queries(client, case) == one
