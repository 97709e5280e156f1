"""Scheduled work: create items, claim and run the machine ones, close the human ones.

Rules (STYLE "no lost or doubled work"; issue: "scheduled work is data"): every future
action is a row with a due time and a state. The dispatcher only *offers* due machine items
to Celery; the task claims its item with SELECT ... FOR UPDATE SKIP LOCKED WHERE state='due'
in the same transaction that does the work and marks it done. So:
- a message published twice, or a dispatcher that runs twice, finds the item done or locked
  and does nothing;
- a worker that dies mid-run rolls its transaction back: the item is still due and is
  offered again once its dispatch lease runs out;
- Redis being down only delays the offer: the rows are in PostgreSQL.

The one retry policy (issue 10: every outbound email, letters, referrals and break-glass
notices, goes through these rows): a handler that raises leaves its item due, with the
error as `last_error` and one more failure; the item is offered again after the lease
(DISPATCH_LEASE, the backoff) until it has failed MAX_FAILURES times, then it is marked
failed. A handler that raises WorkFailed(retry=False) says trying again cannot help (no
address, not safe to write): its item is failed at once. Either way the kind's failure
recorder (`handler(kind, on_failure=...)`) copies the error onto the row a person looks at
(the letter, the referral, the notice), in the transaction that records it on the item.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from core.bulk import insert_rows
from scheduling.models import HUMAN_KINDS, ItemRun, ItemState, ScheduledItem

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case

log = logging.getLogger(__name__)

# How long an offered item waits before it is offered again (a lost message, a dead worker,
# a task that met the database down): HUB_DISPATCH_LEASE_SECONDS, five minutes by default.
DISPATCH_LEASE = timedelta(seconds=settings.HUB_DISPATCH_LEASE_SECONDS)
DISPATCH_BATCH = 500
# A machine item that keeps failing stops being retried and shows as failed.
MAX_FAILURES = 5

# kind -> handler(item). Handlers do their work with the item locked; they must not commit.
# run_item calls the handler last, after marking the item done, so that whatever the handler
# hands to the outside world (an email) is followed by nothing but the COMMIT: a worker
# killed between the two is the one way such work could be done twice.
Handler = Callable[[ScheduledItem], None]
HANDLERS: dict[str, Handler] = {}
# kind -> on_failure(item, error, gave_up): puts a failure on the kind's own row.
FAILURE_RECORDERS: dict[str, Callable[[ScheduledItem, str, bool], None]] = {}


class WorkFailed(Exception):
    """A handler's failure, with a message fit to keep on the rows (no personal data).

    retry=False: trying again cannot help (no address, not safe to write), so the item is
    failed at once rather than offered again.
    """

    # Its message is written to the logs as it is (core/logs.py): it names no one.
    safe_to_log = True

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def handler(
    kind: str, *, on_failure: Callable[[ScheduledItem, str, bool], None] | None = None
) -> Callable[[Handler], Handler]:
    """Register the handler of a kind of machine item, and what records its failures."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        if on_failure is not None:
            FAILURE_RECORDERS[kind] = on_failure
        return func

    return register


def schedule(
    *,
    kind: str,
    due_at: datetime,
    case: Case | None = None,
    target_id: int | None = None,
    deadline_at: datetime | None = None,
    dedupe_key: str | None = None,
    payload: dict | None = None,
) -> ScheduledItem:
    """Schedule an action. With a dedupe key, scheduling it again returns the first row.

    The row is written in the caller's transaction: if that rolls back, nothing was
    scheduled (no letter, referral or notice is emailed for work that did not happen)."""
    return save_item(scheduled_item(
        kind=kind, case=case, target_id=target_id, due_at=due_at, deadline_at=deadline_at,
        dedupe_key=dedupe_key, payload=payload,
    ))


def save_item(item: ScheduledItem) -> ScheduledItem:
    """`schedule` for a row built with scheduled_item: with a dedupe key already there, the
    first row is returned and nothing is written."""
    if not item.dedupe_key:
        item.save(force_insert=True)
        return item
    if _insert_unless_present(item):
        return item
    return ScheduledItem.objects.get(dedupe_key=item.dedupe_key)


def scheduled_item(
    *,
    kind: str,
    due_at: datetime,
    case: Case | None = None,
    target_id: int | None = None,
    deadline_at: datetime | None = None,
    dedupe_key: str | None = None,
    payload: dict | None = None,
) -> ScheduledItem:
    """The row `schedule` writes, not yet saved (schedule_many writes many at once)."""
    return ScheduledItem(
        kind=kind, case=case, target_id=target_id, due_at=due_at, deadline_at=deadline_at,
        dedupe_key=dedupe_key or None, payload=payload or {},
    )


def schedule_many(items: list[ScheduledItem]) -> None:
    """`schedule` for many rows (scheduled_item's) in one INSERT: a row whose dedupe key is
    already there is left out, as `schedule` leaves the first row (no ids are read back)."""
    insert_rows(items, ignore_conflicts=True)


