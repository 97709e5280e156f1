"""The advisory locks that serialise intake, so a retry or two arrivals at the same moment
cannot create a case, a crime or a person twice. Every way in takes its locks here."""

from __future__ import annotations

import zlib

from django.db import connection

# One lock space per kind of key (the first argument of pg_advisory_xact_lock).
CRIME, PERSON, TRANSFER = 7001, 7002, 7003


def _key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31


def _take(locks: list[tuple[int, str]]) -> None:
    """Take the locks until the transaction ends, in the order given, in one statement
    (PostgreSQL evaluates the target list left to right)."""
    params = [p for space, name in locks for p in (space, _key(name))]
    calls = ", ".join(["pg_advisory_xact_lock(%s, %s)"] * len(locks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", params)  # noqa: S608 - placeholders only


def lock_crime_and_person(*, reference: str, police_person_id: str) -> None:
    """Serialise intake of the same crime, and of the same person.

    So two retries cannot both create a case, and two victims of one crime (or two crimes of
    one victim) arriving together cannot both create the crime (or the person). The crime is
    always locked before the person, so two intakes cannot wait for each other.
    """
    locks = [(CRIME, f"crime|{reference.upper()}")]
    if police_person_id:
        locks.append((PERSON, f"person|{police_person_id}"))
    _take(locks)


def lock_transfer(*, key: str, reference: str) -> None:
    """Serialise arrivals of the same transfer, so two retries cannot both open a case."""
    _take([(TRANSFER, f"transfer|{key}|{reference}")])


def lock_ivna_batch(keys: list[tuple[str, str]]) -> None:
    """Serialise a batch of IVNAs (crime reference, police person id) at once, before any is
    recorded: every crime, then every person, each in key order. Two batches then take their
    locks in one order, and a single intake (crime before person) never waits for a batch
    that waits for it; record_ivna's own locks are then already held (they stack)."""
    crimes = sorted({_key(f"crime|{reference.upper()}") for reference, _ in keys})
    people = sorted({_key(f"person|{person}") for _, person in keys if person})
    params = [p for space, ids in ((CRIME, crimes), (PERSON, people)) for i in ids
              for p in (space, i)]
    if params:
        calls = ", ".join(["pg_advisory_xact_lock(%s, %s)"] * (len(params) // 2))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}", params)  # noqa: S608 - placeholders only
