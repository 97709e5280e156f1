"""The search's plan: a name or a crime reference is found on its own table through the
trigram indexes, never by reading every person and every crime (0.6 s a search at 300,000
cases, bench/RESULTS.md). What it finds is tested in tests/cases/test_find_my_work.py."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.models import Case
from cases.selectors import search_cases
from tests.factories import CaseFactory, PersonFactory
from tests.plans import only_index_left

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("term", ["Ahmed", "Sam Ahmed", "CF/123", "07700 900123"])
def test_names_and_references_are_looked_up_on_their_own_tables(term):
    # Which plan PostgreSQL picks depends on the tables' statistics; what decides whether
    # it *can* use the trigram indexes is the query's shape: the people and the crimes are
    # matched in subqueries of their own, never by an OR over the cases joined to them.
    sql = str(search_cases(Case.objects.all(), term).query)
    assert 'JOIN "cases_person"' not in sql and 'JOIN "cases_crime"' not in sql, sql
    assert 'FROM "cases_person"' in sql and 'FROM "cases_crime"' in sql, sql


def test_a_phone_number_is_looked_up_by_the_person_it_belongs_to():
    wanted = CaseFactory(person=PersonFactory(phone="+447700900123"))
    CaseFactory(person=PersonFactory(phone="+447700900999"))
    assert list(search_cases(Case.objects.all(), "07700 900123")) == [wanted]
    assert list(search_cases(Case.objects.all(), "+44 7700 900123")) == [wanted]


def test_the_case_pages_possible_matches_can_use_the_normalised_name_index():
    """Whether the planner *prefers* the index depends on the statistics (on a small table
    another index may do); that it *can* use it, that the query's expression is the index's,
    is tested with every other index of the people dropped in a rolled-back transaction."""
    from django.db import transaction

    from cases.people import candidates_for

    person = PersonFactory(first_name="Ann", last_name="Smith  Jones")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the person's deferred checks, now
        only_index_left(cursor, table="cases_person", index="person_last_norm")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = candidates_for(person).explain()
        transaction.set_rollback(True)
    assert "person_last_norm" in plan, plan
