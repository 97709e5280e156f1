"""The username a failed sign-in is recorded under for lockout (django-axes)."""

from __future__ import annotations

# axes.models.AccessAttempt.username is a column of 255 characters; Axes cuts the user agent
# and the path it records to their columns, but not the username.
USERNAME_COLUMN = 255


def attempt_username(request, credentials: dict | None = None) -> str | None:
    """The username as Axes reads it (the credentials, else the posted form), cut to its
    column. No account's username is that long, so a longer one locks no one out; uncut, it
    was a 500 on the sign-in pages (the hub's and the admin's)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    return username[:USERNAME_COLUMN] if isinstance(username, str) else username
