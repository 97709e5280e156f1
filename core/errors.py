"""The one domain error: a rule of the hub was broken.

In the spirit of HackSoft's `ApplicationError` (Django Styleguide): a service raises
`DomainError` with a message for the person, per-field messages when the rule is about what
they entered, and a short `code` when a caller must tell one refusal from another. Callers
never read the message to decide anything: a form shows it with `core.forms.add_error_to_form`,
the API answers it as a 400 through `core.api.domain_error_response`, and code that must
react to one kind of refusal compares `code`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from django.core.exceptions import NON_FIELD_ERRORS

# The key for messages about the whole submission rather than one field (Django's own).
NON_FIELD = NON_FIELD_ERRORS

# Codes callers compare (the only reason a caller may treat one refusal differently).
ILLEGAL_TRANSITION = "illegal_transition"
STALE = "stale"  # someone else saved the record after the form was opened
LEGAL_HOLD = "legal_hold"

# A field's message or messages, or a mapping of the fields inside it.
FieldMessages: TypeAlias = "Mapping[str, str | Sequence[str] | FieldMessages]"


class DomainError(Exception):
    """A rule of the hub was broken; nothing was saved.

    `message` is for the person, and is shown on its own when there are no field messages.
    `fields` maps a field's name to its messages; a field inside a nested object or list is
    named by its path with dots ("crime.offence_date", "actions.0.kind") and may be given as
    nested mappings instead. `NON_FIELD` holds messages about the whole form. When `fields`
    is given, `message` is their summary (for logs and pages without a form).
    `field=` is short for a message that belongs to that one field.
    """

    def __init__(
        self,
        message: str,
        *,
        fields: FieldMessages | None = None,
        field: str | None = None,
        code: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields: dict[str, list[str]] = {}
        _flatten(fields or {}, "", self.fields)
        if field is not None:
            self.fields.setdefault(field, []).append(message)

    def __str__(self) -> str:
        return self.message


def _flatten(fields: FieldMessages, prefix: str, into: dict[str, list[str]]) -> None:
    for name, value in fields.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            _flatten(value, f"{path}.", into)
        else:
            into.setdefault(path, []).extend([value] if isinstance(value, str) else value)
