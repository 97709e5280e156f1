"""PostgreSQL fails, the hub recovers (issue 17): SIGKILL the database under IVNA intake and
case work over HTTP, several times, and check what the people using the hub would notice.

The run (`make test-faults`; about two minutes):

- a private PostgreSQL server (tests/faults/servers.py) holding a copy of the migrated test
  database, with a police API client and a VCC made by the test;
- the hub as production runs it: gunicorn (two workers), a Celery prefork worker on a private
  Redis, and the scheduler every second, all against that server;
- IVNA_CLIENTS crime systems send IVNAs over the API; on a 503 each waits the Retry-After and
  sends the same IVNA again (same crime reference and police person id, the idempotency key
  of the API contract), as the contract asks; a VCC signed in through the sign-in page opens
  the case list and cases and adds notes;
- PG_KILLS times (HUB_FAULT_PG_KILLS), at random moments, the postmaster and every process
  it had are SIGKILLed, stay dead a few seconds, and the server is started again (crash
  recovery); the hub is not restarted.

Checked: while the database is down, every answer is the hub's 503: the page "try again in a
minute" or JSON with Retry-After, never a traceback or a 500; after each restart the hub
answers again by itself (connection health checks); every IVNA answered 201 or 200 exists
once, with its case, person, crime and IVNA row, and nothing exists half-made; every note
the VCC was told was saved is there, once; every introductory letter's scheduled item ran
exactly once and its email was sent exactly once.

HUB_FAULT_SEED replays the kill plan; HUB_FAULT_PG_KILLS and HUB_FAULT_PG_IVNAS (a cap on
IVNAs sent) size the run (`make test-faults-long`: 5 kills).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import getaddresses

import psycopg2
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.roles import Role
from accounts.services import create_api_client
from tests.factories import ivna_payload, user_with_role
from tests.faults.servers import PostgresServer, gunicorn, scheduler
from tests.processes import CeleryWorker, emails_in, free_port, wait_for, write_report

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PG_KILLS = int(os.environ.get("HUB_FAULT_PG_KILLS", "3"))
MAX_IVNAS = int(os.environ.get("HUB_FAULT_PG_IVNAS", "400"))
IVNA_CLIENTS = 2
PACE = 0.25  # seconds between one client's IVNAs: enough letters to keep the worker busy
FIRST_KILL = 6.0  # seconds into the intake
KILL_GAP = 14.0  # seconds at least between two kills: a restart and some quiet work
DOWN = (1.0, 4.0)  # seconds the server stays dead
RETRY_AFTER = 1  # the hub's Retry-After in this run (production: 60)
GIVE_UP = 90.0  # seconds a client keeps retrying one IVNA
DRAIN = 180.0  # seconds for the scheduled work to finish after the intake
PASSWORD = "correct-horse-battery"
TRACE = ("Traceback", "OperationalError", "InterfaceError", "psycopg2", 'File "')


@dataclass
class Tally:
    """What the clients saw, kept under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter = field(default_factory=Counter)  # "api 201", "page 503"... -> n
    acknowledged: dict = field(default_factory=dict)  # (reference, person id) -> (case, victim)
    sent: set = field(default_factory=set)
    given_up: set = field(default_factory=set)
    bad_503: list = field(default_factory=list)  # a 503 without the hub's answer
    failures: list = field(default_factory=list)  # anything but 2xx, 3xx and the hub's 503
    notes_saved: list = field(default_factory=list)
    notes_refused: list = field(default_factory=list)
    pages_503: int = 0
    last_ok: float = 0.0

    def count(self, what) -> None:
        with self.lock:
            self.answers[what] += 1


def check_503(tally: Tally, response: requests.Response, *, api: bool) -> None:
    text = response.text
    problems = []
    if response.headers.get("Retry-After") != str(RETRY_AFTER):
        problems.append(f"Retry-After {response.headers.get('Retry-After')!r}")
    if any(word in text for word in TRACE):
        problems.append("a traceback")
    if api:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if body.get("retry_after") != RETRY_AFTER:
            problems.append(f"not the JSON answer: {text[:200]!r}")
    elif "Try again in a minute" not in text:
        problems.append(f"not the hub's page: {text[:200]!r}")
    if problems:
        with tally.lock:
            tally.bad_503.append(f"{response.request.method} {response.url}: {problems}")


