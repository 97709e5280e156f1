"""Faults, proved: SIGKILL the broker and the worker at random while 1,000 letters fall due.

Issue: "a test starts real Redis and a Celery worker as processes, runs a batch of at least
1,000 cases with scheduled work falling due, kills Redis (SIGKILL) and the worker several
times at random, restarts them, and then checks: every due item ran exactly once (no letter
sent twice, none missing)."

The run (measured: four to five minutes on two cores busy with other work, most of it the
worker rendering 1,000 PDFs; `make test-faults`, never in `make test`):

- 1,000 cases, each with an email introductory letter queued by contact.services.queue_letter;
  their SEND_LETTER items fall due one after another over SPREAD seconds;
- Redis as production runs it (conftest: append-only file, fsync every second, noeviction)
  and a prefork worker with two processes (late acks, reject on worker lost, a visibility
  timeout above the longest task: hub/settings.py);
- in this process a dispatcher thread offers the due items every 1-2 s, as beat does every
  minute, with the lease cut from five minutes to LEASE seconds so that a message lost with
  Redis or with a worker is offered again within the run (only the dispatcher reads it);
- a chaos loop driven by random.Random(seed) SIGKILLs Redis and the whole worker (parent and
  pool processes) at least three times each, and single pool processes now and then, at
  random moments, restarting each after a short random pause;
- then the dispatcher goes on until nothing is due, and the test checks that every item is
  done and ran once, every letter is sent, and the file email backend holds exactly one
  email per letter: none twice, none missing.

HUB_FAULT_SEED replays a chaos plan (the timing of the work itself cannot be replayed);
HUB_FAULT_CASES changes the batch (the issue asks for at least 1,000); HUB_FAULT_REDIS_KILLS
and HUB_FAULT_WORKER_KILLS fix the number of kills, and HUB_FAULT_SPREAD, HUB_FAULT_LEASE and
HUB_FAULT_DRAIN the timings (`make test-faults-long`: 10,000 cases, 20 and 20 kills).
"""

from __future__ import annotations

import heapq
import os
import random
import re
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from contact.models import Letter, LetterStatus
from scheduling import services
from scheduling.models import ItemRun, ItemState, ScheduledItem
from scheduling.tasks import run_scheduled_item
from tests.factories import queued_email_letter
from tests.processes import emails_in, wait_for, write_report

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CASES = int(os.environ.get("HUB_FAULT_CASES", "1000"))


