"""Helpers for the tests of query plans: what PostgreSQL *can* do with a query's shape,
tested so that it does not hang on a small table's statistics."""

from __future__ import annotations

from django.db import connection


def plan_of(queryset) -> str:
    """EXPLAIN of a queryset with sequential scans priced out (in the test's transaction)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # With sequential scans priced out, a plan that can use the indexes does; one that
        # cannot still reads the whole table, and says so.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_reads(plan: str) -> list[str]:
    """The plan's nodes that read a whole table or a whole index: a sequential scan, or an
    index scan with no condition on the index (what the OR form did, through the cases)."""
    lines = plan.splitlines()
    found = []
    for i, line in enumerate(lines):
        node = line.strip().removeprefix("-> ").strip()
        if node.startswith("Seq Scan"):
            found.append(node)
        elif node.startswith(("Index Scan", "Index Only Scan")):
            depth = len(line) - len(line.lstrip())
            details = []
            for after in lines[i + 1:]:
                if len(after) - len(after.lstrip()) <= depth or "->" in after:
                    break
                details.append(after.strip())
            if not any(detail.startswith("Index Cond") for detail in details):
                found.append(node)
    return found


def only_index_left(cursor, *, table: str, index: str) -> None:
    """Drop every other index of `table` (and the constraint behind it) in this transaction,
    so the plan has the one index or a sequential scan to choose from."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, c.conname FROM pg_index i "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "WHERE i.indrelid = %s::regclass",
        [table],
    )
    for name, constraint in cursor.fetchall():
        if name == index:
            continue
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}" CASCADE')
        else:
            cursor.execute(f'DROP INDEX "{name}"')
