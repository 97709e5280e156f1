"""The team page (issue 16): moving a person's cases shows them first and moves exactly
those on confirmation; every count links to the cases behind it and the counts add up."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case
from scheduling.services import schedule
from tests.factories import CaseFactory, user_with_role

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(r'href="(/cases/\?[^"]+)" data-column="(\w+)" data-count="(\d+)"')


def work(case, *, due_in_hours=-1, deadline_in_hours=8, kind="first_contact"):
    now = timezone.now()
    return schedule(
        kind=kind, case=case, due_at=now + timedelta(hours=due_in_hours),
        deadline_at=now + timedelta(hours=deadline_in_hours),
    )


@pytest.fixture
def team(vcc_user):
    """Two VCCs with open cases (due, overdue, later, none), the queue, and closed cases."""
    other = user_with_role(Role.VCC, first_name="Olu", last_name="Other")
    for holder in (vcc_user, other, None):
        work(CaseFactory(allocated_to=holder, status="awaiting_contact"))  # due today
        work(CaseFactory(allocated_to=holder, status="awaiting_contact"),
             deadline_in_hours=-2)  # overdue (and past the Victims' Code deadline)
        work(CaseFactory(allocated_to=holder, status="in_support"), due_in_hours=72,
             kind="review")  # due later
        CaseFactory(allocated_to=holder, status="in_support")  # nothing due
        closed = CaseFactory(allocated_to=holder, status="closed")
        work(closed, deadline_in_hours=-2)  # a closed case is in no count
    # Two cases more for one VCC: the lines differ.
    work(CaseFactory(allocated_to=vcc_user, status="awaiting_contact"), deadline_in_hours=-1)
    CaseFactory(allocated_to=vcc_user, status="accepted")
    return other


def _rows_on_list(client, url: str) -> int:
    page = client.get(url).content.decode()
    shown = int(re.search(r'data-testid="case-count">(\d+) case', page).group(1))
    rows = len(re.findall(r'<td class="govuk-table__cell hub-nowrap"><a class="govuk-link" '
                          r'href="/cases/\d+/"', page))
    assert rows == shown  # every case of the count on one page (fewer than a page here)
    return rows


def test_every_count_links_to_a_list_of_exactly_that_many_cases(client, manager_user, team):
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    links = COUNT_LINK.findall(page)
    # 3 lines with cases (two VCCs and the queue; the manager holds none) and the total,
    # three columns each, and the Victims' Code count.
    assert len(links) >= 3 * 3 + 3
    for url, column, count in links:
        assert _rows_on_list(client, unescape(url)) == int(count), (column, url)
    code = re.search(r'href="(/cases/\?[^"]+)" data-testid="victims-code-overdue">(\d+)', page)
    assert int(code.group(2)) == 4
    assert _rows_on_list(client, unescape(code.group(1))) == 4


def test_the_lines_add_up_to_the_hub_total_in_every_column(client, manager_user, team):
    client.force_login(manager_user)
    page = client.get(reverse("scheduling:team")).content.decode()
    body, total = page.split('data-testid="team-total"')
    for column, expected_total in (("open", 14), ("due", 7), ("overdue", 4)):
        lines = [int(n) for n in re.findall(
            rf'data-column="{column}" data-count="(\d+)"', body)]
        total_count = int(re.search(rf'data-column="{column}" data-count="(\d+)"',
                                    total).group(1))
        assert sum(lines) == total_count == expected_total, column


def test_team_page_queries_do_not_grow_with_the_team(
    client, manager_user, team, django_assert_max_num_queries
):
    client.force_login(manager_user)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("scheduling:team"))
    for n in range(8):
        member = user_with_role(Role.VCC, first_name=f"Extra{n}")
        work(CaseFactory(allocated_to=member, status="awaiting_contact"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("scheduling:team")).status_code == 200


def test_moving_cases_shows_them_first_and_moves_nothing_until_confirmed(
    client, manager_user, vcc_user, team
):
    cover = team
    mine = list(Case.objects.filter(allocated_to=vcc_user, status__in=(
        "awaiting_contact", "in_support", "accepted")).select_related("person"))
    before = dict(Case.objects.values_list("pk", "allocated_to"))
    client.force_login(manager_user)
    response = client.post(
        reverse("scheduling:reallocate"), {"from_user": vcc_user.pk, "to_user": cover.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert dict(Case.objects.values_list("pk", "allocated_to")) == before  # nothing moved
    assert page.count('data-testid="case-to-move"') == len(mine) == 6
    for case in mine:
        assert case.reference in page and case.person.full_name in page
    assert "Awaiting contact" in page and "Nothing due" in page and "Nothing has moved yet" in page

    # Between the look and the confirmation: one case closes, one goes to the queue, and a
    # new one is allocated to the absent VCC.
    closed, queued, *rest = mine
    Case.objects.filter(pk=closed.pk).update(status="closed")
    Case.objects.filter(pk=queued.pk).update(allocated_to=None)
    newcomer = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")

    shown = re.findall(r'name="case" value="(\d+)"', page)
    response = client.post(
        reverse("scheduling:reallocate"),
        {"from_user": vcc_user.pk, "to_user": cover.pk, "case": shown, "confirm": "yes"},
        follow=True,
    )
    page = unescape(response.content.decode())
    assert f"4 open cases moved from {vcc_user} to {cover}" in page
    assert f"{closed.reference} was not moved: it is now 'Closed'" in page
    assert f"{queued.reference} was not moved: it is now with the unallocated queue" in page
    assert set(Case.objects.filter(allocated_to=cover, pk__in=[c.pk for c in mine])) == set(rest)
    newcomer.refresh_from_db()
    assert newcomer.allocated_to == vcc_user  # not shown, so not moved
    closed.refresh_from_db()
    assert closed.allocated_to == vcc_user


def test_moving_to_the_same_person_is_refused_before_anything_is_shown(
    client, manager_user, vcc_user, team
):
    client.force_login(manager_user)
    response = client.post(
        reverse("scheduling:reallocate"), {"from_user": vcc_user.pk, "to_user": vcc_user.pk},
        follow=True,
    )
    assert "Choose someone else to cover these cases" in response.content.decode()

