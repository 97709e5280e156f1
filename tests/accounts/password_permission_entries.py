"""Permission-matrix entries for changing one's own password: every signed-in member of staff.

Assembled with every other app's in tests/matrix/entries.py (MATRIX)."""

from __future__ import annotations

from django.urls import reverse

from tests.permissions import ANONYMOUS, LOGIN, SIGNED_IN, View, allowed, redirects

NEW = "a-much-longer-new-passphrase"

VIEWS = [
    View("password:change",
         expect={ANONYMOUS: LOGIN, **{a: allowed("Change your password") for a in SIGNED_IN}}),
    View(
        "password:change",
        method="post",
        data=lambda w: {"old_password": "correct-horse-battery", "new_password1": NEW,
                        "new_password2": NEW},
        expect={ANONYMOUS: LOGIN,
                **{a: redirects(reverse("password:done")) for a in SIGNED_IN}},
    ),
    View("password:done",
         expect={ANONYMOUS: LOGIN, **{a: allowed("Password changed") for a in SIGNED_IN}}),
]
