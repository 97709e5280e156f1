"""'My work': due and overdue work, oldest first; the manager's view of the team."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case
from scheduling.services import schedule
from tests.factories import (
    CaseFactory,
    IvnaFactory,
    LetterFactory,
    PersonFactory,
    user_with_role,
)
from tests.plans import only_index_left

pytestmark = pytest.mark.django_db


def first_call(case, *, hours_ago=1, deadline_in_hours=8):
    now = timezone.now()
    return schedule(
        kind="first_contact",
        case=case,
        due_at=now - timedelta(hours=hours_ago),
        deadline_at=now + timedelta(hours=deadline_in_hours),
    )


def test_my_work_lists_my_due_work_then_the_queue_oldest_first(client, vcc_user):
    other_vcc = user_with_role(Role.VCC)
    mine_new = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
    mine_old = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
    queued = CaseFactory(status="awaiting_contact")
    theirs = CaseFactory(allocated_to=other_vcc, status="awaiting_contact")
    later = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
    first_call(mine_new, hours_ago=1)
    first_call(mine_old, hours_ago=30, deadline_in_hours=-6)  # past its Victims' Code deadline
    first_call(queued)
    first_call(theirs)
    schedule(kind="next_attempt", case=later, due_at=timezone.now() + timedelta(days=2))

    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()

    assert page.index(mine_old.reference) < page.index(mine_new.reference)  # oldest first
    assert page.index(mine_new.reference) < page.index(queued.reference)  # then the queue
    assert theirs.reference not in page
    assert later.reference not in page  # not due yet
    assert 'data-testid="count-overdue">1<' in page
    assert "Overdue" in page


def test_a_vcc_takes_a_case_from_the_queue(client, vcc_user):
    case = CaseFactory(status="awaiting_contact")
    first_call(case)
    client.force_login(vcc_user)
    client.post(reverse("cases:allocate", args=[case.pk]), {"to": "me", "next": "/work/"})
    case.refresh_from_db()
    assert case.allocated_to == vcc_user


def test_a_vcc_cannot_take_someone_elses_case(client, vcc_user):
    other = user_with_role(Role.VCC)
    case = CaseFactory(allocated_to=other)
    client.force_login(vcc_user)
    response = client.post(reverse("cases:allocate", args=[case.pk]), {"to": "me"}, follow=True)
    assert "Only a hub manager can allocate" in response.content.decode()
    case.refresh_from_db()
    assert case.allocated_to == other


def test_letters_to_approve_are_approved_for_the_post_room(client, vcc_user):
    case = CaseFactory(person=PersonFactory(email="", address_line1="1 High St",
                                            postcode="PE13 1AA"))
    letter = LetterFactory(case=case, kind="introductory", channel="post",
                           status="rendered", rendered_at=timezone.now(), pdf=b"%PDF")
    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()
    assert 'data-testid="count-letters">1<' in page
    client.post(reverse("scheduling:approve_letters"), {"letter": [letter.pk]})
    letter.refresh_from_db()
    assert letter.approved_by == vcc_user


def test_the_letters_waiting_index_covers_only_rendered_letters(db):
    """The partial index My work relies on (bench/RESULTS.md: My work at 300,000 cases)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'contact_letter' "
            "AND indexname = 'letters_rendered_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "(created_at)" in definition
    assert definition.endswith("WHERE ((status)::text = 'rendered'::text)"), definition


@pytest.mark.parametrize("query", ["letters to approve", "approved, for the post room"])
def test_the_letters_waiting_are_found_by_index_not_by_reading_every_letter(vcc_user, query):
    """Both filters imply the partial index's condition (status 'rendered'), so PostgreSQL
    can use it however many letters have been sent.

    Whether the planner *prefers* it depends on the table's statistics, so the test asks
    only whether it *can*: inside a transaction that is rolled back, every other index of
    the letters table is dropped and sequential scans are switched off; the index is then
    in the plan if and only if the query's conditions imply its predicate."""
    from django.db import connection, transaction

    from casework.work_selectors import letters_to_approve
    from contact.letters import postal_letters_waiting

    letters = (letters_to_approve(vcc_user) if query == "letters to approve"
               else postal_letters_waiting(vcc_user))
    with transaction.atomic(), connection.cursor() as cursor:
        only_index_left(cursor, table="contact_letter", index="letters_rendered_idx")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = letters.explain()
        transaction.set_rollback(True)
    assert "letters_rendered_idx" in plan, plan


def test_my_work_queries_do_not_grow_with_items(client, vcc_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("scheduling:my_work")).status_code == 200
        return len(captured)

    def letter(n):
        # On cases with an IVNA and without: the safe-to-write answer is read in the query
        # that picks the letters out, not once a letter.
        case = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
        if n % 2:
            IvnaFactory(case=case, safe_to_write=None if n % 4 == 1 else True)
        LetterFactory(case=case, channel="post", status="rendered")

    client.force_login(vcc_user)
    # One of each list: mine, the queue, a letter to check, a letter to approve.
    first_call(CaseFactory(allocated_to=vcc_user, status="awaiting_contact"))
    first_call(CaseFactory(status="awaiting_contact"))
    letter(0), letter(1)
    few = queries()
    # More than a page of each (WORK_PAGE_SIZE): the same queries.
    for n in range(60):
        first_call(CaseFactory(allocated_to=vcc_user, status="awaiting_contact"))
        first_call(CaseFactory(status="awaiting_contact"))
        letter(n)
    assert queries() == few


