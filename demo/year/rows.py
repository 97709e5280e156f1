"""How the demo year is written: ids reserved from each table's sequence first, so rows can
name each other before they are written; then PostgreSQL COPY, model by model, 2,000 rows per
transaction (bulk_create spent more time building SQL in Python than the database spent
inserting). The audit triggers (pghistory) stay on and record every row, under one pghistory
context naming the run."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable

from django.apps import apps
from django.db import connection, transaction

from assessments.models import (
    ActionUpdate,
    Closure,
    ClosureOutcome,
    ConsentToShare,
    Dvna,
    DvnaNeed,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
)
from cases.models import Case, CaseTransition, Crime, Person
from contact.models import ContactAttempt, ContactNote, Letter
from intake.models import Ivna, SelfReferral
from referrals.models import Referral
from scheduling.models import ItemRun, ScheduledItem


class IdPool:
    """Primary keys reserved from each table's sequence, handed out in creation order, so
    rows can name each other before they are written (and COPY can write them)."""

    BLOCK = 5000

    def __init__(self):
        self.free: dict[type, list[int]] = defaultdict(list)

    def take(self, model: type) -> int:
        free = self.free[model]
        if not free:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                    "FROM generate_series(1, %s)",
                    [table, self.BLOCK],
                )
                free.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
        return free.pop()


class Rows:
    """Everything a chunk writes, model by model, in creation order."""

    def __init__(self, ids: IdPool):
        self.ids = ids
        self.by_model: dict[type, list] = defaultdict(list)

    def add(self, obj) -> object:
        model = type(obj)
        if obj.pk is None:
            obj.pk = self.ids.take(model)
        self.by_model[model].append(obj)
        return obj


INSERT_ORDER = (
    Person, Crime, Case, Ivna, SelfReferral, CaseTransition, Letter, ContactAttempt,
    ContactNote, Dvna, DvnaNeed, ConsentToShare, RecoveryPlan, PlanAction, Referral, Review,
    ActionUpdate, Closure, ClosureOutcome, SurveyResponse, "volunteers.VolunteerAllocation",
    "volunteers.VolunteerHours", ScheduledItem, ItemRun,
)


def _copy_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _array_literal(values) -> str:
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


class CopyWriter:
    """Rows of one model as PostgreSQL COPY text: every concrete column, the values as the
    instances hold them (foreign keys from the related instance when it got its id after
    being assigned)."""

    def __init__(self, model: type, table: str | None = None):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(table or model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
        )
        self.columns = [(f.attname, f.is_relation, f, self._formatter(f)) for f in self.fields]

    @staticmethod
    def _formatter(f) -> Callable[[object], str]:
        kind = f.get_internal_type()
        if kind == "BooleanField":
            return lambda v: "t" if v else "f"
        if kind in ("DateTimeField", "DateField"):
            return lambda v: v.isoformat()
        if kind == "ArrayField":
            return lambda v: _copy_escape(_array_literal(v))
        if kind == "BinaryField":
            return lambda v: "\\\\x" + bytes(v).hex()
        if kind in ("CharField", "TextField", "EmailField"):
            return lambda v: _copy_escape(v)
        if kind == "JSONField":
            return lambda v: _copy_escape(json.dumps(v))
        return str

    def lines(self, objs: list) -> list[str]:
        out = []
        for obj in objs:
            values = []
            for attname, is_relation, f, fmt in self.columns:
                value = getattr(obj, attname)
                if value is None and is_relation and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    value = related.pk if related is not None else None
                values.append("\\N" if value is None else fmt(value))
            out.append("\t".join(values))
        return out

    def value_lines(self, rows: list[tuple]) -> list[str]:
        """Rows given as tuples of the column values, in the model's column order."""
        formats = [fmt for _, _, _, fmt in self.columns]
        return [
            "\t".join("\\N" if value is None else fmt(value)
                      for fmt, value in zip(formats, row, strict=True))
            for row in rows
        ]

    def write(self, objs: list) -> int:
        return self._copy(self.lines(objs))

    def write_values(self, rows: list[tuple]) -> int:
        return self._copy(self.value_lines(rows))

    def _copy(self, lines: list[str]) -> int:
        buffer = io.StringIO("\n".join(lines) + "\n")
        with connection.cursor() as cursor:
            cursor.copy_expert(self.sql, buffer)
        return len(lines)


# Rows per transaction. The audit triggers cost more per row the more rows the transaction
# already holds, so batches stay small (measured: ~45 us a row at 2,000, ~200 us at 16,000).
WRITE_BATCH = 2000


def use_context(context: tuple[str, str]) -> None:
    """Attribute what this transaction writes to the run (pghistory's context: id, metadata)."""
    with connection.cursor() as cursor:
        # Both settings are read by every trigger call; when they are missing each call
        # raises and catches an error, which costs ten times more.
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', %s, true), "
            "set_config('pgtrigger.ignore', '{}', true)",
            list(context),
        )


def write_rows(rows: Rows, counts: Counter, context: tuple[str, str]) -> None:
    """Write a chunk's rows with COPY, model by model in dependency order, one transaction
    per batch. The audit triggers (pghistory) fire for every row as for any insert, under
    one pghistory context naming this run."""
    for model in INSERT_ORDER:
        if isinstance(model, str):
            model = apps.get_model(model)
        objs = rows.by_model.get(model)
        if not objs:
            continue
        writer = CopyWriter(model)
        for start in range(0, len(objs), WRITE_BATCH):
            with transaction.atomic():
                use_context(context)
                counts[model.__name__] += writer.write(objs[start:start + WRITE_BATCH])
