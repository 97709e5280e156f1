"""Showing a DomainError on a Django form: the one way every page does it."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from core.errors import NON_FIELD, DomainError


def add_error_to_form(
    form: forms.BaseForm,
    error: DomainError,
    *,
    names: Mapping[str, str] | None = None,
    subforms: Mapping[str, forms.BaseForm] | None = None,
) -> None:
    """Put the error's messages on the form, each on its field when the form has it.

    A message for a field the form has goes on that field; any other (and `NON_FIELD`) goes
    to the form's non-field errors, shown in the error summary. An error without field
    messages shows its message there. `names` maps a service's field path to the form's
    field name where they differ ({"crime.offence_date": "offence_date"}); `subforms` maps a
    path prefix to the form holding its fields ({"actions.0": the first action's form}). A
    field the form itself already refused keeps only its own message: the service was given
    no value for it.
    """
    if not error.fields:
        form.add_error(None, error.message)
        return
    names = names or {}
    subforms = subforms or {}
    refused = {id(f): set(f.errors) for f in (form, *subforms.values())}
    for path, messages in error.fields.items():
        target, name = form, names.get(path, path)
        prefix, _, rest = path.rpartition(".")
        if prefix in subforms:
            target, name = subforms[prefix], rest
        if path == NON_FIELD or name not in target.fields:
            target, name = form, None
        elif name in refused[id(target)]:
            continue
        for message in messages:
            target.add_error(name, message)
