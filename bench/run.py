"""Benchmarks at 30,000 and 300,000 cases on PostgreSQL, in one command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/run.py \
        [--sizes 30000,300000] [--requests 50] [--ingest 2000] [--letters 100]

For each size it makes (once) a database of its own on the DATABASE_URL server
(hub_bench_30k, hub_bench_300k), migrates it and fills it with generate_demo_data: whole
years at the 2015 profile (about 31,300 cases a year), so 300,000 cases are ten years of a
hub's history. Then, in a fresh process against that database, it measures through the real
views with Django's test Client, signed in as a hub manager:

- the flow API (GET /api/v1/performance/flow/ for the last year, and for all the years)
  beside the same aggregate written by hand in SQL and run with psycopg2: median and p95
  over --requests requests; the ratio of the medians is the figure (target: within 2x);
- the case list (/cases/, open cases, the default) and "My work" (/work/): median and p95,
  and the queries one request makes (target: under 150 ms median);
- IVNA intake: --ingest POSTs to /api/v1/ivnas/ with a police API token (target: at least
  100 IVNAs a second);
- letter rendering (bench/letters.py's letter, WeasyPrint): letters a second.

It prints a table and writes bench/RESULTS.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

# The 2015 profile gives about 1.07 cases a victim (repeat victims); a year has 29,218.
CASES_PER_VICTIM = 1.0704
VICTIMS_PER_YEAR = 29_218
SEED = 2015

TARGETS = {
    "flow_ratio": 2.0,  # flow API median within 2x of its raw SQL (at 300,000 cases)
    "list_ms": 150.0,  # case list and My work median under 150 ms (at 300,000 cases)
    "ingest_per_s": 100.0,  # IVNAs a second
}


# -- Orchestration (no Django here: each database gets its own process) -----------------


def database_url(base: str, name: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{name}"))


def bench_name(size: int) -> str:
    return f"hub_bench_{size // 1000}k" if size % 1000 == 0 else f"hub_bench_{size}"


def connect(url: str):
    """psycopg2 on a DATABASE_URL (a host, or the embedded server's socket directory)."""
    import dj_database_url
    import psycopg2

    db = dj_database_url.parse(url)
    return psycopg2.connect(host=db["HOST"] or None, port=db["PORT"] or None,
                            user=db["USER"] or None, password=db["PASSWORD"] or None,
                            dbname=db["NAME"])


def ensure_database(base: str, name: str, *, fresh: bool) -> None:
    conn = connect(database_url(base, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(url: str, *args: str) -> float:
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def plan_years(size: int) -> list[tuple[int, int]]:
    """(year, victims) for whole years up to last year that make about `size` cases."""
    victims = round(size / CASES_PER_VICTIM)
    years = max(1, math.ceil(victims / VICTIMS_PER_YEAR))
    last = date.today().year - 1  # noqa: DTZ011 - the calendar year, as generate_demo_data
    share, extra = divmod(victims, years)
    return [(last - years + 1 + i, share + (1 if i < extra else 0)) for i in range(years)]


def years_present(url: str) -> set[int]:
    conn = connect(url)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substring(reference from '/([0-9]+)$') FROM cases_crime "
            "WHERE reference LIKE 'CF/G%%'"
        )
        found = {2000 + int(row[0]) for row in cursor.fetchall() if row[0]}
    conn.close()
    return found


def generation_log(base: str, name: str, add: list[dict] | None = None) -> list[dict]:
    """How long each year took to generate, kept as the benchmark database's comment."""
    conn = connect(database_url(base, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
        try:
            log = json.loads(row[0]) if row and row[0] else []
        except ValueError:
            log = []
        if add:
            log = [g for g in log if g["year"] not in {a["year"] for a in add}] + add
            cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [json.dumps(log)])
    conn.close()
    return sorted(log, key=lambda g: g["year"])


def prepare(base: str, size: int, *, fresh: bool) -> dict:
    name = bench_name(size)
    url = database_url(base, name)
    ensure_database(base, name, fresh=fresh)
    manage(url, "migrate", "-v0")
    plan = plan_years(size)
    as_of = f"{plan[-1][0] + 1}-01-01"
    present = years_present(url)
    generated = []
    for year, victims in plan:
        if year in present:
            continue
        args = ["generate_demo_data", "--victims", str(victims), "--year", str(year),
                "--seed", str(SEED), "--as-of", as_of, "-v0"]
        if present or generated:
            args.append("--append")
        print(f"[{name}] generating {victims:,} victims for {year}...", flush=True)
        seconds = manage(url, *args)
        generated.append({"year": year, "victims": victims, "seconds": round(seconds, 1)})
        generation_log(base, name, generated[-1:])
    return {"name": name, "url": url, "plan": plan, "generated": generation_log(base, name)}


def _measuring_process(url: str, phase: str, size: int, years: tuple[int, int], args) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    command = [PYTHON, str(Path(__file__).resolve()), "--measure", phase, "--size", str(size),
               "--years", f"{years[0]},{years[1]}", "--requests", str(args.requests),
               "--ingest", str(args.ingest), "--letters", str(args.letters)]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"no result from the measuring process:\n{out.stdout}\n{out.stderr}")


def measure(base: str, prepared: dict, size: int, args) -> dict:
    """Reads on the benchmark database; intake on a copy of it, dropped afterwards, so the
    IVNAs posted never change what the next run reads."""
    years = (prepared["plan"][0][0], prepared["plan"][-1][0])
    load = os.getloadavg()
    result = _measuring_process(prepared["url"], "read", size, years, args)
    scratch = f"{prepared['name']}_intake"
    conn = connect(database_url(base, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(
            f'CREATE DATABASE "{scratch}" TEMPLATE "{prepared["name"]}" STRATEGY FILE_COPY'
        )
    try:
        result.update(_measuring_process(database_url(base, scratch), "ingest", size, years,
                                         args))
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.close()
    result["load"] = [round(x, 1) for x in (*load, *os.getloadavg())]
    return result


# -- Measuring (inside Django, against one benchmark database) -----------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def timings(fn, n: int, warm: int = 3) -> dict:
    for _ in range(warm):
        fn()
    spent = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(spent), 2),
            "p95_ms": round(percentile(spent, 0.95), 2), "n": n}


def paired_timings(first, second, n: int, warm: int = 3) -> tuple[dict, dict]:
    """Timings of two ways of doing the same thing, taken turn about so that a change in the
    machine's load falls on both."""
    for _ in range(warm):
        first()
        second()
    spent: tuple[list[float], list[float]] = ([], [])
    for _ in range(n):
        for fn, out in ((first, spent[0]), (second, spent[1])):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return tuple(
        {"median_ms": round(statistics.median(v), 2), "p95_ms": round(percentile(v, 0.95), 2),
         "n": n}
        for v in spent
    )


RAW_FLOW_SQL = """
SELECT
  COUNT(*),
  COUNT(DISTINCT person_id),
  COUNT(*) FILTER (WHERE route = 'letter_only' AND responded_to_letter),
  COUNT(*) FILTER (WHERE source = 'self_referral'),
  COUNT(*) FILTER (WHERE route = 'letter_only'),
  COUNT(*) FILTER (WHERE route = 'high_risk'),
  COUNT(*) FILTER (WHERE route = 'hub_contact' AND supported_elsewhere),
  COUNT(*) FILTER (WHERE route = 'hub_contact' AND NOT supported_elsewhere
                   AND contact_outcome = 'declined'),
  COUNT(*) FILTER (WHERE route = 'hub_contact' AND NOT supported_elsewhere
                   AND contact_outcome = 'signposted'),
  -- accepted (flow-2026.3, docs/flow.md): police IVNA referrals only, a letter-only victim
  -- who came back and accepted included.
  COUNT(*) FILTER (WHERE source = 'police_ivna' AND NOT declined_contact_at_ivna
                   AND route IN ('hub_contact', 'letter_only') AND NOT supported_elsewhere
                   AND contact_outcome = 'accepted'),
  COUNT(*) FILTER (WHERE route = 'hub_contact' AND NOT supported_elsewhere
                   AND contact_outcome = 'no_contact'),
  COUNT(*) FILTER (WHERE route = 'hub_contact' AND NOT supported_elsewhere
                   AND contact_outcome NOT IN ('declined', 'signposted', 'accepted',
                                               'no_contact'))
FROM cases_case
WHERE referred_at >= %(start)s AND referred_at < %(end)s
"""
RAW_LETTERS_SQL = """
SELECT COUNT(*) FROM contact_letter
WHERE kind = 'introductory' AND status = 'sent'
  AND case_id IN (SELECT id FROM cases_case
                  WHERE referred_at >= %(start)s AND referred_at < %(end)s)
"""


def run_measurements(phase: str, size: int, years: tuple[int, int], requests: int,
                     ingest: int, letters: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.roles import Role, role_group
    from cases.models import Case, Person
    from reporting.flow import Period

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if phase == "ingest":
        return {"ingest": _ingest(ingest), "ingest_2": _ingest_parallel(ingest, workers=2)}
    result: dict = {"size": size}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        result["postgres"] = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW shared_buffers")
        result["shared_buffers"] = cursor.fetchone()[0]
        cursor.execute("ANALYZE")
    result["cases"] = Case.objects.count()
    result["people"] = Person.objects.count()
    first_year, last_year = years
    result["years"] = [first_year, last_year]

    manager, created = User.objects.get_or_create(
        username="bench.manager", defaults={"first_name": "Bench", "last_name": "Manager"}
    )
    if created:
        manager.set_unusable_password()
        manager.save(update_fields=["password"])
    manager.groups.add(role_group(Role.MANAGER))
    client = Client()
    client.force_login(manager)
    _second_factor(client, manager)

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def query_count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            get(path)
        return len(queries.captured_queries)

    # The flow: the API and the same aggregate by hand, for the last year and for all.
    raw = connect(os.environ["DATABASE_URL"])
    raw.autocommit = True
    flows = {}
    for label, period in (
        ("last year", Period(date(last_year, 1, 1), date(last_year, 12, 31))),
        ("all years", Period(date(first_year, 1, 1), date(last_year, 12, 31))),
    ):
        path = f"/api/v1/performance/flow/?from={period.start}&to={period.end}"
        start, end = period.bounds()
        body = get(path).json()

        def by_hand(start=start, end=end):
            with raw.cursor() as cursor:
                cursor.execute(RAW_FLOW_SQL, {"start": start, "end": end})
                row = cursor.fetchone()
                cursor.execute(RAW_LETTERS_SQL, {"start": start, "end": end})
                return row, cursor.fetchone()[0]

        row, letters_sent = by_hand()
        if (row[0], row[9], letters_sent) != (body["referred"], body["accepted"],
                                             body["letters_sent"]):
            raise RuntimeError(f"raw SQL and the API disagree: {row} {letters_sent} {body}")
        api, sql = paired_timings(lambda path=path: get(path), by_hand, requests)
        flows[label] = {
            "referred": body["referred"], "api": api, "sql": sql,
            "queries": query_count(path),
            "ratio": round(api["median_ms"] / sql["median_ms"], 2),
        }
    result["flow"] = flows
    raw.close()

    # The case list (open cases, the default) and My work.
    pages = {}
    for label, path in (("case list", "/cases/"), ("case list, all", "/cases/?status=all"),
                        ("my work", "/work/")):
        pages[label] = {**timings(lambda path=path: get(path), requests),
                        "queries": query_count(path)}
    result["pages"] = pages

    # Letter rendering (bench/letters.py's letter).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from letters import build_letter

    from contact.letters import render_letter

    letter = build_letter("en")
    render_letter(letter)
    spent = []
    started = time.perf_counter()
    for _ in range(letters):
        t0 = time.perf_counter()
        render_letter(letter)
        spent.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    result["letters"] = {"renders": letters, "per_second": round(letters / total, 1),
                         "median_ms": round(statistics.median(spent), 1),
                         "p95_ms": round(percentile(spent, 0.95), 1)}
    return result


def _ingest(count: int) -> dict:
    """IVNA intake through the API with a police token: `count` POSTs, one after another
    (the first is a warm-up)."""
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import create_api_client

    stamp = datetime.now().strftime("%Y%m%d%H%M%S")  # noqa: DTZ005 - a unique name only
    _, key = create_api_client(name=f"bench-{stamp}", role=Role.POLICE)
    api_client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    bodies = [_ivna_body(stamp, i) for i in range(count)]
    api_client.post("/api/v1/ivnas/", bodies[0], content_type="application/json")
    started = time.perf_counter()
    routes: dict[str, int] = {}
    for body in bodies[1:]:
        response = api_client.post("/api/v1/ivnas/", body, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"IVNA refused: {response.status_code} {response.content[:300]}")
        route = response.json()["route"]
        routes[route] = routes.get(route, 0) + 1
    seconds = time.perf_counter() - started
    return {"posts": count - 1, "seconds": round(seconds, 2),
            "per_second": round((count - 1) / seconds, 1), "routes": routes}


def _ingest_worker(key: str, stamp: str, count: int) -> tuple[float, float, int]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    bodies = [_ivna_body(stamp, i) for i in range(count + 1)]
    client.post("/api/v1/ivnas/", bodies[0], content_type="application/json")
    started = time.monotonic()
    for body in bodies[1:]:
        response = client.post("/api/v1/ivnas/", body, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"IVNA refused: {response.status_code} {response.content[:300]}")
    return started, time.monotonic(), count


def _ingest_parallel(count: int, workers: int) -> dict:
    """The same intake from `workers` crime-system clients at once (one process each):
    IVNAs a second from the first worker's start to the last one's end."""
    import multiprocessing

    from django.db import connections

    from accounts.roles import Role
    from accounts.services import create_api_client

    stamp = datetime.now().strftime("%Y%m%d%H%M%S")  # noqa: DTZ005 - a unique name only
    _, key = create_api_client(name=f"bench-{stamp}-parallel", role=Role.POLICE)
    connections.close_all()
    per_worker = count // workers
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        spans = pool.starmap(_ingest_worker,
                             [(key, f"{stamp}P{w}", per_worker) for w in range(workers)])
    seconds = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    posts = sum(n for _, _, n in spans)
    return {"posts": posts, "workers": workers, "seconds": round(seconds, 2),
            "per_second": round(posts / seconds, 1)}


def _second_factor(client, user) -> None:
    """A manager's session has passed the second factor (TOTP), when the hub asks for one."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _ivna_body(stamp: str, i: int) -> str:
    from bodies import ivna_json  # bench/bodies.py, beside this script
    from django.utils import timezone

    return ivna_json(stamp, i, today=timezone.localdate())


# -- Reporting ------------------------------------------------------------------------


def machine() -> dict:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory": memory, "cpu": cpu,
            "python": platform.python_version(), "system": platform.platform()}


def ok(passed: bool) -> str:
    return "yes" if passed else "NO"


def table(results: list[dict]) -> list[str]:
    rows = ["| figure | " + " | ".join(f"{r['cases']:,} cases" for r in results) + " | target |",
            "| --- | " + " | ".join("---" for _ in results) + " | --- |"]

    def row(label, values, target=""):
        rows.append(f"| {label} | " + " | ".join(values) + f" | {target} |")

    def ms(figures: dict) -> str:
        return f"{figures['median_ms']:.1f} / {figures['p95_ms']:.1f}"

    for period in ("last year", "all years"):
        row(f"flow API, {period}: median / p95 ms",
            [ms(r["flow"][period]["api"]) for r in results])
        row(f"flow raw SQL, {period}: median / p95 ms",
            [ms(r["flow"][period]["sql"]) for r in results])
        row(f"flow API ÷ raw SQL, {period} (referrals counted)",
            [f"{r['flow'][period]['ratio']:.2f}× ({r['flow'][period]['referred']:,})"
             for r in results], f"≤ {TARGETS['flow_ratio']:.0f}× at 300,000")
    for page in ("case list", "case list, all", "my work"):
        row(f"{page}: median / p95 ms (queries)",
            [f"{r['pages'][page]['median_ms']:.1f} / {r['pages'][page]['p95_ms']:.1f} "
             f"({r['pages'][page]['queries']})" for r in results],
            f"< {TARGETS['list_ms']:.0f} ms median at 300,000" if page != "case list, all" else "")
    row("IVNA API ingest: IVNAs a second",
        [f"{r['ingest']['per_second']:.0f} ({r['ingest']['posts']:,} in "
         f"{r['ingest']['seconds']:.1f} s)" for r in results], f"≥ {TARGETS['ingest_per_s']:.0f}")
    row("IVNA API ingest, 2 clients at once: IVNAs a second",
        [f"{r['ingest_2']['per_second']:.0f} ({r['ingest_2']['posts']:,} in "
         f"{r['ingest_2']['seconds']:.1f} s)" for r in results])
    row("letter rendering: letters a second (median ms)",
        [f"{r['letters']['per_second']:.1f} ({r['letters']['median_ms']:.0f})" for r in results])
    return rows


def verdicts(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        flow = max(r["flow"][p]["ratio"] for p in r["flow"])
        pages = max(r["pages"][p]["median_ms"] for p in ("case list", "my work"))
        out.append(
            f"- {r['cases']:,} cases: flow API within 2× of raw SQL: {ok(flow <= 2)} "
            f"(worst {flow:.2f}×); case list and My work under 150 ms median: "
            f"{ok(pages < 150)} (worst {pages:.0f} ms); ingest ≥ 100 a second: one client "
            f"{ok(r['ingest']['per_second'] >= 100)} ({r['ingest']['per_second']:.0f}), two "
            f"clients at once {ok(r['ingest_2']['per_second'] >= 100)} "
            f"({r['ingest_2']['per_second']:.0f})."
        )
    return out


def write_results(results: list[dict], prepared: list[dict], started: datetime) -> str:
    m = machine()
    lines = [
        "# Benchmarks",
        "",
        f"Run on {started:%Y-%m-%d %H:%M} with `bench/run.py` "
        "(`make bench`; the figures below are written by it).",
        "",
        f"- Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} memory; {m['system']}",
        f"- PostgreSQL: {results[0]['postgres']} (shared_buffers {results[0]['shared_buffers']}),"
        " on the same machine; Python " + m["python"],
        "- Data: `generate_demo_data` at the 2015 profile, whole years (about 31,300 cases a "
        "year), histories complete; each size in its own database:",
    ]
    for r, p in zip(results, prepared, strict=True):
        made = ", ".join(f"{g['seconds']:.0f}" for g in p["generated"])
        victims = sum(g["victims"] for g in p["generated"])
        lines.append(
            f"  - `{p['name']}`: {r['cases']:,} cases, {r['people']:,} people, referred in "
            + (f"{r['years'][0]}" if r["years"][0] == r["years"][1]
               else f"{r['years'][0]}–{r['years'][1]}")
            + ("" if not made else f"; generated in {made} s" if len(p["generated"]) == 1
               else f"; generated a year at a time ({p['generated'][0]['victims']:,} victims "
               f"a year, {victims:,} in all) in {made} s")
        )
    lines += [
        "- Load average (1, 5, 15 min) before and after measuring each size: "
        + "; ".join(f"{r['cases']:,} cases: {' '.join(map(str, r['load'][:3]))} → "
                    f"{' '.join(map(str, r['load'][3:]))}" for r in results)
        + " (2 CPUs: other work on the machine slows every figure).",
        "- Requests go through Django's test Client to the real views and middleware, signed "
        "in as a hub manager (second factor passed); "
        f"{results[0]['flow']['last year']['api']['n']} timed requests after 3 warm-up ones. "
        "The raw SQL is the flow's aggregate written by hand (the same COUNT ... FILTER over "
        "the cases and the count of introductory letters sent), run with psycopg2, taking "
        "turns with the API requests. IVNAs are "
        "posted one after another to a copy of the database (dropped afterwards), so runs do "
        "not change the data the next run reads.",
        "",
        *table(results),
        "",
        "## Against the targets",
        "",
        *verdicts(results),
        "",
    ]
    if RESULTS.exists():
        old = RESULTS.read_text()
        marker = "\n## Notes"
        if marker in old:
            lines.append(old[old.index(marker) + 1:].rstrip() + "\n")
    text = "\n".join(lines)
    RESULTS.write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30000,300000")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--ingest", type=int, default=2000)
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--fresh", action="store_true",
                        help="Drop and regenerate the benchmark databases.")
    parser.add_argument("--prepare-only", action="store_true",
                        help="Make the benchmark databases, measure nothing.")
    parser.add_argument("--measure", choices=["read", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--years", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        first, last = (int(y) for y in args.years.split(","))
        result = run_measurements(args.measure, args.size, (first, last), args.requests,
                                  args.ingest, args.letters)
        print("RESULT " + json.dumps(result, default=str))
        return
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to the PostgreSQL server (any database on it).")
    started = datetime.now()  # noqa: DTZ005 - the local date of the run, for the report
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results, prepared = [], []
    for size in sizes:
        p = prepare(base, size, fresh=args.fresh)
        if args.prepare_only:
            continue
        print(f"[{p['name']}] measuring...", flush=True)
        results.append(measure(base, p, size, args))
        prepared.append(p)
    if args.prepare_only:
        return
    text = write_results(results, prepared, started)
    print()
    print("\n".join(table(results)))
    print()
    print("\n".join(verdicts(results)))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} ({len(text):,} characters).")


if __name__ == "__main__":
    main()
