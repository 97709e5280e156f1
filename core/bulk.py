"""Many new rows of one model in one INSERT, without Django's per-value SQL compiling.

`QuerySet.bulk_create` compiles a placeholder and prepares a value through several layers
for every field of every row: for the IVNA batch (issue 17: 500 IVNAs, some 7,000 rows in ten
tables) that was a third of the request. `insert_rows` writes the same rows (the model's
defaults as Django set them when each object was made, auto_now times, foreign keys to objects
saved since) with one parameterised INSERT that psycopg2 fills in C, through Django's cursor,
so its execute wrappers (pghistory's context) apply as to any statement. No signal is sent,
as with bulk_create.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db import connection, models

# Values psycopg2 takes as they are; anything else is prepared by its field.
_PLAIN = (str, int, bool, float, datetime, date, type(None))


def insert_rows(objs: Sequence[models.Model], *, ignore_conflicts: bool = False) -> None:
    """INSERT the new objects (all of one model). Each gets its primary key, as after
    bulk_create, unless `ignore_conflicts` (ON CONFLICT DO NOTHING: a row that clashes with
    one already there is left out, and no keys are read back)."""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    stamped = [f for f in fields if getattr(f, "auto_now", False)
               or getattr(f, "auto_now_add", False)]
    related = [f for f in fields if f.is_relation]
    params: list[Any] = []
    for obj in objs:
        for field in related:  # an object saved after it was assigned (bulk_create does this)
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                target = field.get_cached_value(obj)
                if target is not None:
                    setattr(obj, field.attname, target.pk)
        for field in stamped:
            field.pre_save(obj, add=True)
        for field in fields:
            value = getattr(obj, field.attname)
            if not isinstance(value, _PLAIN):
                value = field.get_db_prep_save(value, connection)
            params.append(value)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names only
    sql += ", ".join([row] * len(objs))
    sql += " ON CONFLICT DO NOTHING" if ignore_conflicts else f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [] if ignore_conflicts else [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=False):
        obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
