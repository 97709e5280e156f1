"""A member of staff changes their own password (issue 13: an account made on Team members
starts with a one-off password its manager saw)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
OLD, NEW = "correct-horse-battery", "a-much-longer-new-passphrase"


def test_staff_change_their_password_and_other_sessions_end(client):
    user = user_with_role(Role.VCC, username="val")
    other = Client()
    other.force_login(user)
    client.force_login(user)
    assert "Change password" in client.get(reverse("scheduling:my_work")).content.decode()
    response = client.post(reverse("password:change"), {
        "old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password:done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("scheduling:my_work")).status_code == 200  # this session stays
    assert other.get(reverse("scheduling:my_work")).status_code == 302  # the others end


def test_errors_in_the_hubs_words_and_nothing_changed(client):
    user = user_with_role(Role.VCC, username="val")
    client.force_login(user)
    page = client.post(reverse("password:change"), {
        "old_password": "wrong", "new_password1": "short", "new_password2": "other"},
    ).content.decode().replace("&#x27;", "'")
    assert "Your current password is not right" in page
    assert "The two new passwords are not the same" in page
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_signed_out_people_are_sent_to_sign_in():
    response = Client().get(reverse("password:change"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
