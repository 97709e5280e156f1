"""The IVNA batch in bulk (intake.bulk, issue 17): its cost does not grow with the number of
new items, the whole batch sent again writes nothing, and two batches sharing people and
crimes at the same moment neither wait for each other for ever nor make anything twice.
(That the bulk outcome is the single path's, row for row: test_bulk_equivalence.py.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiClient
from accounts.roles import Role
from accounts.services import create_api_client
from cases.models import Case, CaseTransition, Crime, Person
from intake.bulk import record_ivnas
from intake.models import Ivna, SubmittedVia
from tests.factories import ivna_payload, user_with_role
from tests.intake.test_api_ivna import token_client
from tests.intake.test_bulk_equivalence import everything, the_batch

URL = "/api/v1/ivnas/batch/"


def ivna(n: int, person: int | None = None, **overrides) -> dict:
    return ivna_payload(**{
        "crime__reference": f"CF/{40000 + n}/25",
        "victim__police_person_id": f"Q-{n if person is None else person:06d}", **overrides,
    })


def queries_for(client, body) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, body, format="json")
    assert response.status_code == 200
    assert [r["status"] for r in response.json()] == [201] * len(body)
    return len(queries)


@pytest.mark.django_db
def test_a_batch_of_new_ivnas_costs_the_same_few_queries_however_many(police_api):
    queries_for(police_api, [ivna(1000)])  # the client's first use is recorded once
    small = queries_for(police_api, [ivna(n) for n in range(20)])
    large = queries_for(police_api, [ivna(n) for n in range(100, 300)])

    assert large == small
    assert large <= 30
    assert Case.objects.count() == Ivna.objects.count() == 221


@pytest.mark.django_db
def test_the_whole_batch_sent_again_answers_200_and_writes_nothing():
    officer = user_with_role(Role.POLICE)
    # Every item with a police person id, as the API requires: the crime system's name for
    # the IVNA is its crime reference and police person id.
    batch = [sub for sub in the_batch() if sub.victim.police_person_id]
    first = record_ivnas(batch, by=officer, via=SubmittedVia.API)
    never = timezone.now() + timedelta(days=3650)  # every time kept as it is
    before = everything(never)

    again = record_ivnas(batch, by=officer, via=SubmittedVia.API)

    refused = [i for i, outcome in enumerate(first) if not hasattr(outcome, "case")]
    assert refused == [19, 25]  # the two date errors, refused again
    assert [i for i, outcome in enumerate(again) if not hasattr(outcome, "case")] == refused
    kept = [(i, o) for i, o in enumerate(again) if i not in refused]
    assert [(i, o.created, o.amended) for i, o in kept if o.created or o.amended] == []
    assert all(o.case.pk == first[i].case.pk for i, o in kept)
    assert everything(never) == before


def _post_at_once(bodies: list[list[dict]]) -> list:
    """POST each batch from its own thread (own connection), all released together."""
    api_client, key = create_api_client(name="crime-system", role=Role.POLICE)
    ApiClient.objects.filter(pk=api_client.pk).update(last_used_at=timezone.now())
    barrier = threading.Barrier(len(bodies))
    responses: list = [None] * len(bodies)
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = token_client(key).post(URL, bodies[index], format="json")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_batches_sharing_people_and_crimes_at_once_make_each_once():
    # The same IVNAs in the opposite order, a second victim of a crime of the other batch, a
    # second crime of a person of the other batch, and IVNAs of their own.
    first = [ivna(n) for n in range(30)]
    second = [ivna(n) for n in reversed(range(20, 30))]
    second += [ivna(100 + n, person=n) for n in range(5)]  # known people, new crimes
    second += [ivna(n, person=200 + n) for n in range(5, 10)]  # known crimes, new people
    second += [ivna(300 + n) for n in range(20)]
    pairs = {(b["crime"]["reference"], b["victim"]["police_person_id"]) for b in first + second}

    responses = _post_at_once([first, second])

    assert [r.status_code for r in responses] == [200, 200], [r.content for r in responses]
    results = [r.json() for r in responses]
    assert all(item["status"] in (200, 201) for batch in results for item in batch), results
    # Each IVNA in both batches is one case, answered with the same case in each.
    assert [r["case_id"] for r in results[0][20:30]] == [
        r["case_id"] for r in reversed(results[1][:10])]
    assert sum(item["status"] == 201 for batch in results for item in batch) == len(pairs)
    with transaction.atomic():
        assert Case.objects.count() == Ivna.objects.count() == len(pairs)
        assert Crime.objects.count() == len({ref for ref, _ in pairs})
        assert Person.objects.count() == len({person for _, person in pairs})
        assert CaseTransition.objects.count() == 2 * len(pairs)


BAD_BODIES = [
    None, "text", [], 12, {},
    {"crime": {}, "victim": {}, "assessment": {}},
    ivna_payload(victim__first_name=12, crime__markers="domestic_abuse"),
    ivna_payload(victim__phone="not a phone", victim__email="nope",
                 crime__offence_date="0001-01-01"),
    ivna_payload(assessment__dash_yes_count=99, assessment__priority_categories=["x"] * 11),
    {**ivna_payload(), "extra": 1},
    ivna_payload(victim__address={"line1": "x", "flat": "2"}, crime__reference="ß" * 30),
    ivna_payload(victim__first_language="EN", assessment__needs_support="yes"),
]


@pytest.mark.parametrize("item", BAD_BODIES)
def test_a_batch_item_is_checked_with_the_single_endpoints_messages(item):
    from intake.api.serializers import IvnaSerializer, validate_ivnas

    single = IvnaSerializer(data=item)
    assert not single.is_valid()
    assert validate_ivnas([item, ivna_payload()])[0] == single.errors


def test_a_good_batch_item_is_the_single_endpoints_submission():
    from intake.api.serializers import IvnaSerializer, validate_ivnas

    body = ivna_payload(victim__phone="07700 900123", crime__reference=" cf/1/25 ")
    single = IvnaSerializer(data=body)
    assert single.is_valid()
    assert validate_ivnas([body]) == [single.to_submission()]