def ivna_body(client: int, n: int) -> dict:
    """Two in three a burglary whose letter is emailed at once; the third domestic abuse,
    whose letter is rendered and then waits for a VCC's safety check (contact.letter_checks)."""
    at_risk = {} if n % 3 == 0 else {
        "crime__crime_type": "burglary", "crime__markers": [],
        "assessment__priority_categories": [], "assessment__needs_support": False,
    }
    return ivna_payload(
        crime__reference=f"PG/{client}/{n}",
        victim__police_person_id=f"PGF-{client}-{n}",
        victim__email=f"pg-{client}-{n}@example.org",
        victim__last_name=f"Faultrun{client}x{n}",
        **at_risk,
    )


def send_ivnas(base: str, token: str, client: int, tally: Tally, stop: threading.Event):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    n = 0
    while not stop.is_set() and len(tally.sent) < MAX_IVNAS:
        body = ivna_body(client, n)
        key = (body["crime"]["reference"], body["victim"]["police_person_id"])
        with tally.lock:
            tally.sent.add(key)
        started = time.monotonic()
        while True:
            try:
                response = session.post(f"{base}/api/v1/ivnas/", json=body, timeout=30)
            except requests.RequestException as error:
                tally.count(f"api {type(error).__name__}")
                time.sleep(RETRY_AFTER)
                continue
            tally.count(f"api {response.status_code}")
            if response.status_code in (200, 201):
                answer = response.json()
                with tally.lock:
                    tally.acknowledged[key] = (answer["case_id"], answer["victim_id"])
                    tally.last_ok = time.monotonic()
                break
            if response.status_code == 503:
                check_503(tally, response, api=True)
            else:
                with tally.lock:
                    tally.failures.append(f"IVNA {key}: {response.status_code} "
                                          f"{response.text[:300]}")
                break
            if time.monotonic() - started > GIVE_UP:
                with tally.lock:
                    tally.given_up.add(key)
                break
            time.sleep(float(response.headers.get("Retry-After", RETRY_AFTER)))
        n += 1
        time.sleep(PACE)


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/sign-in/", timeout=30)
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{base}/sign-in/", data={"username": username, "password": PASSWORD,
                                  "csrfmiddlewaretoken": token}, timeout=30,
    )
    assert response.status_code == 200 and "sessionid" in session.cookies, response.text[:500]
    return session


