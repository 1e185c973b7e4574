"""Benchmark: the leaders' dashboard (/dashboard/ and GET /api/v1/dashboard/) at 10,000 and 1,000,000 findings.

Run by hand against PostgreSQL, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng .venv/bin/python bench/dashboard.py

It works in two databases of its own on the same server (``chuangcheng_bench_dashboard_10k`` and
``chuangcheng_bench_dashboard``, or BENCH_SMALL_DATABASE and BENCH_DATABASE), created, migrated
and seeded when missing, with the set-up of ``bench/list_api.py``:

1. load the demo (``seed_demo``: geography, people, categories, the campaign) and seed each
   database up to its size (``inspections.demo.seed_findings``; a later run reuses them);
2. rebuild the daily roll-up in each (``inspections.rollup.rebuild``, timed), VACUUM ANALYZE;
3. measure each case at both sizes in a row: the median wall time of REPEAT requests through
   ``django.test.Client`` (after WARMUP) and the queries of one;
4. print a table of both sizes side by side with their ratios.

Goal: the same query count at both sizes, and time at 1,000,000 within 2x of 10,000.
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "chuangcheng_bench_dashboard")
os.environ.setdefault("BENCH_SMALL_DATABASE", "chuangcheng_bench_dashboard_10k")
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
        cursor.execute("VACUUM (ANALYZE) inspections_dailycount, inspections_dailysubtotal")
    print(f"  roll-up rebuilt: {rows:,} rows in {seconds:.1f} s", file=sys.stderr)
    return seconds


def measure_case(username: str, url: str) -> tuple[float, float, int]:
    """(median, fastest, queries) of ``url`` as ``username`` in the current database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
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
    return statistics.median(times), min(times), len(queries)


def measure() -> tuple[dict, dict]:
    """Each case at 10,000 then at 1,000,000 in a row, so both meet the same load of the machine."""
    small, large = {}, {}
    for name, username, url in CASES:
        for database, into in ((list_api.BENCH_SMALL_DATABASE, small), (list_api.BENCH_DATABASE, large)):
            list_api.switch_to(database)
            into[name] = measure_case(username, url)
            median, fastest, queries = into[name]
            print(
                f"  {database} {name}: {median * 1000:.1f} ms (fastest {fastest * 1000:.1f}), {queries} queries",
                file=sys.stderr,
            )
    return small, large


def table(small: dict, large: dict) -> str:
    a, b = list_api._short(SMALL), list_api._short(LARGE)
    lines = [
        f"| case | N={a} median (fastest) | N={a} queries | N={b} median (fastest) | N={b} queries "
        "| time ratio (fastest) | query ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _, _ in CASES:
        (t1, f1, q1), (t2, f2, q2) = small[name], large[name]
        lines.append(
            f"| {name} | {t1 * 1000:.1f} ms ({f1 * 1000:.1f}) | {q1} | {t2 * 1000:.1f} ms ({f2 * 1000:.1f}) | {q2} "
            f"| {t2 / t1:.2f} ({f2 / f1:.2f}) | {q2 / q1:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    version = list_api.use_bench_database()
    list_api.setup()
    seeded, rebuilt = {}, {}
    for database, size, seed in ((list_api.BENCH_SMALL_DATABASE, SMALL, 1), (list_api.BENCH_DATABASE, LARGE, 2)):
        seeded[size] = list_api.prepare(database, size, seed=seed)
        rebuilt[size] = rebuild()
    small, large = measure()

    print(f"machine: {os.cpu_count()} cores; {version.split(',')[0]}; Python {sys.version.split()[0]}")
    print(
        f"requests: median and fastest of {REPEAT} after {WARMUP} warm-up, django.test.Client in process; "
        "each case at both sizes in a row"
    )
    for size, seconds in seeded.items():
        if seconds is not None:
            print(f"seeding to {size:,}: {seconds:.0f} s")
    print(f"roll-up rebuild: {rebuilt[SMALL]:.1f} s at {SMALL:,}, {rebuilt[LARGE]:.1f} s at {LARGE:,}")
    print(table(small, large))


if __name__ == "__main__":
    main()