def _kills(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """How many kills: HUB_FAULT_<name> exactly (the long run), else at random in default."""
    value = os.environ.get(f"HUB_FAULT_{name}")
    return (int(value), int(value)) if value else default


KILLS = _kills("REDIS_KILLS", (3, 5))  # how many times Redis is killed: at least three
WORKER_KILLS = _kills("WORKER_KILLS", (3, 5))  # and the worker
POOL_KILLS = (1, 3)  # single pool processes killed (reject on worker lost)
PAUSE = (0.2, 3.0)  # seconds a killed process stays down
WORKER_GAP = 12.0  # seconds at least between two worker kills: a restart takes a few
REDIS_GAP = 6.0
# Seconds over which the items fall due (and the kills happen): long enough for the kills'
# gaps, and for a larger batch about as long as two worker processes take to send it (about
# four letters a second on two free cores; two with the cores shared, load average 12).
SPREAD = float(os.environ.get("HUB_FAULT_SPREAD") or max(
    70.0 if CASES <= 1000 else CASES * 0.25,
    WORKER_GAP * WORKER_KILLS[1] + 10,
    REDIS_GAP * KILLS[1] + 10,
))
# Seconds before an offered item is offered again (production: five minutes). Shorter than
# the run, so lost messages are offered again within it; not much shorter than the queue's
# wait (two processes render 1,000 PDFs in two minutes or more), or every queued item is
# offered again and again, each extra message a no-op: a reduced long run (2,000 cases, 120 s
# lease, shared cores) published 8,310 offers for 2,000 items and did not drain in time.
LEASE = float(os.environ.get("HUB_FAULT_LEASE") or (45.0 if CASES <= 1000 else 600.0))
# Seconds after the last item fell due for everything to be done: generous, for a busy
# machine (a normal run needs one to two minutes).
DRAIN = float(os.environ.get("HUB_FAULT_DRAIN") or max(240.0, CASES * 0.5))

TASK_SUCCEEDED = re.compile(
    r"Task scheduling\.tasks\.run_scheduled_item\[\S+\] succeeded in ([0-9.]+)s"
)
TASK_RECEIVED = re.compile(r"Task scheduling\.tasks\.run_scheduled_item\[(\S+)\] received")
TASK_DONE = re.compile(r"Task scheduling\.tasks\.run_scheduled_item\[(\S+)\] succeeded")


# -- The chaos plan --------------------------------------------------------------------


def kill_times(rng: random.Random, count: int, start: float, end: float, gap: float):
    """`count` random moments in [start, end], at least `gap` apart (uniformly among all
    such plans: draw in the room left over, sort, spread by the gaps)."""
    room = (end - start) - gap * (count - 1)
    assert room > 0, "the run is too short for that many kills"
    draws = sorted(rng.uniform(0, room) for _ in range(count))
    return [start + draw + n * gap for n, draw in enumerate(draws)]


def pool_processes(parent: int) -> list[int]:
    """The pids whose parent is `parent` (the worker's prefork pool), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and brackets.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(parent):
            children.append(int(entry.name))
    return children


@dataclass
class Figures:
    seed: int
    redis_kills: int = 0
    worker_kills: int = 0
    pool_kills: int = 0
    events: list[str] = field(default_factory=list)


class Chaos:
    """Kills and restarts, at planned random moments (seconds from `start`)."""

    def __init__(self, *, rng, redis_server, worker, figures: Figures, start: float):
        self.rng, self.redis, self.worker = rng, redis_server, worker
        self.figures, self.start = figures, start
        self.queue: list[tuple[float, int, str]] = []
        self._seq = 0
        end = SPREAD + 2
        for at in kill_times(rng, rng.randint(*KILLS), 1.0, end, REDIS_GAP):
            self.at(at, "kill redis")
        for at in kill_times(rng, rng.randint(*WORKER_KILLS), 3.0, end, WORKER_GAP):
            self.at(at, "kill worker")
        for at in kill_times(rng, rng.randint(*POOL_KILLS), 3.0, end, 3.0):
            self.at(at, "kill a pool process")

    def at(self, when: float, action: str) -> None:
        self._seq += 1
        heapq.heappush(self.queue, (when, self._seq, action))

    def now(self) -> float:
        return time.monotonic() - self.start

    def note(self, what: str) -> None:
        self.figures.events.append(f"{self.now():6.1f}s {what}")

    def run(self, *, alive) -> None:
        """Carry out the plan; `alive()` raises if the run must stop (dispatcher died)."""
        while self.queue:
            when, _, action = heapq.heappop(self.queue)
            while self.now() < when:
                alive()
                time.sleep(min(0.05, max(0.0, when - self.now())))
            self.do(action)

    def do(self, action: str) -> None:
        figures, pause = self.figures, self.rng.uniform(*PAUSE)
        if action == "kill redis":
            self.redis.stop(signal.SIGKILL)
            figures.redis_kills += 1
            self.note(f"SIGKILL redis, down for {pause:.1f}s")
            self.at(self.now() + pause, "start redis")
        elif action == "start redis":
            self.redis.start()
            self.note("redis started")
        elif action == "kill worker":
            self.worker.stop(signal.SIGKILL)  # the whole process group: parent and pool
            figures.worker_kills += 1
            self.note(f"SIGKILL worker, down for {pause:.1f}s")
            self.at(self.now() + pause, "start worker")
        elif action == "start worker":
            self.worker.start(wait=False)
            self.note("worker starting")
        elif action == "kill a pool process":
            pids = pool_processes(self.worker.process.pid) if self.worker.running else []
            if pids:
                os.kill(self.rng.choice(pids), signal.SIGKILL)
                figures.pool_kills += 1
                self.note("SIGKILL one pool process")
            else:
                self.note("no pool process to kill (worker down or starting)")


# -- The dispatcher, as beat runs it ----------------------------------------------------


class Dispatcher(threading.Thread):
    """scheduling.services.dispatch_due_items every 1-2 s in a thread of this process."""

    def __init__(self, rng: random.Random, broker_url: str):
        super().__init__(name="fault-dispatcher", daemon=True)
        self.rng, self.broker_url = rng, broker_url
        self.halt = threading.Event()
        self.runs = self.offered = self.peak_queue = 0
        self.refused: Counter[str] = Counter()  # exception class -> times
        self.errors: list[str] = []

    def send(self, item_id: int) -> None:
        try:
            run_scheduled_item.delay(item_id)
        except Exception as error:
            self.refused[type(error).__name__] += 1
            raise  # dispatch_due_items withdraws the offer of this item and the rest

    def run(self) -> None:
        try:
            # No resetting of connections after a refusal: kombu's pooled connection
            # reconnects by itself once Redis is back (closing the pool instead leaves
            # "Acquire on closed pool" for every later publish).
            while not self.halt.is_set():
                try:
                    close_old_connections()
                    self.offered += services.dispatch_due_items(send=self.send)
                except Exception as error:  # noqa: BLE001 - kept and reported by the test
                    self.errors.append(f"{type(error).__name__}: {error}"[:300])
                self.runs += 1
                self.peak_queue = max(self.peak_queue, self.queue_length())
                self.halt.wait(self.rng.uniform(1.0, 2.0))
        finally:
            connection.close()

    def queue_length(self) -> int:
        try:
            with redis.Redis.from_url(self.broker_url, socket_timeout=1) as client:
                return client.llen("celery")
        except redis.RedisError:
            return 0  # Redis is down: nothing queued that we can see

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=30)


# -- Setting up and checking -------------------------------------------------------------


def queue_email_letters(count: int) -> list[ScheduledItem]:
    """`count` cases whose victims have email addresses, each with its introductory letter
    queued: one SEND_LETTER item per letter."""
    return [queued_email_letter(n, prefix="fault")[1] for n in range(count)]


def spread_due_times(items, rng: random.Random, *, first, spread: float) -> None:
    """Make the items fall due one after another (in a random order) from `first` on."""
    order = list(items)
    rng.shuffle(order)
    for n, item in enumerate(order):
        item.due_at = first + timedelta(seconds=spread * n / max(1, len(order) - 1))
        item.dispatched_at = None
    ScheduledItem.objects.bulk_update(order, ["due_at", "dispatched_at"], batch_size=500)


def ids(values, limit: int = 50) -> str:
    values = sorted(values)
    more = f" ... and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(str(v) for v in values[:limit]) + more


# -- The test -------------------------------------------------------------------------------


def test_every_due_item_runs_exactly_once_through_redis_and_worker_kills(
    request, redis_server, celery_on_redis, start_worker, email_dir, monkeypatch
):
    seed = int(os.environ.get("HUB_FAULT_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed)
    figures = Figures(seed=seed)
    began = time.monotonic()

    # The settings the issue names, as this worker runs them.
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    broker = redis.Redis.from_url(redis_server.url, decode_responses=True)
    assert broker.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert broker.config_get("appendonly") == {"appendonly": "yes"}
    broker.close()
    assert CASES >= 1000 or os.environ.get("HUB_FAULT_CASES"), "the issue asks for 1,000+"

    items = queue_email_letters(CASES)
    item_ids = [item.pk for item in items]
    letter_ids = [item.target_id for item in items]
    address_of = dict(
        Letter.objects.filter(pk__in=letter_ids).values_list("pk", "case__person__email")
    )
    letter_of = {address: letter for letter, address in address_of.items()}
    item_of_letter = {item.target_id: item.pk for item in items}
    prepared = time.monotonic() - began

    worker = start_worker(pool="prefork", concurrency=2)
    monkeypatch.setattr(services, "DISPATCH_LEASE", timedelta(seconds=LEASE))
    first_due = timezone.now() + timedelta(seconds=2)
    spread_due_times(items, rng, first=first_due, spread=SPREAD)
    last_due = first_due + timedelta(seconds=SPREAD)

    dispatcher = Dispatcher(random.Random(rng.random()), redis_server.url)
    chaos = Chaos(
        rng=rng, redis_server=redis_server, worker=worker, figures=figures,
        start=time.monotonic(),
    )
    unexpected_exits = []

    def alive() -> None:
        if not dispatcher.is_alive():
            pytest.fail(f"the dispatcher thread stopped: {dispatcher.errors[-3:]}")

    started = time.monotonic()
    dispatcher.start()
    try:
        chaos.run(alive=alive)
        # Everything up again (a worker started without waiting may still be booting).
        redis_server.start()
        if worker.running:
            worker.wait_ready(timeout=60)
        else:
            if worker.process is not None:
                unexpected_exits.append(worker.log()[-3000:])
            worker.start(timeout=60)
        chaos.note("chaos over: redis and worker up")

        # Every item has fallen due; the dispatcher goes on until none is left due.
        time.sleep(max(0.0, (last_due - timezone.now()).total_seconds()))
        drain_start = time.monotonic()

        def nothing_due():
            alive()
            if not worker.running:  # not killed by us: the worker died by itself
                unexpected_exits.append(worker.log()[-3000:])
                worker.start(timeout=60)
            return not ScheduledItem.objects.filter(
                pk__in=item_ids, state=ItemState.DUE
            ).exists()

        try:
            wait_for(nothing_due, timeout=DRAIN, interval=1.0, what="every item to be done")
        except TimeoutError:
            pass  # reported below, with the ids
        drained_in = time.monotonic() - drain_start
    finally:
        dispatcher.stop()

    # Let the worker finish the messages still queued (offers of items already done: each
    # finds its item done and does nothing), then stop it so no email is written while we
    # count them.
    broker = redis.Redis.from_url(redis_server.url)
    try:
        wait_for(lambda: broker.llen("celery") == 0, timeout=60, interval=0.5,
                 what="the queue to empty")
    except TimeoutError:
        pass
    finally:
        left_in_queue = broker.llen("celery")
        broker.close()
    time.sleep(1.0)
    worker.stop(signal.SIGTERM, timeout=30)  # warm shutdown: running tasks finish first
    duration = time.monotonic() - began

    # -- The figures ----------------------------------------------------------------------
    rows = ScheduledItem.objects.filter(pk__in=item_ids)
    states = Counter(rows.values_list("state", flat=True))
    not_done = list(
        rows.exclude(state=ItemState.DONE).values_list("pk", "state", "failures", "last_error")
    )
    runs_not_one = list(rows.exclude(runs=1).values_list("pk", "runs"))
    item_runs = ItemRun.objects.filter(item__in=item_ids).count()
    due = rows.filter(due_at__lte=timezone.now()).count()
    letters = Letter.objects.filter(pk__in=letter_ids)
    not_sent = list(letters.exclude(status=LetterStatus.SENT).values_list("pk", "status", "error"))

    messages = emails_in(email_dir)
    sent = Counter(message["To"] for message in messages)
    duplicates = {address: n for address, n in sent.items() if n > 1}
    missing = set(address_of.values()) - set(sent)
    strangers = set(sent) - set(address_of.values())
    duplicate_emails = sum(n - 1 for n in duplicates.values())

    log = worker.log()
    task_times = [float(seconds) for seconds in TASK_SUCCEEDED.findall(log)]
    longest = max(task_times, default=0.0)
    lost = log.count("WorkerLostError")
    # Messages a worker took and never finished: cut off by a kill (running or prefetched).
    cut_off = len(set(TASK_RECEIVED.findall(log)) - set(TASK_DONE.findall(log)))

    write_report(
        request,
        [
            f"FAULT RUN seed={seed} (HUB_FAULT_SEED replays the chaos plan)",
            f"  cases {CASES}, items due over {SPREAD:.0f}s, lease {LEASE:.0f}s, "
            f"setup {prepared:.0f}s",
            f"  kills: redis {figures.redis_kills} (SIGKILL), worker {figures.worker_kills} "
            f"(SIGKILL of parent and pool), single pool process {figures.pool_kills} "
            f"(WorkerLostError logged {lost}x)",
            f"  dispatcher: {dispatcher.runs} runs, {dispatcher.offered} offers published, "
            f"refused by the broker {sum(dispatcher.refused.values())} "
            f"{dict(dispatcher.refused)}, queue peak {dispatcher.peak_queue}, "
            f"other errors {len(dispatcher.errors)}",
            f"  worker: {len(task_times)} task messages finished, longest "
            f"{longest:.2f}s (visibility timeout {visibility}s); {cut_off} taken and cut off "
            f"by a kill; {left_in_queue} left queued",
            f"  items due {due}, items run {item_runs} (ItemRun rows), states {dict(states)}",
            f"  emails {len(messages)}: duplicate emails {duplicate_emails}, missing emails "
            f"{len(missing)}, to unknown addresses {len(strangers)}",
            f"  drained {drained_in:.0f}s after the last item fell due; "
            f"duration {duration:.0f}s (chaos and drain {time.monotonic() - started:.0f}s)",
            "  events: " + "; ".join(figures.events),
        ],
    )

    # -- The checks -----------------------------------------------------------------------
    assert not unexpected_exits, "the worker exited by itself:\n" + unexpected_exits[0]
    assert not dispatcher.errors, f"the dispatcher failed (not the broker): {dispatcher.errors}"
    assert figures.redis_kills >= 3 and figures.worker_kills >= 3, figures.events
    assert due == CASES
    assert not not_done, (
        f"{len(not_done)} items not done (id, state, failures, error): "
        f"{[(pk, s, f, e[:120]) for pk, s, f, e in not_done[:20]]}; ids: "
        f"{ids(pk for pk, *_ in not_done)}\nworker log:\n{log[-3000:]}"
    )
    assert item_runs == CASES, f"{item_runs} ItemRun rows for {CASES} items"
    assert not runs_not_one, f"items not run exactly once (id, runs): {runs_not_one[:50]}"
    assert not not_sent, (
        f"{len(not_sent)} letters not sent (id, status, error): {not_sent[:20]}; "
        f"letter ids: {ids(pk for pk, *_ in not_sent)}"
    )
    assert not duplicates, (
        f"{duplicate_emails} duplicate emails; letters sent more than once (letter: times): "
        + ids(f"{letter_of[a]} (item {item_of_letter[letter_of[a]]}): {n}"
              for a, n in duplicates.items())
    )
    assert not missing, (
        f"{len(missing)} letters without an email; letter ids: "
        f"{ids(letter_of[a] for a in missing)}; item ids: "
        f"{ids(item_of_letter[letter_of[a]] for a in missing)}"
    )
    assert not strangers, f"emails to addresses of no letter: {sorted(strangers)[:20]}"
    assert sum(sent.values()) == CASES
    assert longest < visibility, "a task ran longer than the visibility timeout"
