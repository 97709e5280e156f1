"""Abuse limits of the public self-referral page (issue 13): a global hourly ceiling that
tells the managers once, one-use form tokens, and references that do not reveal volume."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import search_cases
from intake.models import SelfReferral, UsedFormToken
from intake.selfreferral import alert_managers_page_full, issue_form_token
from scheduling.models import ItemKind, ScheduledItem
from scheduling.services import run_item
from tests.intake.test_self_referral import _own_cache, answers, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db

FORM = reverse("self_referral")
REFERENCE = re.compile(r"VH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def send(n: int) -> list[int]:
    """n requests from n addresses (the per-address limit is not what is tested here)."""
    return [
        Client().post(FORM, answers(), REMOTE_ADDR=f"192.0.2.{i + 1}").status_code
        for i in range(n)
    ]


def ceiling_items():
    return ScheduledItem.objects.filter(kind=ItemKind.SELF_REFERRAL_CEILING)


# --- The hourly ceiling ------------------------------------------------------------------


def test_the_hourly_ceiling_refuses_further_requests_and_asks_people_to_phone(settings):
    settings.HUB_SELF_REFERRAL_HOURLY_CEILING = 3
    assert send(3) == [302, 302, 302]
    before = snapshot()

    response = Client().post(FORM, answers(), REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" not in page
    assert "Please call us" in page and settings.HUB_PHONE in page and "999" in page
    assert snapshot() == before  # no person, case or referral
    # The form itself says so while the hour lasts, rather than taking answers it will refuse.
    shown = Client().get(FORM)
    assert shown.status_code == 200 and "Please call us" in shown.content.decode()
    assert settings.HUB_PHONE in shown.content.decode()
    assert 'name="first_name"' not in shown.content.decode()


def test_the_ceiling_counts_the_clock_hour_only(settings):
    settings.HUB_SELF_REFERRAL_HOURLY_CEILING = 2
    assert send(2) == [302, 302]
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    SelfReferral.objects.update(submitted_at=hour - timedelta(minutes=1))  # last hour's
    assert send(1) == [302]
    assert 'name="first_name"' in Client().get(FORM).content.decode()


def test_the_managers_are_told_once_an_hour_not_once_per_refusal(settings, manager_user):
    settings.HUB_SELF_REFERRAL_HOURLY_CEILING = 2
    manager_user.email = "manager@example.org"
    manager_user.save()
    assert send(2) == [302, 302]  # the second fills the hour: the managers are told now
    assert ceiling_items().count() == 1
    assert send(3) == [200, 200, 200]  # refused: "Please call us"
    assert Case.objects.count() == 2
    assert ceiling_items().count() == 1

    item = ceiling_items().get()
    assert item.case is None and set(item.payload) == {"hour", "ceiling"}
    assert run_item(item.pk)
    [email] = mail.outbox
    assert email.bcc == [manager_user.email]
    assert "self-referral page is full" in email.subject
    assert "took 2 requests" in email.body and settings.HUB_PHONE in email.body
    assert "Ann" not in email.body and "Example" not in email.body  # nobody's details

    # The next hour it can be told again.
    alert_managers_page_full(timezone.now() + timedelta(hours=1))
    assert ceiling_items().count() == 2


# --- One-use form tokens -----------------------------------------------------------------


def test_a_replayed_post_with_the_same_token_creates_nothing(client):
    data = answers()
    assert client.post(FORM, data).status_code == 302
    before = snapshot()

    again = client.post(FORM, data)

    assert again.status_code == 200
    assert "sent already, so it was not sent again" in again.content.decode()
    assert snapshot() == before
    assert Case.objects.count() == 1
    # A stranger replaying the same body from elsewhere gets no case either.
    assert Client().post(FORM, data, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert Case.objects.count() == 1


def test_each_form_shown_has_its_own_token_and_only_a_digest_is_kept(client):
    assert issue_form_token(now=1_700_000_000) != issue_form_token(now=1_700_000_000)
    data = answers()
    client.post(FORM, data)
    [used] = UsedFormToken.objects.all()
    assert data["started"] not in used.digest and len(used.digest) == 64


def test_a_refused_request_leaves_its_token_unused(client, settings):
    settings.HUB_SELF_REFERRAL_HOURLY_CEILING = 0
    data = answers()
    assert "Please call us" in client.post(FORM, data).content.decode()
    assert not UsedFormToken.objects.exists()
    settings.HUB_SELF_REFERRAL_HOURLY_CEILING = 5
    assert client.post(FORM, data).status_code == 302


def test_tokens_older_than_a_form_may_be_open_are_forgotten(client):
    UsedFormToken.objects.create(digest="0" * 64, used_at=timezone.now() - timedelta(hours=3))
    client.post(FORM, answers())
    assert UsedFormToken.objects.filter(digest="0" * 64).count() == 0


# --- References that do not reveal volume ------------------------------------------------


def test_references_are_random_unique_and_found_by_the_staff(vcc_user):
    assert send(2) == [302, 302]
    first, second = Case.objects.order_by("pk").select_related("self_referral")
    a, b = first.self_referral.public_reference, second.self_referral.public_reference
    assert REFERENCE.fullmatch(a) and REFERENCE.fullmatch(b) and a != b
    # Nothing in them counts cases: not the case number, not one apart.
    for case, reference in ((first, a), (second, b)):
        assert str(case.pk) not in reference.replace("-", "")
    assert list(search_cases(Case.objects.all(), b.lower())) == [second]
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfReferral.objects.filter(pk=second.self_referral.pk).update(public_reference=a)
    # The VCC sees it on the case page, to match a caller who gives it.
    staff = Client()
    staff.force_login(vcc_user)
    page = staff.get(reverse("cases:detail", args=[second.pk])).content.decode()
    assert b in page
    # It is the case's own reference, the one letters quote and staff search by.
    assert (first.reference, second.reference) == (a, b)
