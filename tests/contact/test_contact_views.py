"""The contact pages as a VCC uses them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contact.models import ContactAttempt
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case():
    return CaseFactory(person=PersonFactory(phone="07700900123"), status="awaiting_contact")


def post_call(client, case, when: datetime, outcome="no_answer", **extra):
    data = {
        "made_on": when.date().isoformat(),
        "made_at_time": when.strftime("%H:%M"),
        "number_used": "07700900123",
        "outcome": outcome,
    }
    data.update(extra)
    return client.post(reverse("contact:record_attempt", args=[case.pk]), data)


def test_a_call_is_recorded_and_shown_in_the_contact_log(client, vcc_user, case):
    client.force_login(vcc_user)
    form = client.get(reverse("contact:record_attempt", args=[case.pk])).content.decode()
    assert "Next slot the rules allow" in form
    response = post_call(client, case, datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Call to 07700 900123 (morning): no answer" in page


def test_a_call_that_breaks_the_rules_is_refused_with_the_reason(client, vcc_user, case):
    client.force_login(vcc_user)
    post_call(client, case, datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))
    response = post_call(client, case, datetime(2025, 3, 3, 14, 0, tzinfo=LONDON))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This call breaks the contact rules" in page
    assert "the three attempts must be on different days" in page
    problems = response.context["form"].non_field_errors()
    assert any("the three attempts must be on different days" in p for p in problems)
    assert ContactAttempt.objects.count() == 1
    assert "Reason for overriding" not in page  # only managers may override


def test_a_manager_overrides_with_a_reason(client, manager_user, case):
    client.force_login(manager_user)
    post_call(client, case, datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))
    response = post_call(
        client, case, datetime(2025, 3, 3, 14, 0, tzinfo=LONDON),
        override_reason="Victim asked for a call back this afternoon",
    )
    assert response.status_code == 302
    assert ContactAttempt.objects.count() == 2


def test_the_outcome_form_and_a_restricted_note(client, vcc_user, manager_user, case):
    client.force_login(vcc_user)
    post_call(client, case, datetime(2025, 3, 3, 10, 0, tzinfo=LONDON), outcome="contacted")
    response = client.post(reverse("contact:record_outcome", args=[case.pk]),
                           {"outcome": "declined", "detail": ""})
    assert "Give the reason the victim declined support" in response.content.decode()
    assert response.context["form"].errors == {
        "detail": ["Give the reason the victim declined support."]
    }
    client.post(reverse("contact:record_outcome", args=[case.pk]),
                {"outcome": "declined", "detail": "Has family support"})
    case.refresh_from_db()
    assert case.status == "declined"

    client.post(reverse("contact:add_note", args=[case.pk]),
                {"text": "Victim is a serving officer", "restricted": "on"})
    assert "Victim is a serving officer" not in client.get(
        reverse("cases:detail", args=[case.pk])).content.decode()
    client.force_login(manager_user)
    assert "Victim is a serving officer" in client.get(
        reverse("cases:detail", args=[case.pk])).content.decode()


def test_police_cannot_record_calls(client, police_user, case):
    client.force_login(police_user)
    assert client.get(reverse("contact:record_attempt", args=[case.pk])).status_code == 403
    response = post_call(client, case, datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))
    assert response.status_code == 403
    assert ContactAttempt.objects.count() == 0
