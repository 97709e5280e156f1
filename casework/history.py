"""The audit history of a case in plain words (issue 16): each change to the case, the
person, the crime and the IVNA, with the field's label and the values as the hub shows them
("Allocated to: nobody → Sam Patel", "First language: Polish → English"), never the column
names, ids and codes the database triggers store (`allocated_to_id: – → 2`, "Ivna 5043")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from pghistory.models import Events

from accounts.models import User
from cases.choices import LANGUAGES
from cases.models import Case
from core.templatetags.hub_dates import hub_date

RECORD_NAMES = {
    "Case": "The case", "Person": "The person", "Crime": "The crime", "Ivna": "The IVNA",
}
EVENT_NAMES = {"insert": "Created", "update": "Changed"}
MAX_CHANGES = 500
# Fields stored as codes with no choices on the model: the names the hub shows for them.
CODE_NAMES: dict[str, dict[str, str]] = {"first_language": dict(LANGUAGES)}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    at: datetime
    record: str
    event: str
    actor: User | None
    changes: list[FieldChange] = field(default_factory=list)


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        for candidate in model._meta.concrete_fields:
            if getattr(candidate, "attname", None) == name:  # "allocated_to_id"
                return candidate
    return None


def _label(model_field: models.Field | None, name: str) -> str:
    text = str(model_field.verbose_name) if model_field is not None else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _show(model_field: models.Field | None, value: Any, users: dict[int, User]) -> str:
    """One stored value as the hub shows it."""
    if model_field is not None and model_field.is_relation:
        if value is None:
            return "nobody" if model_field.related_model is User else "none"
        if model_field.related_model is User:
            user = users.get(int(value))
            return str(user) if user else "a former user"
        return f"{model_field.related_model._meta.verbose_name} {value}"
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        return hub_date(parse_datetime(value)) or value
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        return hub_date(parse_date(value)) or value
    choices = dict(model_field.flatchoices) if model_field is not None else {}
    if model_field is not None and model_field.name in CODE_NAMES:
        choices = CODE_NAMES[model_field.name]
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value) or "none"
    return str(choices.get(value, value))


def case_history(case: Case) -> list[HistoryRow]:
    """The changes to the case, its person, crime and IVNA, newest first (at most
    MAX_CHANGES), each in plain words. One query per tracked record and one for the names
    of everyone who made a change or is named in one."""
    tracked: list[models.Model] = [case, case.person]
    if case.crime is not None:
        tracked.append(case.crime)
    ivna = getattr(case, "ivna", None)
    if ivna is not None:
        tracked.append(ivna)
    events = sorted(
        (e for obj in tracked for e in Events.objects.tracks(obj)),
        key=lambda e: e.pgh_created_at, reverse=True,
    )[:MAX_CHANGES]

    user_ids: set[int] = set()
    for event in events:
        if event.pgh_context and event.pgh_context.get("user"):
            user_ids.add(int(event.pgh_context["user"]))
        model = apps.get_model(event.pgh_obj_model)
        for name, values in (event.pgh_diff or {}).items():
            model_field = _model_field(model, name)
            if model_field is not None and model_field.related_model is User:
                user_ids.update(int(v) for v in values if v is not None)
    users = User.objects.in_bulk(user_ids)

    rows = []
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        uid = (event.pgh_context or {}).get("user")
        changes = []
        for name, (before, after) in (event.pgh_diff or {}).items():
            model_field = _model_field(model, name)
            changes.append(FieldChange(
                _label(model_field, name),
                _show(model_field, before, users), _show(model_field, after, users),
            ))
        rows.append(HistoryRow(
            at=event.pgh_created_at,
            record=RECORD_NAMES.get(model.__name__, str(model._meta.verbose_name).capitalize()),
            event=EVENT_NAMES.get(event.pgh_label, event.pgh_label.capitalize()),
            actor=users.get(int(uid)) if uid else None,
            changes=sorted(changes, key=lambda c: c.label),
        ))
    return rows
