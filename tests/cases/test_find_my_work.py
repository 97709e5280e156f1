"""Finding and holding one's work (issue 16): "My cases" and the search in the header."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from scheduling.models import ItemKind
from scheduling.services import complete_human_items, schedule
from tests.factories import CaseFactory, CrimeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/cases/search/"
MINE = "/cases/mine/"


def search(client, term: str):
    response = client.post(reverse("cases:search"), {"q": term})
    assert response.status_code == 200
    return response.content.decode()


def open_results(page: str) -> str:
    return page.split("Open cases", 1)[1].split("Closed cases", 1)[0]


def closed_results(page: str) -> str:
    return page.split("Closed cases", 1)[1]


# --- Search ----------------------------------------------------------------------------


def test_urls_are_where_the_navigation_says():
    assert reverse("cases:search") == SEARCH
    assert reverse("cases:mine") == MINE


@pytest.mark.parametrize(
    "typed",
    ["{ref}", "{ref_lower}", "{ref_bare}", "{ref_spaced}", "{ref_groups}"],
)
def test_finds_a_case_by_its_reference_however_typed(client, vcc_user, typed):
    case = CaseFactory()
    other = CaseFactory()
    ref = case.reference
    term = typed.format(
        ref=ref, ref_lower=ref.lower(), ref_bare=ref.replace("-", "").lower(),
        ref_spaced=ref.replace("-", " "), ref_groups=ref[3:].replace("-", " "),
    )
    client.force_login(vcc_user)
    page = search(client, term)
    assert ref in open_results(page) and other.reference not in page


def test_finds_by_crime_reference_and_by_name(client, vcc_user):
    ann = CaseFactory(person=PersonFactory(first_name="Annika", last_name="Quillfeather"))
    bob = CaseFactory(
        person=PersonFactory(first_name="Bob", last_name="Other"),
        crime=CrimeFactory(reference="CF/99999/25"),
    )
    client.force_login(vcc_user)
    page = search(client, "cf/99999")
    assert bob.reference in page and ann.reference not in page
    page = search(client, "annika quill")
    assert ann.reference in page and bob.reference not in page
    page = search(client, "Quillfeather")
    assert ann.reference in page and bob.reference not in page


@pytest.mark.parametrize(
    "typed", ["07700 900123", "+44 7700 900123", "07700900123", "+447700900123", "07700-900-123"]
)
def test_finds_by_phone_number_whatever_its_spacing_or_prefix(client, vcc_user, typed):
    # Stored in E.164 however it came in (core/phones.py; tests/core/test_phones.py).
    case = CaseFactory(person=PersonFactory(phone="+447700900123"))
    other = CaseFactory(person=PersonFactory(phone="+447700900124"))
    client.force_login(vcc_user)
    page = search(client, typed)
    assert case.reference in page and other.reference not in page


@pytest.mark.parametrize("typed", ["cb1 2ab", "CB12AB", " Cb1  2aB "])
def test_finds_by_postcode_ignoring_spaces_and_case(client, vcc_user, typed):
    case = CaseFactory(person=PersonFactory(postcode="CB1 2AB"))
    other = CaseFactory(person=PersonFactory(postcode="CB1 2AC"))
    client.force_login(vcc_user)
    page = search(client, typed)
    assert case.reference in page and other.reference not in page


@pytest.mark.parametrize("typed", ["21/03/1980", "1980-03-21"])
def test_finds_by_date_of_birth(client, vcc_user, typed):
    case = CaseFactory(person=PersonFactory(date_of_birth=date(1980, 3, 21)))
    other = CaseFactory(person=PersonFactory(date_of_birth=date(1980, 3, 12)))
    client.force_login(vcc_user)
    page = search(client, typed)
    assert case.reference in page and other.reference not in page


def test_closed_cases_are_found_and_grouped_apart(client, vcc_user):
    person = PersonFactory(first_name="Zelda", last_name="Harrowgate")
    open_case = CaseFactory(person=person)
    closed = CaseFactory(person=person, status="closed")
    client.force_login(vcc_user)
    page = search(client, "Harrowgate")
    assert open_case.reference in open_results(page)
    assert closed.reference not in open_results(page)
    assert closed.reference in closed_results(page)


def test_the_term_is_in_no_url_and_no_session_and_the_next_visit_shows_every_case(
    client, vcc_user
):
    ann = CaseFactory(person=PersonFactory(first_name="Annika", last_name="Quillfeather"))
    bob = CaseFactory(person=PersonFactory(first_name="Bob", last_name="Other"))
    client.force_login(vcc_user)
    response = client.post(reverse("cases:search"), {"q": "Quillfeather"})
    assert response.status_code == 200  # the answer to the post: no redirect, no URL
    assert all("quillfeather" not in str(v).lower() for v in client.session.values())
    page = client.get(reverse("cases:list")).content.decode()
    assert ann.reference in page and bob.reference in page
    assert "2 cases" in page


def test_a_search_is_logged_as_a_read_of_what_it_found_without_the_term(client, vcc_user):
    ann = CaseFactory(person=PersonFactory(first_name="Annika", last_name="Quillfeather"))
    CaseFactory(person=PersonFactory(first_name="Bob", last_name="Other"))
    client.force_login(vcc_user)
    before = AccessLog.objects.count()
    search(client, "Quillfeather")
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("at")
    assert (row.action, row.case_ids, row.person_ids) == ("search", [ann.pk], [ann.person_id])
    assert row.user == vcc_user
    assert "quillfeather" not in f"{row.detail} {row.view_name}".lower()


def test_a_restricted_case_is_found_only_by_those_who_may_open_it(client, vcc_user, manager_user):
    other_vcc = UserFactory(role="vcc", username="vcc2")
    person = PersonFactory(first_name="Rhiannon", last_name="Sealwood")
    restricted = CaseFactory(person=person, restricted=True, allocated_to=vcc_user)
    for user, finds in ((vcc_user, True), (manager_user, True), (other_vcc, False)):
        client.force_login(user)
        for term in ("Sealwood", restricted.reference, restricted.crime.reference):
            page = search(client, term)
            # (the term is shown again in the search box: look at the results)
            assert (f'href="/cases/{restricted.pk}/"' in page) is finds, (user, term)
            assert (restricted.reference in open_results(page)) is finds, (user, term)


@pytest.mark.parametrize(
    ("term", "error"),
    [
        ("", "Enter a case or crime reference"),
        ("   ", "Enter a case or crime reference"),
        ("a", "Enter at least 2 characters"),
        ("x" * 101, "Enter 100 characters or fewer"),
    ],
)
def test_an_empty_or_too_short_term_is_an_error_on_the_form(client, vcc_user, term, error):
    CaseFactory()
    client.force_login(vcc_user)
    before = AccessLog.objects.count()
    page = search(client, term)
    assert "govuk-error-summary" in page and error in page
    assert "Open cases" not in page
    assert AccessLog.objects.count() == before


def test_many_matches_are_capped_per_group_with_a_message(client, vcc_user, monkeypatch):
    monkeypatch.setattr("casework.find_views.SEARCH_GROUP_LIMIT", 3)
    for _ in range(4):
        CaseFactory(person=PersonFactory(last_name="Manyfold"))
    client.force_login(vcc_user)
    page = search(client, "Manyfold")
    assert page.count('href="/cases/') - page.count('href="/cases/mine/') <= 3 + 2
    assert 'data-testid="search-more"' in page


def test_the_header_has_the_search_for_caseworkers_only(client, vcc_user, police_user):
    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()
    assert 'data-testid="header-search"' in page and 'action="/cases/search/"' in page
    assert 'method="post"' in page.split('data-testid="header-search"')[0].rsplit("<form", 1)[1]
    client.force_login(police_user)
    page = client.get(reverse("intake:my_submissions")).content.decode()
    assert 'data-testid="header-search"' not in page


def test_search_queries_do_not_grow_with_the_results(client, vcc_user,
                                                     django_assert_max_num_queries):
    for _ in range(30):
        CaseFactory(person=PersonFactory(last_name="Countwell"), allocated_to=vcc_user)
        CaseFactory(person=PersonFactory(last_name="Countwell"), status="closed")
    client.force_login(vcc_user)
    search(client, "Countwell")  # warm the session
    with django_assert_max_num_queries(14):
        search(client, "Countwell")


# --- My cases --------------------------------------------------------------------------


def _due(case, kind=ItemKind.FIRST_CONTACT, *, hours: float, deadline_hours=None):
    now = timezone.now()
    return schedule(
        kind=kind, case=case, due_at=now + timedelta(hours=hours),
        deadline_at=now + timedelta(hours=deadline_hours) if deadline_hours is not None else None,
    )


def test_my_cases_lists_every_open_case_of_mine_with_next_step_due_first(client, vcc_user):
    other_vcc = UserFactory(role="vcc", username="vcc2")
    later = CaseFactory(allocated_to=vcc_user, status="awaiting_contact")
    _due(later, ItemKind.FOLLOW_UP, hours=72)
    overdue = CaseFactory(allocated_to=vcc_user, status="in_support")
    _due(overdue, ItemKind.PLAN_REVIEW, hours=-30, deadline_hours=-2)
    nothing_due = CaseFactory(allocated_to=vcc_user, status="in_support")
    closed = CaseFactory(allocated_to=vcc_user, status="closed")
    not_mine = CaseFactory(allocated_to=other_vcc)
    client.force_login(vcc_user)

    page = client.get(MINE).content.decode()

    refs = [overdue.reference, later.reference, nothing_due.reference]
    assert all(r in page for r in refs)
    assert [page.index(r) for r in refs] == sorted(page.index(r) for r in refs)
    assert closed.reference not in page and not_mine.reference not in page
    row = page.split(overdue.reference)[1].split("</tr>")[0]
    assert "Recovery plan review" in row and "Overdue" in row
    row = page.split(later.reference)[1].split("</tr>")[0]
    assert "Follow-up call" in row and "Overdue" not in row
    assert "Nothing due" in page.split(nothing_due.reference)[1].split("</tr>")[0]
    assert "1 overdue" in page
    # Counts by status, each a link to the case list's filtered view.
    assert "/cases/?status=in_support&amp;allocated=me" in page
    assert "Recovery plan in place: 2" in page


def test_a_case_whose_due_item_was_done_stays_with_its_next_step(client, vcc_user):
    case = CaseFactory(allocated_to=vcc_user, status="in_support")
    _due(case, ItemKind.PLAN_REVIEW, hours=-1)
    _due(case, ItemKind.FOLLOW_UP, hours=24 * 14)
    client.force_login(vcc_user)
    assert case.reference in client.get(reverse("scheduling:my_work")).content.decode()

    complete_human_items(case=case, kinds=[ItemKind.PLAN_REVIEW], by=vcc_user)

    assert case.reference not in client.get(reverse("scheduling:my_work")).content.decode()
    page = client.get(MINE).content.decode()
    row = page.split(case.reference)[1].split("</tr>")[0]
    assert "Follow-up call" in row and "Recovery plan review" not in row


def test_my_cases_is_logged_as_a_read(client, vcc_user):
    case = CaseFactory(allocated_to=vcc_user)
    client.force_login(vcc_user)
    client.get(MINE)
    row = AccessLog.objects.latest("at")
    assert row.user == vcc_user and row.case_ids == [case.pk] and row.action == "list"


def test_my_cases_queries_do_not_grow_with_the_cases(client, vcc_user,
                                                     django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            case = CaseFactory(allocated_to=vcc_user)
            _due(case, hours=i)

    make(2)
    client.force_login(vcc_user)
    client.get(MINE)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(MINE)
    make(25)
    with django_assert_max_num_queries(len(few)):
        page = client.get(MINE).content.decode()
    assert page.count('data-testid="my-case"') == 27
    assert len(few) <= 14


def test_the_case_list_filters_by_allocated_to_me(client, vcc_user):
    other_vcc = UserFactory(role="vcc", username="vcc2")
    mine = CaseFactory(allocated_to=vcc_user)
    theirs = CaseFactory(allocated_to=other_vcc)
    nobody = CaseFactory()
    client.force_login(vcc_user)
    page = client.get(reverse("cases:list"), {"allocated": "me"}).content.decode()
    assert mine.reference in page
    assert theirs.reference not in page and nobody.reference not in page
    page = client.get(reverse("cases:list")).content.decode()
    assert all(c.reference in page for c in (mine, theirs, nobody))


def test_my_cases_is_in_the_navigation_and_linked_from_my_work(client, vcc_user, manager_user):
    for user in (vcc_user, manager_user):
        client.force_login(user)
        page = client.get(reverse("scheduling:my_work")).content.decode()
        assert page.count(f'href="{MINE}"') >= 2  # the navigation and My work's own link
