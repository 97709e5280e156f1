"""A referral's email as scheduled work: scheduled once, sent once by its handler with what
it always carried, a failed send kept as the last error and tried again by the one retry
policy, nothing sent for a referral that rolled back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from core.errors import DomainError
from referrals import services
from referrals.models import Referral
from scheduling.models import ItemKind, ItemState
from scheduling.services import MAX_FAILURES, run_item
from tests.outbound import Refusing, after_the_lease, dispatch, items
from tests.referrals.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def refer(case, action, service, vcc_user, give_consent, django_capture_on_commit_callbacks):
    """Make the referral as the page does, and commit: the email's item is offered then."""
    give_consent()

    def make() -> Referral:
        with django_capture_on_commit_callbacks(execute=True):
            return services.make_referral(case=case, action=action, service=service, by=vcc_user)

    return make


def test_the_email_is_scheduled_once_even_if_the_referral_is_made_twice(
    case, action, service, vcc_user, refer
):
    referral = refer()
    with pytest.raises(DomainError, match="already referred"):
        services.make_referral(case=case, action=action, service=service, by=vcc_user)

    item = items(ItemKind.REFERRAL_EMAIL).get()
    assert (item.target_id, item.case_id, item.dedupe_key) == (
        referral.pk, case.pk, f"referral_email:{referral.pk}:0"
    )
    assert len(mail.outbox) == 1


def test_the_handler_sends_exactly_one_email_carrying_what_it_always_did(refer, case):
    referral = refer()  # offered on commit: eager Celery runs it there and then

    [message] = mail.outbox
    assert message.to == ["referrals@advocacy.example.org"]
    assert message.reply_to == ["victims.hub@example.police.uk"]
    assert message.subject == (
        f"Referral from the Victims' Hub – our reference {case.reference}"
    )
    assert message.body == services.email_body(referral)
    assert "Ann" not in message.subject + message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"referral-{referral.pk}.pdf", "application/pdf")
    assert content == bytes(referral.document) and "Ann Example" in pdf_text(content)

    item = items(ItemKind.REFERRAL_EMAIL).get()
    assert run_item(item.pk) is False  # a duplicated message
    after_the_lease()
    assert dispatch() == 0
    referral.refresh_from_db()
    assert referral.email_sent_at is not None and len(mail.outbox) == 1


def test_a_failed_send_is_the_last_error_and_is_tried_again_after_the_lease(
    refer, monkeypatch
):
    server = Refusing(monkeypatch)
    referral = refer()

    item = items(ItemKind.REFERRAL_EMAIL).get()
    referral.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.DUE, 1)
    assert item.last_error == "ConnectionRefusedError: smtp down"
    assert referral.email_error == item.last_error and referral.email_sent_at is None
    assert dispatch() == 0  # not in a tight loop: after the lease

    server.on = False
    after_the_lease()
    assert dispatch() == 1
    item.refresh_from_db()
    referral.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.DONE, 1)
    assert referral.email_sent_at is not None and referral.email_error == ""
    assert len(mail.outbox) == 1


def test_the_policy_gives_up_and_send_again_schedules_one_more(
    refer, monkeypatch, client, vcc_user, case, django_capture_on_commit_callbacks
):
    server = Refusing(monkeypatch)
    referral = refer()
    for _ in range(MAX_FAILURES - 1):
        after_the_lease()
        assert dispatch() == 1
    first = items(ItemKind.REFERRAL_EMAIL).get()
    assert (first.state, server.tries) == (ItemState.FAILED, MAX_FAILURES)

    server.on = False
    client.force_login(vcc_user)
    resend = reverse("referrals:resend", args=[case.pk, referral.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302

    second = items(ItemKind.REFERRAL_EMAIL).exclude(pk=first.pk).get()
    assert second.dedupe_key == f"referral_email:{referral.pk}:1"
    assert second.state == ItemState.DONE and len(mail.outbox) == 1


def test_send_again_while_its_item_is_due_offers_that_item_not_another(
    refer, monkeypatch, vcc_user, django_capture_on_commit_callbacks
):
    server = Refusing(monkeypatch)
    referral = refer()  # refused once: its item waits for the lease

    def send_again():
        with django_capture_on_commit_callbacks(execute=True):
            services.resend_referral_email(referral=referral, by=vcc_user)

    send_again()
    send_again()  # a double click, the server still refusing
    item = items(ItemKind.REFERRAL_EMAIL).get()
    assert (item.state, item.failures) == (ItemState.DUE, 3)

    server.on = False
    send_again()
    item.refresh_from_db()
    assert item.state == ItemState.DONE and len(mail.outbox) == 1
    with pytest.raises(DomainError, match="already been emailed"):
        send_again()
    assert items(ItemKind.REFERRAL_EMAIL).count() == 1 and len(mail.outbox) == 1


def test_no_email_when_the_referral_rolls_back(
    case, action, service, vcc_user, give_consent, django_capture_on_commit_callbacks
):
    give_consent()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.make_referral(case=case, action=action, service=service, by=vcc_user)
            raise RuntimeError("the request failed after the referral was made")

    assert callbacks == []
    assert dispatch() == 0
    assert not Referral.objects.exists() and not items(ItemKind.REFERRAL_EMAIL).exists()
    assert mail.outbox == []
