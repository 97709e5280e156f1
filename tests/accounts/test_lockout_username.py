"""A failed sign-in with a username longer than Axes's column (255) is recorded, cut to it,
and answered like any other failed sign-in: it was a 500 (accounts/lockout.py)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "refusal"),
    [
        ("login", "The username or password is not right."),
        ("admin:login", "Please enter the correct username and password for a staff account"),
    ],
)
def test_a_username_too_long_for_the_lockout_record(client, page, refusal):
    response = client.post(reverse(page), {"username": "x" * 5000, "password": "wrong"})

    assert response.status_code == 200
    assert refusal in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "x" * 255 and attempt.failures_since_start == 1
