"""The search's plan: a name or a crime reference is found on its own table through the
trigram indexes, never by reading every person and every crime (0.6 s a search at 300,000
cases, bench/RESULTS.md). What it finds is tested in tests/cases/test_find_my_work.py."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.models import Case
from cases.selectors import search_cases
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # With sequential scans priced out, a plan that can use the indexes does.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("term", ["Ahmed", "Sam Ahmed", "CF/123"])
def test_names_and_references_are_looked_up_by_their_trigram_indexes(term):
    plan = _plan(search_cases(Case.objects.all(), term).order_by("-referred_at")[:26])
    assert "crime_ref_trgm" in plan, plan
    if "/" not in term:
        assert "person_last_trgm" in plan and "person_first_trgm" in plan, plan
    assert "Seq Scan on cases_person" not in plan and "Seq Scan on cases_crime" not in plan


def test_a_phone_number_is_looked_up_by_the_person_it_belongs_to():
    wanted = CaseFactory(person=PersonFactory(phone="+447700900123"))
    CaseFactory(person=PersonFactory(phone="+447700900999"))
    assert list(search_cases(Case.objects.all(), "07700 900123")) == [wanted]
    assert list(search_cases(Case.objects.all(), "+44 7700 900123")) == [wanted]


def test_the_case_pages_possible_matches_are_found_by_the_normalised_name_index():
    from cases.people import candidates_for

    person = PersonFactory(first_name="Ann", last_name="Smith  Jones")
    plan = _plan(candidates_for(person))
    assert "person_last_norm" in plan, plan
    assert "Seq Scan on cases_person" not in plan, plan
