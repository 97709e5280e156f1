"""Case references say nothing of how many victims the hub has (issue 13): random, stored,
never reused, quoted in letters and found by search."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.urls import reverse

import cases.services
from cases.models import Case
from cases.selectors import search_cases
from core.references import REFERENCE_PATTERN
from tests.factories import CaseFactory, ivna_payload

URL = "/api/v1/ivnas/"


def test_consecutive_ivnas_get_random_references_that_do_not_count(police_api):
    made = []
    for n in range(3):
        body = ivna_payload()
        body["crime"]["reference"] = f"CF/7000{n}/26"
        response = police_api.post(URL, body, format="json")
        assert response.status_code == 201, response.json()
        made.append(Case.objects.get(pk=response.json()["case_id"]))
    references = [case.reference for case in made]
    assert all(re.fullmatch(REFERENCE_PATTERN, r) for r in references), references
    assert len(set(references)) == 3
    # Not the case number (VH-000123 told the public how many cases the hub had).
    assert all(case.reference != f"VH-{case.pk:06d}" for case in made)
    assert not any(re.fullmatch(r"VH-\d+", r) for r in references)


def test_a_new_case_never_takes_a_reference_already_given(monkeypatch, police_api):
    taken = CaseFactory(reference="VH-2222-2222")
    draws = iter(["VH-2222-2222", "VH-3333-3333"])
    monkeypatch.setattr(cases.services, "new_reference", lambda: next(draws))

    response = police_api.post(URL, ivna_payload(), format="json")

    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.reference == "VH-3333-3333" and taken.reference == "VH-2222-2222"
    with pytest_raises_integrity():
        Case.objects.filter(pk=case.pk).update(reference=taken.reference)


class pytest_raises_integrity:
    """The database refuses a second case with the same reference."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, kind, value, tb):
        self.atomic.__exit__(kind, value, tb)
        assert kind is IntegrityError, "a duplicate reference was accepted"
        return True


def test_staff_find_a_case_by_the_reference_a_caller_reads_out(client, vcc_user):
    wanted, other = CaseFactory(), CaseFactory()
    assert list(search_cases(Case.objects.all(), wanted.reference.lower())) == [wanted]

    client.force_login(vcc_user)
    page = client.post(reverse("cases:search"), {"q": f" {wanted.reference} "}).content.decode()
    assert f'href="/cases/{wanted.pk}/"' in page and other.reference not in page