def _insert_unless_present(item: ScheduledItem) -> bool:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id: one statement, safe
    against a concurrent insert of the same key (it waits for that transaction, then does
    nothing), and no savepoint. False if a row with the key was there already."""
    meta = ScheduledItem._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(item, add=True), connection) for f in fields]
    quote = connection.ops.quote_name

    def column(field: Field) -> str:
        # A concrete field has a column (the stubs make it optional, for fields that have none).
        return quote(cast(str, field.column))

    table, columns = quote(meta.db_table), ", ".join(column(f) for f in fields)
    key, pk = column(meta.get_field("dedupe_key")), column(meta.pk)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names from the model, values as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
    sql += f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    item.pk = row[0]
    item._state.adding = False
    item._state.db = connection.alias
    return True


def complete_human_items(
    *, case: Case, kinds: Iterable[str], by: User | None = None
) -> int:
    """Close the open person-work items of these kinds on a case (the work has been done)."""
    return ScheduledItem.objects.filter(case=case, kind__in=kinds, state=ItemState.DUE).update(
        state=ItemState.DONE, done_at=timezone.now(), done_by=by
    )


def cancel_items(*, case: Case, kinds: Iterable[str]) -> int:
    return ScheduledItem.objects.filter(case=case, kind__in=kinds, state=ItemState.DUE).update(
        state=ItemState.CANCELLED, done_at=timezone.now()
    )


def due_machine_items(now: datetime | None = None) -> list[int]:
    """Mark due machine items as offered (lease) and return their ids, oldest first."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            ScheduledItem.objects.select_for_update(skip_locked=True)
            .filter(state=ItemState.DUE, due_at__lte=now)
            .exclude(kind__in=HUMAN_KINDS)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - DISPATCH_LEASE))
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:DISPATCH_BATCH]
        )
        if ids:
            ScheduledItem.objects.filter(pk__in=ids).update(dispatched_at=now)
    return ids


def dispatch_due_items(*, send: Callable[[int], object] | None = None) -> int:
    """Offer every due machine item to the workers. Returns how many were offered.

    If publishing fails (Redis down), the offer is withdrawn so the next run tries again
    at once rather than after the lease.
    """
    if send is None:
        from scheduling.tasks import run_scheduled_item

        send = run_scheduled_item.delay
    return _offer(due_machine_items(), send)


def _offer(ids: list[int], send: Callable[[int], object]) -> int:
    """Publish each item id; at the first refusal, withdraw the offer of the rest."""
    offered = 0
    for position, item_id in enumerate(ids):
        try:
            send(item_id)
            offered += 1
        except Exception:
            unsent = ids[position:]
            ScheduledItem.objects.filter(pk__in=unsent, state=ItemState.DUE).update(
                dispatched_at=None
            )
            log.warning("dispatch stopped: the broker refused; %d items left due", len(unsent))
            break
    return offered


def offer_on_commit(item: ScheduledItem) -> None:
    """Offer a due item to the workers as soon as the caller's transaction commits, not at
    the dispatcher's next run: an email a member of staff has just sent (a referral, a
    break-glass notice) leaves at once, as it did when it was a task of its own.

    The offer is the dispatcher's own (the lease is taken in the transaction, withdrawn if
    the broker refuses), so a rolled-back transaction offers nothing and a refused offer
    leaves the item to the dispatcher. Running an item twice does its work once.
    """
    ScheduledItem.objects.filter(pk=item.pk, state=ItemState.DUE).update(
        dispatched_at=timezone.now()
    )

    def offer() -> None:
        from scheduling.tasks import run_scheduled_item

        _offer([item.pk], run_scheduled_item.delay)

    transaction.on_commit(offer, robust=True)


def run_item(item_id: int) -> bool:
    """Run one machine item exactly once. Returns True if this call did the work."""
    with transaction.atomic():
        item = (
            ScheduledItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, state=ItemState.DUE)
            .first()
        )
        if item is None:
            return False  # done already, cancelled, deleted, or being run right now
        run = HANDLERS.get(item.kind)
        if run is None:
            item.state = ItemState.FAILED
            item.last_error = f"No handler for {item.kind}"
            item.save(update_fields=["state", "last_error"])
            return False
        # Done first, the work last (see HANDLERS); if the handler raises, all rolls back.
        item.state = ItemState.DONE
        item.done_at = timezone.now()
        item.runs += 1
        item.save(update_fields=["state", "done_at", "runs"])
        ItemRun.objects.create(item=item, worker=socket.gethostname())
        run(item)
    return True


def describe(error: BaseException) -> str:
    """The text kept of a failure: a WorkFailed's own message (its handler took anything
    personal out), otherwise the exception's type and message."""
    if isinstance(error, WorkFailed):
        return str(error)
    return f"{type(error).__name__}: {error}"


def record_failure(item_id: int, error: BaseException | str) -> None:
    """Keep the error on the row: the one retry policy (see the module's docstring).

    The item stays due and is offered again after the lease, until it has failed
    MAX_FAILURES times or its handler said trying again cannot help; then it is marked
    failed for a person to see. The kind's failure recorder puts the same error (and
    whether the policy gave up) on the kind's own row, in this transaction.
    """
    text = (error if isinstance(error, str) else describe(error))[:2000]
    retry = getattr(error, "retry", True)
    with transaction.atomic():
        item = (
            ScheduledItem.objects.select_for_update()
            .filter(pk=item_id, state=ItemState.DUE)
            .first()
        )
        if item is None:
            return
        item.failures += 1
        item.last_error = text
        if item.failures >= MAX_FAILURES or not retry:
            item.state = ItemState.FAILED
        item.save(update_fields=["failures", "last_error", "state"])
        recorder = FAILURE_RECORDERS.get(item.kind)
        if recorder is not None:
            recorder(item, text, item.state == ItemState.FAILED)
