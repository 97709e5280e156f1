"""The references the hub gives people and quotes in letters: random, so they say nothing
of how many victims the hub has (issue 13), and easy to read out on the phone."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
# e.g. VH-7K3M-Q9XD; a pattern for tests and search.
REFERENCE_PATTERN = r"VH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"


def new_reference(choose: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """VH-7K3M-Q9XD: eight characters people can read out on the phone without confusing
    them, random (31^8, about 850 billion), so consecutive references share nothing."""
    chars = "".join(choose(REFERENCE_ALPHABET) for _ in range(8))
    return f"VH-{chars[:4]}-{chars[4:]}"
