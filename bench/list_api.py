"""Benchmark: the findings list API (GET /api/v1/findings/) at 100,000 and at 1,000,000 findings.

Run by hand against PostgreSQL, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng .venv/bin/python bench/list_api.py

It works in two databases of its own on the same server, created and migrated when missing, so
the database in DATABASE_URL is never touched: ``chuangcheng_bench_100k`` (BENCH_SMALL_DATABASE)
with 100,000 findings and ``chuangcheng_bench`` (BENCH_DATABASE) with 1,000,000. Both are kept,
so only the first run seeds (about ten minutes for the million); later runs measure at once.

1. In each database: load the demo geography, people and categories (``seed_demo``), seed up to
   its size (``inspections.demo.seed_findings``; a database holding more is refused), and
   VACUUM ANALYZE after seeding.
2. Measure each case in both databases, one right after the other (the connection is switched
   between them): the median and the fastest wall time of REPEAT requests through
   ``django.test.Client`` (after WARMUP), and the number of queries of one request
   (``CaptureQueriesContext``). Measuring the two sizes seconds apart, not minutes, keeps the
   other jobs of a shared machine from favouring one of them.
3. Print the seeding times and a table of both sizes side by side with their ratios.

A list whose cost does not grow with the data has a time ratio near 1 and equal query counts.
A count past ``LIST_EXACT_COUNT_UP_TO`` is the planner's estimate, shown with "~".
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# BENCH_SMALL and BENCH_LARGE shrink a trial run; the recorded results use the defaults.
SMALL = int(os.environ.get("BENCH_SMALL", 100_000))
LARGE = int(os.environ.get("BENCH_LARGE", 1_000_000))
WARMUP, REPEAT = 2, 20
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "chuangcheng_bench")
BENCH_SMALL_DATABASE = os.environ.get("BENCH_SMALL_DATABASE", "chuangcheng_bench_100k")
STREET_STAFF, LEADER = "street-ganshiqiao", "leader"
CASES = [
    ("street staff: first page", STREET_STAFF, "/api/v1/findings/"),
    ("street staff: dispatched & overdue", STREET_STAFF, "/api/v1/findings/?status=dispatched&overdue=true"),
    ("street staff: q=纬二路", STREET_STAFF, "/api/v1/findings/?q=纬二路"),
    ("leader: first page", LEADER, "/api/v1/findings/"),
    ("leader: dispatched & overdue", LEADER, "/api/v1/findings/?status=dispatched&overdue=true"),
    ("leader: q=纬二路", LEADER, "/api/v1/findings/?q=纬二路"),
]


def use_bench_database() -> str:
    """Point DATABASE_URL at the (large) bench database, creating both on the same server if missing."""
    import psycopg2
    from psycopg2 import sql

    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/chuangcheng")
    server = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    server.autocommit = True
    with server.cursor() as cursor:
        for name in (BENCH_SMALL_DATABASE, BENCH_DATABASE):
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}", file=sys.stderr)
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    server.close()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    return version


def setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    # django.test.Client talks to "testserver" over plain HTTP.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False


def switch_to(name: str) -> None:
    """Point the default connection at database ``name`` (it reconnects on the next query)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


def prepare(name: str, size: int, *, seed: int) -> float | None:
    """Migrate and seed database ``name`` up to ``size`` findings; the seconds seeding took."""
    from django.core.management import call_command

    from inspections.models import Finding

    switch_to(name)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", password=os.urandom(12).hex(), verbosity=0, stdout=io.StringIO())
    have = Finding.objects.count()
    if have > size:
        sys.exit(f"{name} holds {have:,} findings, more than {size:,}: drop it and run again")
    print(f"{name}: {have:,} findings, seeding up to {size:,}", file=sys.stderr)
    return seed_to(size, seed=seed)


def seed_to(total: int, *, seed: int) -> float | None:
    """Add findings up to ``total``; the seconds it took (None when nothing was added)."""
    from django.db import connection

    from inspections.demo import seed_findings
    from inspections.models import Finding

    have = Finding.objects.count()
    if have >= total:
        return None
    started = time.monotonic()

    def progress(done: int, count: int) -> None:
        print(f"  seeding {done:,}/{count:,} ({time.monotonic() - started:.0f} s)", file=sys.stderr)

    seed_findings(count=total - have, seed=seed, progress=progress)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        # The tables as autovacuum leaves them a little after a bulk load: planner statistics,
        # and the visibility map that lets a count be answered from an index alone.
        cursor.execute("VACUUM (ANALYZE) inspections_finding")
        cursor.execute("VACUUM (ANALYZE) inspections_findingevent")
    return seconds


def measure_case(name: str, username: str, url: str, client) -> tuple[float, int, str, float]:
    """(median seconds, queries of one request, the count answered ("~" when an estimate), fastest seconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    body = response.json()
    shown = ("~" if body.get("count_is_estimate") else "") + f"{body['count']:,}"
    result = (statistics.median(times), len(queries), shown, min(times))
    print(
        f"  {connection.settings_dict['NAME']}: {name}: {result[0] * 1000:.1f} ms, {len(queries)} queries, "
        f"count={shown}; slowest query {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:80]}",
        file=sys.stderr,
    )
    return result


def measure() -> tuple[dict, dict]:
    """Each case in the small database, then at once in the large one."""
    from django.test import Client

    from accounts.models import User

    small, large = {}, {}
    clients: dict[tuple[str, str], Client] = {}
    for name, username, url in CASES:
        for database, results in ((BENCH_SMALL_DATABASE, small), (BENCH_DATABASE, large)):
            switch_to(database)
            if (database, username) not in clients:
                # A session lives in its database: one logged-in client per database.
                clients[database, username] = Client()
                clients[database, username].force_login(User.objects.get(username=username))
            results[name] = measure_case(name, username, url, clients[database, username])
    return small, large


def table(small: dict, large: dict) -> str:
    a, b = _short(SMALL), _short(LARGE)
    lines = [
        f"| case | N={a} time | N={a} queries | N={a} count | N={b} time | N={b} queries | N={b} count "
        "| time ratio (median) | time ratio (fastest) | query ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _, _ in CASES:
        (t1, q1, c1, f1), (t2, q2, c2, f2) = small[name], large[name]
        lines.append(
            f"| {name} | {t1 * 1000:.1f} ms | {q1} | {c1} | {t2 * 1000:.1f} ms | {q2} | {c2} "
            f"| {t2 / t1:.2f} | {f2 / f1:.2f} | {q2 / q1:.2f} |"
        )
    return "\n".join(lines)


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main() -> None:
    version = use_bench_database()
    setup()
    first = prepare(BENCH_SMALL_DATABASE, SMALL, seed=1)
    second = prepare(BENCH_DATABASE, LARGE, seed=2)
    small, large = measure()

    print(f"machine: {os.cpu_count()} cores; {version.split(',')[0]}; Python {sys.version.split()[0]}")
    print(
        f"requests: median and fastest of {REPEAT} after {WARMUP} warm-up, django.test.Client in process; "
        "each case at both sizes in a row"
    )
    if first is not None:
        print(f"seeding {SMALL:,} findings ({BENCH_SMALL_DATABASE}): {first:.0f} s")
    if second is not None:
        print(f"seeding up to {LARGE:,} findings ({BENCH_DATABASE}): {second:.0f} s")
    print(table(small, large))


if __name__ == "__main__":
    main()
