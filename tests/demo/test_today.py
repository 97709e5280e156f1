"""The demo `make run` opens (demo/year/, `generate_demo_data --today`): referrals over the
twelve months up to today, and a hub's work as it stands at the start of today.

One generated demo of 2,000 victims up to a Monday (made once for the module, rolled back at
the end): a fifteenth of 2015, so a morning has a few of each kind of work. That the same
seed and day give the same rows: tests/demo/test_year_seed.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseTransition
from cases.workflow import CaseStatus
from contact.invariant import stalled
from contact.letters import postal_letters_waiting
from contact.models import Channel, ContactAttempt, Letter, LetterStatus
from demo.year import generate
from reporting.flow import compute_flow
from reporting.selectors import last_full_months
from scheduling.models import HUMAN_KINDS, ItemKind, ItemState, ScheduledItem

N = 2000
SEED = 7
TODAY = date(2026, 3, 2)  # a Monday
TZ = ZoneInfo(settings.TIME_ZONE)
START_OF_TODAY = datetime(2026, 3, 2, tzinfo=TZ)
END_OF_TODAY = START_OF_TODAY + timedelta(days=1)
LAST_WORKING_DAY = datetime(2026, 2, 27, tzinfo=TZ)  # the Friday before

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(victims=N, today=TODAY, seed=SEED)
        yield result
        transaction.set_rollback(True)


def _due(**filters):
    return ScheduledItem.objects.filter(state=ItemState.DUE, **filters)


def test_referrals_fall_in_every_month_the_dashboard_opens_on_and_none_after_today(demo):
    """The dashboard opens on the twelve whole months before this month: each has its share
    of the referrals, and so has this month up to yesterday; nothing is referred, done or
    sent after the start of today."""
    assert demo.as_of == START_OF_TODAY
    shown = last_full_months(TODAY)
    assert (demo.first_day, demo.last_day) == (shown.start, TODAY - timedelta(days=1))
    months = [r.referred_at.astimezone(TZ).date().replace(day=1)
              for r in Case.objects.only("referred_at")]
    per_month = {m: months.count(m) for m in set(months)}
    month = shown.start
    while month < TODAY.replace(day=1):
        assert per_month.get(month, 0) > N / 12 * 0.7, month
        month = (month + timedelta(days=32)).replace(day=1)
    assert per_month[TODAY.replace(day=1)] > 0  # the 1st of this month, a Sunday
    assert min(months) == shown.start
    assert not Case.objects.filter(referred_at__gte=START_OF_TODAY).exists()
    assert not CaseTransition.objects.filter(at__gte=START_OF_TODAY).exists()
    assert not ContactAttempt.objects.filter(made_at__gte=START_OF_TODAY).exists()
    assert not Letter.objects.filter(sent_at__gte=START_OF_TODAY).exists()
    flow = compute_flow(shown)
    assert flow.referred > N * 0.9 and flow.leaves_add_up()


def test_the_morning_has_work_at_every_stage(demo):
    """What a hub has on a Monday morning: the weekend's new referrals waiting for their
    first call, calls due today, plans to review, a DVNA, survey or chase to do, letters
    rendered since Friday waiting for a VCC's check and for the post room."""
    new = Case.objects.filter(referred_at__gte=LAST_WORKING_DAY,
                              status=CaseStatus.AWAITING_CONTACT, attempts__isnull=True)
    assert new.filter(scheduled__kind=ItemKind.FIRST_CONTACT,
                      scheduled__state=ItemState.DUE).exists()
    calls = _due(kind__in=[ItemKind.FIRST_CONTACT, ItemKind.NEXT_ATTEMPT],
                 due_at__lt=END_OF_TODAY)
    assert calls.exists()
    reviews = _due(kind=ItemKind.PLAN_REVIEW, due_at__lt=END_OF_TODAY)
    assert reviews.exists()
    assert all(r.case.status == CaseStatus.IN_SUPPORT for r in reviews)
    assert _due(kind__in=[ItemKind.SURVEY, ItemKind.REFERRAL_CHASE, ItemKind.DVNA]).exists()
    # Postal letters the dispatcher rendered, waiting for a VCC's check or the print run.
    waiting = Letter.objects.filter(channel=Channel.POST, status=LetterStatus.RENDERED)
    assert waiting.filter(approved_at__isnull=True).exists()
    for letter in waiting:
        assert letter.pdf and letter.text and letter.rendered_at < START_OF_TODAY
        item = ScheduledItem.objects.get(dedupe_key=f"letter:{letter.pk}")
        assert item.state == ItemState.DONE and item.run.ran_at == letter.rendered_at
    assert set(postal_letters_waiting()) <= set(waiting.exclude(approved_at__isnull=True))
    # Most of the year is closed; what is open is a morning's caseload, not a year's.
    assert Case.objects.exclude(status=CaseStatus.CLOSED).count() < N * 0.15


def test_nothing_of_the_past_is_left_for_the_scheduler_or_on_my_work(demo):
    """When the scheduler starts this morning it finds no machine work of the past (what the
    dispatcher would have done is done in the history); the work people do from My work
    fell due no earlier than the last working day."""
    assert not _due(due_at__lt=START_OF_TODAY).exclude(kind__in=HUMAN_KINDS).exists()
    assert not _due(due_at__lt=LAST_WORKING_DAY).exists()
    assert _due(due_at__lt=START_OF_TODAY).exists()  # a few things already late
    # The daily stall check (contact.invariant) finds every open case with its next step.
    assert not stalled().exists()


def test_the_command_generates_up_to_today_by_default(demo):
    out = StringIO()
    call_command("generate_demo_data", "--victims", "30", "--append", "--seed", "3",
                 stdout=out)
    text = out.getvalue()
    assert f"twelve months up to {timezone.localdate()}" in text
    assert "leaves add up: yes" in text
