"""Allocation suggests who fits (issue 13): the manager's list of staff puts first those who
speak the victim's language, cover their district and have the specialism the case calls
for, and says why."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from casework.allocation import case_specialisms, suggested_caseworkers
from tests.factories import CaseFactory, CrimeFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_those_who_fit_come_first_with_why(client, manager_user):
    plain = user_with_role(Role.VCC, username="a-plain", first_name="Alex", last_name="Adams")
    fits = user_with_role(Role.VCC, username="z-fits", first_name="Zofia", last_name="Zielinska",
                          languages=["Polish"], districts=["fenland"],
                          specialisms=["domestic_abuse", "mental_health"])
    case = CaseFactory(
        person=PersonFactory(first_language="pl", district="fenland"),
        crime=CrimeFactory(markers=["domestic_abuse"]),
    )
    ranked = suggested_caseworkers(case)
    assert ranked[0].member == fits
    assert ranked[0].reasons == ["speaks Polish", "covers Fenland", "domestic abuse"]
    assert next(s for s in ranked if s.member == plain).reasons == []
    client.force_login(manager_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    options = page.split('id="allocate-to"')[1].split("</select>")[0]
    assert options.index("Zofia Zielinska") < options.index("Alex Adams")
    assert "Zofia Zielinska (speaks Polish, covers Fenland, domestic abuse)" in options


def test_what_a_case_calls_for():
    child = PersonFactory(date_of_birth=date(2015, 1, 1))
    older = PersonFactory(date_of_birth=date(1940, 1, 1))
    rape = CrimeFactory(crime_type="sexual_offences", markers=["serious_sexual_offence"])
    assert case_specialisms(CaseFactory(person=child, crime=rape)) == [
        "sexual_violence", "young_people"]
    hate = CrimeFactory(crime_type="criminal_damage", markers=["hate_crime"])
    assert case_specialisms(CaseFactory(person=older, crime=hate)) == [
        "hate_crime", "older_people"]
