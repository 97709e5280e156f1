"""POST /api/v1/ivnas/batch/ (issue 17): the crime system's daily transfer. One result per
item in order, each item idempotent as the single endpoint is, one bad item never failing the
others, and nothing of a refused item kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, Crime, Person
from intake.models import Ivna
from tests.factories import ivna_payload

URL = "/api/v1/ivnas/batch/"
pytestmark = pytest.mark.django_db


def ivna(n: int, **overrides) -> dict:
    return ivna_payload(
        crime__reference=f"CF/{20000 + n}/25", victim__police_person_id=f"N-{n:06d}",
        **overrides,
    )


def post(client, body):
    return client.post(URL, body, format="json")


def test_results_come_in_order_and_a_bad_item_fails_alone(police_api):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad_date = ivna(2)
    bad_date["crime"]["offence_date"] = future
    body = [ivna(1), bad_date, ivna(3, victim__first_name=12), ivna(4)]

    response = post(police_api, body)

    assert response.status_code == 200, response.content
    results = response.json()
    assert [r["status"] for r in results] == [201, 400, 400, 201]
    assert "offence_date" in results[1]["errors"]["crime"]
    assert "first_name" in results[2]["errors"]["victim"]
    saved = set(Case.objects.values_list("crime__reference", flat=True))
    assert saved == {"CF/20001/25", "CF/20004/25"}
    assert not Crime.objects.filter(reference__in=["CF/20002/25", "CF/20003/25"]).exists()
    for result in (results[0], results[3]):
        case = Case.objects.get(pk=result["case_id"])
        assert (case.person_id, case.route) == (result["victim_id"], result["route"])
        assert Ivna.objects.filter(case=case).count() == 1


def test_the_whole_batch_sent_again_creates_nothing(police_api):
    body = [ivna(n) for n in range(5)]
    first = post(police_api, body).json()
    counts = (Person.objects.count(), Case.objects.count(), Ivna.objects.count())

    again = post(police_api, body).json()

    assert [r["status"] for r in first] == [201] * 5
    assert [r["status"] for r in again] == [200] * 5
    assert [r["case_id"] for r in again] == [r["case_id"] for r in first]
    assert (Person.objects.count(), Case.objects.count(), Ivna.objects.count()) == counts


def test_the_same_ivna_twice_in_one_batch_is_one_case(police_api):
    results = post(police_api, [ivna(7), ivna(7)]).json()
    assert [r["status"] for r in results] == [201, 200]
    assert results[0]["case_id"] == results[1]["case_id"]
    assert Case.objects.count() == 1


def test_an_amendment_in_a_batch_says_so(police_api):
    post(police_api, [ivna(8)])
    results = post(police_api, [ivna(8, assessment__notes="Now lives with her sister.")]).json()
    assert results[0]["status"] == 200 and results[0]["amended"] is True


@pytest.mark.parametrize("body", [[], {"crime": {}}, "text", [ivna(0)] * 501])
def test_a_body_that_is_not_a_list_of_1_to_500_is_refused(police_api, body):
    response = post(police_api, body)
    assert response.status_code == 400
    assert response.json() == {"body": ["Send a JSON list of 1 to 500 IVNAs."]}
    assert not Case.objects.exists()


def test_only_a_client_that_may_submit_ivnas(opcc_api):
    assert post(opcc_api, [ivna(1)]).status_code == 403
    assert post(APIClient(), [ivna(1)]).status_code == 401
    assert not Case.objects.exists()


@override_settings(API_MAX_BATCH_BODY_BYTES=2000)
def test_a_body_over_the_batch_limit_is_refused_unread(police_api):
    response = post(police_api, [ivna(n) for n in range(3)])
    assert response.status_code == 413
    assert not Case.objects.exists()


def test_items_not_new_cost_what_they_cost_one_at_a_time(
    police_api, django_assert_max_num_queries
):
    """An item for a person or crime the hub knows goes through record_ivna on its own (new
    ones go in bulk: test_bulk_batch.py), at the single IVNA's cost (with a known person's
    lookups) plus a few for the batch: no query per item per item."""
    post(police_api, [ivna(n) for n in range(40)])
    body = [ivna_payload(crime__reference=f"CF/{30000 + n}/25",
                         victim__police_person_id=f"N-{n:06d}") for n in range(40)]
    with django_assert_max_num_queries(40 * 26 + 10):
        results = post(police_api, body).json()
    assert [r["status"] for r in results] == [201] * 40
    assert Case.objects.count() == 80 and Person.objects.count() == 40
