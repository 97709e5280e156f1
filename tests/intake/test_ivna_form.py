"""The IVNA web form police staff use: GOV.UK errors, nothing half-saved, the route shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseTransition, Crime, Person
from intake.models import Ivna
from tests.factories import ivna_form_data

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Person, Crime, Case, Ivna, CaseTransition))


def test_police_submit_an_ivna_and_see_the_route_and_case_reference(client, police_user):
    client.force_login(police_user)
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(), follow=True)
    case = Case.objects.get()
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page
    assert "Hub contact" in page
    assert "within five working days" in page
    ivna = case.ivna
    assert ivna.recorded_by == police_user
    assert ivna.submitted_via == "web"
    assert ivna.needs_support is True
    assert ivna.triage_rules == ["S1"]
    assert case.person.police_person_id == "N-777"
    assert case.status == "awaiting_contact"


def test_a_child_victim_gets_enhanced_entitlement_from_the_form(client, police_user):
    client.force_login(police_user)
    offence = timezone.localdate() - timedelta(days=1)
    dob = offence.replace(year=offence.year - 12)
    client.post(
        reverse("intake:ivna_new"),
        ivna_form_data(
            needs_support="no",
            date_of_birth_0=str(dob.day),
            date_of_birth_1=str(dob.month),
            date_of_birth_2=str(dob.year),
        ),
    )
    case = Case.objects.get()
    assert case.enhanced_entitlement is True
    assert case.ivna.triage_rules == ["E2"]


def test_the_officer_is_told_what_is_missing_and_nothing_is_saved(client, police_user):
    client.force_login(police_user)
    response = client.post(
        reverse("intake:ivna_new"),
        ivna_form_data(reference="", last_name="", needs_support=None, district=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page  # GOV.UK error summary
    for message in (
        "Enter the crime reference",
        "Enter the last name",
        "Select whether the victim needs support",
        "Choose the district where the victim lives",
    ):
        assert page.count(message) == 2, message  # in the summary and by the field
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"offence_date_2": str(timezone.localdate().year + 1)}, "cannot be in the future"),
        ({"date_of_birth_2": "2099"}, "date of birth must be before the offence date"),
        ({"offence_date_0": "31", "offence_date_1": "2"}, "Enter a real date"),
        ({"offence_date_2": "25"}, "Enter the year as 4 digits"),
        ({"dash_yes_count": "30"}, "27 or fewer"),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com"),
        ({"crime_type": "shoplifting"}, "Select a valid choice"),
    ],
)
def test_wrong_answers_get_a_message_and_save_nothing(client, police_user, overrides, message):
    client.force_login(police_user)
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0)


def test_the_services_cross_field_errors_are_shown_on_the_forms_fields(client, police_user):
    client.force_login(police_user)
    response = client.post(
        reverse("intake:ivna_new"),
        ivna_form_data(date_of_birth_2="2099", offence_date_2=str(timezone.localdate().year + 1)),
    )
    assert response.context["form"].errors == {
        # The form has one date for the crime: both of the service's messages about it.
        "offence_date": [
            "The offence date cannot be in the future.",
            "The crime cannot be reported before the offence date.",
        ],
        "date_of_birth": ["The date of birth must be before the offence date."],
    }
    assert counts() == (0, 0, 0, 0, 0)


def test_an_oversize_answer_is_refused(client, police_user):
    client.force_login(police_user)
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(notes="x" * 5000))
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0)


def test_police_see_only_their_own_submissions(client, police_user):
    from accounts.roles import Role
    from tests.factories import user_with_role

    other = user_with_role(Role.POLICE, username="other-officer")
    client.force_login(other)
    client.post(
        reverse("intake:ivna_new"), ivna_form_data(reference="CF/1/25", last_name="Zed-Quinn")
    )
    client.force_login(police_user)
    client.post(
        reverse("intake:ivna_new"), ivna_form_data(reference="CF/2/25", police_person_id="N-2")
    )
    page = client.get(reverse("intake:my_submissions")).content.decode()
    assert "CF/2/25" in page
    assert "CF/1/25" not in page
    assert "Zed-Quinn" not in page
    theirs = Case.objects.get(crime__reference="CF/1/25")
    response = client.get(reverse("intake:submitted", args=[theirs.pk]))
    assert response.status_code == 404