def test_each_list_shows_its_oldest_page_with_its_whole_count_and_pages_on(client, vcc_user):
    """My work costs the same with 5,000 items due as with 25 (issue 17), and no item is out
    of reach: each list shows its oldest page (WORK_PAGE_SIZE) with its exact count, and pages
    on by its own link, keeping the other lists where they were."""
    from casework.work_views import WORK_PAGE_SIZE

    queued = []
    for n in range(WORK_PAGE_SIZE + 7):
        case = CaseFactory(status="awaiting_contact")
        # queued[0] is the oldest; every third is past its Victims' Code deadline.
        first_call(case, hours_ago=200 - n, deadline_in_hours=-1 if n % 3 == 0 else 5)
        queued.append(case)
    mine = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
    first_call(mine, hours_ago=2, deadline_in_hours=-1)
    client.force_login(vcc_user)

    page = client.get(reverse("scheduling:my_work")).content.decode()
    queue = page.split('id="queue"')[1].split('id="check"')[0]
    total = WORK_PAGE_SIZE + 7
    assert f'data-testid="count-queue">{total}<' in page
    assert 'data-testid="count-mine">1<' in page
    # Counted over the whole queue, not the page shown: every third, and mine.
    overdue = len(range(0, WORK_PAGE_SIZE + 7, 3)) + 1
    assert f'data-testid="count-overdue">{overdue}<' in page
    assert f"Showing 1 to {WORK_PAGE_SIZE} of {total}, oldest first." in queue
    assert queue.count('data-testid="work-item"') == WORK_PAGE_SIZE
    assert queued[0].reference in queue and queued[-1].reference not in queue
    assert 'href="?queue=2#queue"' in queue

    page = client.get(reverse("scheduling:my_work"), {"queue": 2, "mine": 1}).content.decode()
    queue = page.split('id="queue"')[1].split('id="check"')[0]
    assert f"Showing {WORK_PAGE_SIZE + 1} to {total} of {total}, oldest first." in queue
    assert [c.reference for c in queued if c.reference in queue] == [
        c.reference for c in queued[WORK_PAGE_SIZE:]
    ]
    assert 'href="?mine=1&amp;queue=1#queue"' in queue  # back, keeping My cases' page
    assert mine.reference in page.split('id="mine"')[1].split('id="queue"')[0]
    assert 'data-testid="showing-mine"' not in page  # one page: no paging said


def test_the_letter_counts_are_exact_past_a_page(client, vcc_user, monkeypatch):
    """The counts were the lengths of lists capped at 200: past that they undercounted."""
    monkeypatch.setattr("casework.work_views.WORK_PAGE_SIZE", 2)
    for _ in range(3):  # at risk: safe to write not given
        IvnaFactory(case=CaseFactory(status="awaiting_contact"), safe_to_write=None)
        LetterFactory(case=Case.objects.latest("pk"), channel="email", status="rendered")
    for _ in range(5):  # ordinary postal letters
        case = IvnaFactory(case=CaseFactory(status="awaiting_contact"), safe_to_write=True).case
        LetterFactory(case=case, channel="post", status="rendered")
    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()
    assert 'data-testid="count-letters">8<' in page
    assert "Showing 1 to 2 of 3, oldest first." in page.split('id="check"')[1]
    assert "Showing 1 to 2 of 5, oldest first." in page.split('id="approve"')[1]
    assert page.split('id="approve"')[1].count('name="letter"') == 2


def test_manager_sees_each_vccs_load_and_covers_an_absence(client, manager_user, vcc_user):
    cover = user_with_role(Role.VCC, first_name="Cora", last_name="Cover")
    for _ in range(3):
        first_call(CaseFactory(allocated_to=vcc_user, status="awaiting_contact"),
                   deadline_in_hours=-1)
    closed = CaseFactory(allocated_to=vcc_user, status="closed")
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    assert 'data-testid="victims-code-overdue">3<' in page
    shown = client.post(
        reverse("scheduling:reallocate"), {"from_user": vcc_user.pk, "to_user": cover.pk}
    ).content.decode()
    response = client.post(
        reverse("scheduling:reallocate"),
        {"from_user": vcc_user.pk, "to_user": cover.pk, "confirm": "yes",
         "case": re.findall(r'name="case" value="(\d+)"', shown)},
        follow=True,
    )
    assert "3 open cases moved" in response.content.decode()
    assert Case.objects.filter(allocated_to=cover).count() == 3
    closed.refresh_from_db()
    assert closed.allocated_to == vcc_user  # closed cases stay where they were


def test_only_managers_see_the_team(client, vcc_user):
    client.force_login(vcc_user)
    assert client.get(reverse("scheduling:team")).status_code == 403
    assert client.post(reverse("scheduling:reallocate"), {}).status_code == 403


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999", "2.5", ""])
def test_a_page_number_typed_by_hand_gives_a_page_never_an_error(client, vcc_user, value):
    """A page number is the only thing My work reads from its address: anything else in it
    falls back to the first or last page of that list, never a 500."""
    case = CaseFactory(status="awaiting_contact")
    first_call(case)
    client.force_login(vcc_user)
    response = client.get(reverse("scheduling:my_work"), {"queue": value, "rights": value})
    assert response.status_code == 200
    assert case.reference in response.content.decode().split('id="queue"')[1]