def case_work(base: str, username: str, tally: Tally, stop: threading.Event):
    """A VCC: the case list, the newest case, a note on it, about once a second."""
    session = sign_in(base, username)
    n = 0
    while not stop.is_set():
        with tally.lock:
            cases = [case for case, _ in tally.acknowledged.values()]
        pages = [f"{base}/cases/"] + ([f"{base}/cases/{cases[-1]}/"] if cases else [])
        for url in pages:
            try:
                response = session.get(url, timeout=30)
            except requests.RequestException as error:
                tally.count(f"page {type(error).__name__}")
                continue
            tally.count(f"page {response.status_code}")
            if response.status_code == 503:
                with tally.lock:
                    tally.pages_503 += 1
                check_503(tally, response, api=False)
            elif response.status_code != 200:
                with tally.lock:
                    tally.failures.append(f"GET {url}: {response.status_code}")
        if cases:
            text = f"Fault run note {n}: called, no answer."
            try:
                response = session.post(
                    f"{base}/cases/{cases[-1]}/notes/new/",
                    data={"text": text, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                    timeout=30, allow_redirects=False,
                )
                tally.count(f"note {response.status_code}")
                saved = response.status_code == 302
                if response.status_code == 503:
                    check_503(tally, response, api=False)
                elif not saved:
                    with tally.lock:
                        tally.failures.append(f"note: {response.status_code}")
            except requests.RequestException as error:
                tally.count(f"note {type(error).__name__}")
                saved = False
            with tally.lock:
                (tally.notes_saved if saved else tally.notes_refused).append(text)
            n += 1
        time.sleep(1.0)


def query(url: str, sql: str, params=None) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def test_the_hub_answers_503_while_postgres_is_down_and_loses_nothing(
    request, tmp_path, redis_server, email_dir
):
    seed = int(os.environ.get("HUB_FAULT_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed)
    began = time.monotonic()

    # The people, in the test database, copied with it.
    # A hash the server can check: this test process hashes with a fast test-only hasher.
    vcc = user_with_role(Role.VCC, username="fault-vcc")
    hasher = PBKDF2PasswordHasher()
    type(vcc).objects.filter(pk=vcc.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    _, token = create_api_client(name="fault-crime-system", role=Role.POLICE)

    pg = PostgresServer(log_dir=tmp_path)
    processes = []
    try:
        pg.init()
        pg.start()
        pg.copy_database_from_test_database()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="hub.settings", DATABASE_URL=pg.url(),
            REDIS_URL=redis_server.url, CELERY_BROKER_URL=redis_server.url,
            CELERY_TASK_ALWAYS_EAGER="0", HUB_EMBEDDED="0", DEBUG="0",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(email_dir), HUB_REQUIRE_TWO_FACTOR="0", SECURE_COOKIES="0",
            ALLOWED_HOSTS="127.0.0.1", SECRET_KEY="fault-run-only-not-a-secret-" + "x" * 30,
            HUB_RETRY_AFTER_SECONDS=str(RETRY_AFTER), HUB_DISPATCH_LEASE_SECONDS="15",
            PYTHONUNBUFFERED="1",
        )
        web = gunicorn(port=port, env=env, log_path=tmp_path / "gunicorn.log").start()
        processes.append(web)
        worker = CeleryWorker(
            broker_url=redis_server.url, email_dir=email_dir, database_url=pg.url(),
            pool="prefork", concurrency=2, log_dir=tmp_path,
            extra_env={"HUB_DISPATCH_LEASE_SECONDS": "15", "HUB_EMBEDDED": "0"},
        )
        processes.append(worker)
        worker.start()
        wait_for(lambda: _answers(base), timeout=60, what="gunicorn")
        dispatcher = scheduler(env=env, log_path=tmp_path / "scheduler.log").start()
        processes.append(dispatcher)
        prepared = time.monotonic() - began

        tally, stop = Tally(), threading.Event()
        threads = [
            threading.Thread(target=send_ivnas, args=(base, token, n, tally, stop), daemon=True)
            for n in range(IVNA_CLIENTS)
        ] + [threading.Thread(target=case_work, args=(base, "fault-vcc", tally, stop),
                              daemon=True)]
        for thread in threads:
            thread.start()

        events, recoveries = [], []
        start = time.monotonic()
        for k in range(PG_KILLS):
            at = FIRST_KILL + k * KILL_GAP + rng.uniform(0, KILL_GAP / 2)
            time.sleep(max(0.0, start + at - time.monotonic()))
            pg.kill()
            killed_at = time.monotonic()
            down = rng.uniform(*DOWN)
            time.sleep(down)
            restart = pg.start()
            back_at = time.monotonic()
            events.append(f"{killed_at - start:5.1f}s SIGKILL postgres, down {down:.1f}s, "
                          f"crash recovery {restart:.1f}s")
            # The hub answers again by itself: an IVNA acknowledged after the restart.
            wait_for(lambda back_at=back_at: tally.last_ok > back_at, timeout=60,
                     what="an IVNA acknowledged after the restart")
            recoveries.append(tally.last_ok - back_at)
        time.sleep(3.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=GIVE_UP + 30)
        intake_seconds = time.monotonic() - start

        # Scheduled work resumes: every introductory letter's item done.
        url = pg.url()
        refs = "PG/%"

        def pending():
            return query(url, """
                SELECT count(*) FROM scheduling_scheduleditem i
                JOIN cases_case c ON c.id = i.case_id JOIN cases_crime cr ON cr.id = c.crime_id
                WHERE cr.reference LIKE %s AND i.kind = 'send_letter' AND i.state = 'due'
            """, [refs])[0][0] == 0

        drain_started = time.monotonic()
        try:
            wait_for(pending, timeout=DRAIN, interval=1.0, what="the letters to be sent")
        except TimeoutError:
            pass
        drained = time.monotonic() - drain_started
        time.sleep(2.0)
        worker.stop(signal.SIGTERM, timeout=30)
        dispatcher.stop()

        # -- What the database holds ----------------------------------------------------
        cases = query(url, """
            SELECT cr.reference, p.police_person_id, c.id, p.id, i.id
            FROM cases_case c JOIN cases_crime cr ON cr.id = c.crime_id
            JOIN cases_person p ON p.id = c.person_id
            LEFT JOIN intake_ivna i ON i.case_id = c.id
            WHERE cr.reference LIKE %s
        """, [refs])
        found = Counter((ref, pid) for ref, pid, *_ in cases)
        where = {(ref, pid): (case, person) for ref, pid, case, person, _ in cases}
        without_ivna = [ref for ref, _, _, _, ivna in cases if ivna is None]
        lonely_people = query(url, """
            SELECT count(*) FROM cases_person p WHERE p.police_person_id LIKE 'PGF-%'
            AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = p.id)
        """)[0][0]
        lonely_crimes = query(url, """
            SELECT count(*) FROM cases_crime cr WHERE cr.reference LIKE %s
            AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.crime_id = cr.id)
        """, [refs])[0][0]
        items = query(url, """
            SELECT i.id, i.state, i.runs, p.email,
                   (SELECT count(*) FROM scheduling_itemrun r WHERE r.item_id = i.id),
                   l.status
            FROM scheduling_scheduleditem i JOIN cases_case c ON c.id = i.case_id
            JOIN contact_letter l ON l.id = i.target_id
            JOIN cases_crime cr ON cr.id = c.crime_id JOIN cases_person p ON p.id = c.person_id
            WHERE cr.reference LIKE %s AND i.kind = 'send_letter'
        """, [refs])
        notes = Counter(text for (text,) in query(
            url, "SELECT text FROM contact_contactnote WHERE text LIKE 'Fault run note %'"))
        emails = Counter(
            address for message in emails_in(email_dir)
            for _, address in getaddresses([message["To"] or ""]) if address.startswith("pg-")
        )
        duration = time.monotonic() - began

        acknowledged = tally.acknowledged
        missing = [key for key in acknowledged if key not in found]
        wrong = [key for key, ids in acknowledged.items() if key in where and where[key] != ids]
        doubled = [key for key, n in found.items() if n > 1]
        not_done = [(pk, state, runs) for pk, state, runs, *_ in items if state != "done"]
        not_once = [(pk, runs, item_runs) for pk, _, runs, _, item_runs, _ in items
                    if runs != 1 or item_runs != 1]
        letters = Counter(status for *_, status in items)
        addresses = {email for _, _, _, email, _, status in items if status == "sent"}
        held = {email for _, _, _, email, _, status in items if status != "sent"}
        emails_doubled = {a: n for a, n in emails.items() if n > 1}
        emails_missing = addresses - set(emails)
        emails_held = held & set(emails)
        notes_lost = [text for text in tally.notes_saved if text not in notes]
        notes_doubled = [text for text, n in notes.items() if n > 1]

        write_report(request, [
            f"POSTGRES FAULT RUN seed={seed} (HUB_FAULT_SEED replays the kill plan)",
            f"  kills survived: {pg.kills} SIGKILLs of PostgreSQL; " + "; ".join(events),
            f"  recovered without a restart: first IVNA acknowledged "
            f"{', '.join(f'{r:.1f}s' for r in recoveries)} after each restart",
            f"  IVNAs sent {len(tally.sent)}, acknowledged {len(acknowledged)}, found "
            f"{len(found)} (gave up {len(tally.given_up)}); answers {dict(tally.answers)}",
            f"  503s with the hub's answer: pages {tally.pages_503}, bad {len(tally.bad_503)}; "
            f"other failures {len(tally.failures)}",
            f"  notes: told saved {len(tally.notes_saved)}, refused "
            f"{len(tally.notes_refused)}, in the database {sum(notes.values())}",
            f"  letters: items {len(items)}, done {sum(1 for i in items if i[1] == 'done')}, "
            f"letters {dict(letters)}, emails {sum(emails.values())}; "
            f"drained {drained:.0f}s after the intake",
            f"  setup {prepared:.0f}s, intake {intake_seconds:.0f}s, duration {duration:.0f}s",
        ])

        assert pg.kills == PG_KILLS
        assert not tally.bad_503, tally.bad_503[:10]
        assert not tally.failures, tally.failures[:10]
        assert not [what for what in tally.answers if what.endswith(" 500")]
        # Two clients send every quarter second or so and each kill lasts a second or more.
        assert tally.answers["api 503"] > 0, "no IVNA met the database down"
        assert acknowledged and not tally.given_up
        assert not missing, f"acknowledged but not stored: {missing[:20]}"
        assert not wrong, f"stored under another case or person: {wrong[:20]}"
        assert not doubled, f"stored twice: {doubled[:20]}"
        assert set(found) <= tally.sent
        assert not without_ivna and lonely_people == 0 and lonely_crimes == 0, "half-made"
        assert len(items) == len(found), "an IVNA without its introductory letter's item"
        assert not not_done, f"letters not sent: {not_done[:20]}\n{worker.log()[-3000:]}"
        assert not not_once, f"items not run exactly once: {not_once[:20]}"
        assert not emails_doubled, f"emails sent twice: {emails_doubled}"
        assert not emails_missing, f"letters without an email: {sorted(emails_missing)[:20]}"
        assert not emails_held, f"emailed before the safety check: {sorted(emails_held)[:20]}"
        assert letters["sent"] > 0 and letters["sent"] + letters["rendered"] == len(items)
        assert not notes_lost, f"notes the VCC was told were saved, lost: {notes_lost}"
        assert not notes_doubled, notes_doubled
        assert "Traceback" not in web.log(), web.log()[-3000:]
    finally:
        for process in reversed(processes):
            process.stop(signal.SIGKILL)
        pg.remove()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/", timeout=2).status_code == 200
    except requests.RequestException:
        return False
