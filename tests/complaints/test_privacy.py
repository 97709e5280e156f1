"""Erasure and retention take the complainant's details with the case (privacy.services)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import acknowledge_complaint, record_complaint
from privacy import services
from tests.privacy.conftest import secrets_in_database, victim  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_anonymising_the_case_scrubs_the_complainant(victim, manager_user):  # noqa: F811
    complaint = record_complaint(
        by=manager_user, received_at=timezone.now(), how="letter", from_whom="on_behalf",
        complainant_name="Zebedee's sister, Quillfeather", complainant_contact="07700900555",
        about_right=12, summary="Zebedee was not told of the ZQX outcome", case=victim.case,
    )
    acknowledge_complaint(complaint=complaint, by=manager_user)
    services.anonymise_case(case=victim.case, by=manager_user, reason="erasure")
    services.anonymise_case(case=victim.self_referred, by=manager_user, reason="erasure")

    assert secrets_in_database() == []
    kept = Complaint.objects.get(pk=complaint.pk)
    assert (kept.complainant_name, kept.complainant_contact, kept.summary) == ("", "", "")
    # What the returns count stays.
    assert (kept.how, kept.from_whom, kept.about_right) == ("letter", "on_behalf", 12)
    assert kept.acknowledged_at is not None
    events = apps.get_model("complaints", "ComplaintEvent").objects.filter(pgh_obj_id=kept.pk)
    assert set(events.values_list("complainant_name", flat=True)) == {""}
