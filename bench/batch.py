"""The IVNA batch over HTTP (issue 17: at least 1,000 IVNAs a second), in one command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench_batch .venv/bin/python \
        bench/batch.py [--fill 100000] [--batches 6] [--size 500] [--workers 2]

It migrates the database if it needs to, fills it (once) with new IVNAs through the bulk
service until it holds --fill cases, then starts gunicorn (hub.wsgi, --workers processes,
on a free local port) and POSTs --size-item batches of new, varied IVNAs to
/api/v1/ivnas/batch/ with a police API token: --batches batches from one client, then
--batches from each of two clients at once. It prints IVNAs a second, the time of a batch,
the load average before and after, and the number of cases measured at. Timings on a shared
machine are noisy: read them with the load average.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = 1000.0  # IVNAs a second (issue 17)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill", type=int, default=0, help="cases to hold before measuring")
    parser.add_argument("--batches", type=int, default=6, help="batches from each client")
    parser.add_argument("--size", type=int, default=500, help="IVNAs a batch (at most 500)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to the database to measure (it is written to).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)  # noqa: S603

    import django

    django.setup()
    stamp = datetime.now().strftime("%H%M%S")  # noqa: DTZ005 - unique names only
    cases = fill(args.fill, stamp)
    key = token(stamp)
    bodies = [[body(f"{stamp}C{c}B{b}", i) for i in range(args.size)]
              for c in range(2) for b in range(2 * args.batches + 2)]
    encoded = [json.dumps(batch).encode() for batch in bodies]

    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        load_before = os.getloadavg()
        post(port, key, encoded[0])  # warm-up: each worker's first request
        post(port, key, encoded[1])
        one = timed([encoded[2:2 + args.batches]], port, key)
        two = timed([encoded[2 + args.batches:2 + 2 * args.batches],
                     encoded[2 + 2 * args.batches:2 + 3 * args.batches]], port, key)
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(args, cases, one, two, load_before, load_after)


def fill(target: int, stamp: str) -> int:
    """Take new IVNAs in through the bulk service until the database holds `target` cases."""
    from django.db import transaction

    from accounts.models import User
    from cases.models import Case
    from intake.api.serializers import validate_ivnas
    from intake.bulk import record_ivnas
    from intake.models import SubmittedVia

    have = Case.objects.count()
    if have >= target:
        return have
    officer = User.objects.create(username=f"bench-fill-{stamp}")
    batch = 0
    started = time.perf_counter()
    while have < target:
        size = min(500, target - have)
        items = validate_ivnas([body(f"{stamp}F{batch}", i) for i in range(size)])
        with transaction.atomic():
            record_ivnas(items, by=officer, via=SubmittedVia.API)  # type: ignore[arg-type]
        have, batch = have + size, batch + 1
        if batch % 20 == 0:
            rate = (batch * 500) / (time.perf_counter() - started)
            print(f"  filled to {have:,} cases ({rate:.0f} a second in process)", flush=True)
    return Case.objects.count()


def token(stamp: str) -> str:
    from accounts.roles import Role
    from accounts.services import create_api_client

    _, key = create_api_client(name=f"bench-batch-{stamp}", role=Role.POLICE)
    return key


def body(stamp: str, i: int) -> dict:
    """A varied new IVNA (the kinds bench/run.py sends, and declined, unsafe to write, MASH,
    a child and an interpreter among them)."""
    from django.utils import timezone

    today = timezone.localdate()
    kinds = [
        ("theft_and_handling", [], {"needs_support": False}),
        ("burglary", [], {"needs_support": True}),
        ("violence_against_the_person", ["domestic_abuse"],
         {"needs_support": True, "dash_risk": "medium", "priority_categories": ["vulnerable"]}),
        ("vehicle_offences", [], {"needs_support": False, "consent_to_contact": False}),
        ("criminal_damage", ["hate_crime"], {"needs_support": False, "safe_to_write": False}),
        ("violence_against_the_person", ["domestic_abuse"],
         {"needs_support": True, "dash_risk": "high", "mash_referral": True}),
    ]
    crime_type, markers, assessment = kinds[i % len(kinds)]
    child = i % 11 == 0
    return {
        "crime": {"reference": f"BATCH/{stamp}/{i:05d}", "crime_type": crime_type,
                  "offence_date": (today - timedelta(days=2)).isoformat(),
                  "reported_at": (timezone.now() - timedelta(days=1)).isoformat(),
                  "markers": markers},
        "victim": {"police_person_id": f"BB-{stamp}-{i:05d}", "first_name": "Ann",
                   "last_name": f"Batch{i}",
                   "date_of_birth": "2015-05-17" if child else "1980-05-17",
                   "gender": "female", "phone": "" if i % 7 == 0 else "07700900123",
                   "email": "" if i % 3 else "ann@example.org",
                   "address": {"line1": "1 High St", "town": "Wisbech", "postcode": "PE13 1AA"},
                   "district": "fenland", "first_language": "pl" if i % 13 == 0 else "en",
                   "interpreter_needed": i % 13 == 0},
        "assessment": {"supported_elsewhere": False, "mash_referral": False,
                       "safe_to_write": True, "consent_to_contact": True, "notes": "",
                       **assessment},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [str(gunicorn), "hub.wsgi:application", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "300"],
        cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start")


def post(port: int, key: str, payload: bytes) -> float:
    """POST one batch; returns its seconds. Every item must be a new case (201)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request("POST", "/api/v1/ivnas/batch/", body=payload, headers={
        "Authorization": f"Token {key}", "Content-Type": "application/json",
        "Accept": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"batch refused: {response.status} {answer[:300]!r}")
    statuses = {item["status"] for item in json.loads(answer)}
    if statuses != {201}:
        raise RuntimeError(f"items not all new cases: {statuses}")
    return seconds


def timed(clients: list[list[bytes]], port: int, key: str) -> dict:
    """Each client posts its batches one after another, all clients at once."""
    spans: list[list[float]] = [[] for _ in clients]

    def run(index: int) -> None:
        spans[index] = [post(port, key, payload) for payload in clients[index]]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    items = sum(len(json.loads(p)) for batch in clients for p in batch)
    each = [s for span in spans for s in span]
    return {"items": items, "seconds": seconds, "per_second": items / seconds,
            "batch_median_s": statistics.median(each), "batch_max_s": max(each)}


def report(args, cases: int, one: dict, two: dict, before, after) -> None:
    print(f"IVNA batch over HTTP (gunicorn, {args.workers} workers), {args.size}-item "
          f"batches of new IVNAs, at {cases:,} cases before measuring")
    for name, result in (("1 client", one), ("2 clients at once", two)):
        verdict = "meets" if result["per_second"] >= TARGET else "below"
        print(f"  {name}: {result['per_second']:,.0f} IVNAs a second ({result['items']:,} in "
              f"{result['seconds']:.1f} s; a batch {result['batch_median_s']:.2f} s median, "
              f"{result['batch_max_s']:.2f} s max) - {verdict} the target of {TARGET:,.0f}")
    print(f"  load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after "
          f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
