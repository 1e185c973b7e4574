"""Benchmark: the leaders' dashboard (/dashboard/ and GET /api/v1/dashboard/) at 10,000 and 1,000,000 findings.

Run by hand against PostgreSQL, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng .venv/bin/python bench/dashboard.py

It works in its own database on the same server (``chuangcheng_bench_dashboard``, or
BENCH_DATABASE), created and migrated when missing, with the set-up of ``bench/list_api.py``:

1. load the demo (``seed_demo``: geography, people, categories, the campaign),
   and empty the findings unless exactly 10,000 are there from an earlier run;
2. seed up to 10,000 findings (``inspections.demo.seed_findings``), VACUUM ANALYZE, rebuild the
   daily roll-up (``inspections.rollup.rebuild``, timed), and measure each case: the median wall
   time of REPEAT requests through ``django.test.Client`` (after WARMUP) and the queries of one;
3. top up to 1,000,000 findings, VACUUM ANALYZE, rebuild the roll-up, and measure again;
4. print a table of both runs side by side with their ratios.

Goal: the same query count at both sizes, and time at 1,000,000 within 2x of 10,000.
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "chuangcheng_bench_dashboard")
os.environ.setdefault("BENCH_SMALL", "10000")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import list_api  # noqa: E402 (the bench database and seeding, shared)

SMALL, LARGE = list_api.SMALL, list_api.LARGE
WARMUP, REPEAT = 2, 10
CASES = [
    ("leader: page", "leader", "/dashboard/"),
    ("leader: JSON", "leader", "/api/v1/dashboard/"),
    ("street leader: page", "streetleader-ganshiqiao", "/dashboard/"),
    ("street leader: JSON", "streetleader-ganshiqiao", "/api/v1/dashboard/"),
]


def rebuild() -> float:
    from django.db import connection

    from inspections import rollup

    started = time.monotonic()
    rows = rollup.rebuild()
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) inspections_dailycount")
    print(f"  roll-up rebuilt: {rows:,} rows in {seconds:.1f} s", file=sys.stderr)
    return seconds


def measure() -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    results, clients = {}, {}
    for name, username, url in CASES:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        for _ in range(WARMUP):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        results[name] = (statistics.median(times), len(queries))
        print(
            f"  {name}: {results[name][0] * 1000:.1f} ms, {len(queries)} queries; "
            f"slowest {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:120]}",
            file=sys.stderr,
        )
    return results


def table(small: dict, large: dict) -> str:
    a, b = list_api._short(SMALL), list_api._short(LARGE)
    lines = [
        f"| case | N={a} time | N={a} queries | N={b} time | N={b} queries | time ratio | query ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _, _ in CASES:
        (t1, q1), (t2, q2) = small[name], large[name]
        lines.append(
            f"| {name} | {t1 * 1000:.1f} ms | {q1} | {t2 * 1000:.1f} ms | {q2} | {t2 / t1:.2f} | {q2 / q1:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    version = list_api.use_bench_database()
    list_api.setup()
    import io

    from django.core.management import call_command

    from inspections.models import Finding

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password=os.urandom(12).hex(), verbosity=0, stdout=io.StringIO())

    if Finding.objects.count() > SMALL:
        print("emptying the findings of an earlier run", file=sys.stderr)
        list_api.empty_findings()
    print(f"N={SMALL:,}", file=sys.stderr)
    first = list_api.seed_to(SMALL, seed=1)
    rebuild_small = rebuild()
    small = measure()
    print(f"N={LARGE:,}", file=sys.stderr)
    second = list_api.seed_to(LARGE, seed=2)
    rebuild_large = rebuild()
    large = measure()

    print(f"machine: {os.cpu_count()} cores; {version.split(',')[0]}; Python {sys.version.split()[0]}")
    print(f"requests: median of {REPEAT} after {WARMUP} warm-up, django.test.Client in process")
    if first is not None:
        print(f"seeding to {SMALL:,}: {first:.0f} s")
    if second is not None:
        print(f"seeding to {LARGE:,}: {second:.0f} s")
    print(f"roll-up rebuild: {rebuild_small:.1f} s at {SMALL:,}, {rebuild_large:.1f} s at {LARGE:,}")
    print(table(small, large))


if __name__ == "__main__":
    main()
