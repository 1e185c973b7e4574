"""The deadline sweep against its floor: the same work in raw SQL.

Run by hand (never part of the test suite); it empties the findings, events and notifications
of the database it is given, so it refuses any database whose name does not contain "bench"::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng_bench_sweep \\
        .venv/bin/python bench/sweep.py [--sizes 10000 100000] [--repeat 3]

For each size N, ``--repeat`` times:

1. N open findings whose deadline passed 30 hours ago (so the overdue and the escalated rungs
   both fire), then ``VACUUM ANALYZE`` and ``CHECKPOINT``;
2. ``deadlines.sweep()``: wall time, CPU time and SQL statements; checks N findings at level 2
   marked overdue, 2N events;
3. the same N findings rebuilt, then the floor: one transaction of two ``INSERT ... SELECT`` (the
   events) and one ``UPDATE`` (the level and the overdue mark), timed the same way.

The fastest run of each counts. CPU time is this process plus its PostgreSQL backend (read from
/proc, so only when the database runs on this machine): unlike wall time it does not grow when
other work shares the cores. The goal (the issue): statements constant in N, sweep within 3x the
floor at 100,000.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chuangcheng_bench_sweep")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

HOURS_LATE = 30


def ensure_database(url: str) -> str:
    """Create the database named in ``url`` if it is missing; returns its name."""
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/sweep.py measures PostgreSQL: DATABASE_URL must be postgres://...")
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to empty {name!r}: the benchmark database's name must contain 'bench'")
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    return name


def setup_people():
    """One district, street, community, grid cell and category; the three people the sweep tells."""
    from accounts.models import Membership, Role, User
    from districts.models import Community, District, GridCell, Street
    from inspections.models import Category

    district, _ = District.objects.get_or_create(code="370103", defaults={"name": "市中区"})
    street, _ = Street.objects.get_or_create(code="370103001", defaults={"name": "杆石桥街道", "district": district})
    community, _ = Community.objects.get_or_create(
        code="370103001001", defaults={"name": "乐山小区社区", "street": street}
    )
    boundary = {
        "type": "Polygon",
        "coordinates": [[[116.99, 36.65], [117.0, 36.65], [117.0, 36.66], [116.99, 36.66], [116.99, 36.65]]],
    }
    cell = GridCell.objects.filter(code="370103001001001").first()
    if cell is None:
        cell = GridCell.objects.create(
            code="370103001001001", name="乐山小区第一网格", community=community, boundary=boundary
        )
    category, _ = Category.objects.get_or_create(code="exposed-garbage", defaults={"name": "暴露垃圾"})
    # No email and no phone: in-app rows only, so the sweep asks no broker to deliver anything.
    for username, role, scope in (
        ("bench_community_worker", Role.COMMUNITY_WORKER, {"community": community}),
        ("bench_street_discipline", Role.STREET_DISCIPLINE, {"street": street}),
        ("bench_inspector", Role.INSPECTOR, {"district": district}),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"real_name": username})
        Membership.objects.get_or_create(user=user, role=role, **scope)
    return cell, category


def reset(cell, category, *, count: int, now) -> None:
    """Empty findings, events and notifications; insert ``count`` findings overdue by HOURS_LATE hours."""
    from django.db import connection

    from inspections.models import Finding

    with connection.cursor() as cursor:
        # CASCADE: whatever else points at findings (cases, photos) goes too; it is a bench database.
        cursor.execute("TRUNCATE inspections_findingevent, inspections_finding, notifications_notification CASCADE")
    community = cell.community
    reported = now - timedelta(hours=24 + HOURS_LATE)
    # Acknowledged and being rectified: open, but past the acknowledgement rung, which would add
    # N events of its own.
    template = Finding.objects.create(
        code=code(0),
        source=Finding.Source.SUPERVISION,
        category=category,
        description="楼道堆放杂物",
        address="杆石桥街道乐山小区3号楼",
        lat=36.655,
        lng=116.995,
        grid_cell=cell,
        community=community,
        street=community.street,
        district=community.street.district,
        status=Finding.Status.RECTIFYING,
        reported_at=reported,
        dispatched_at=reported,
        ack_deadline_at=reported + timedelta(minutes=60),
        acknowledged_at=reported + timedelta(minutes=10),
        deadline_at=reported + timedelta(hours=24),
    )
    # The other N - 1 are copies made by the database: seconds at 100,000, not a minute of ORM.
    columns = [f.column for f in Finding._meta.concrete_fields if f.column not in ("id", "code")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO inspections_finding (code, {', '.join(columns)}) "
            f"SELECT %s || lpad(n::text, 6, '0'), {', '.join(columns)} "
            "FROM inspections_finding, generate_series(1, %s) AS n WHERE id = %s",
            [code(0)[:-6], count - 1, template.pk],
        )
        for table in ("inspections_finding", "inspections_findingevent", "notifications_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        # The inserts' WAL written out now, not by a checkpoint in the middle of the measurement.
        cursor.execute("CHECKPOINT")


def code(n: int) -> str:
    return f"370103-20260101-{n:06d}"


def check(count: int) -> None:
    from django.db.models import F

    from inspections.models import Finding, FindingEvent

    escalated = Finding.objects.filter(escalation_level=2, overdue_at=F("deadline_at")).count()
    events = FindingEvent.objects.filter(kind__in=["overdue", "escalated"]).count()
    if (escalated, events) != (count, 2 * count):
        sys.exit(f"wrong outcome at N={count}: {escalated} findings at level 2 marked overdue, {events} events")


class Clock:
    """Wall time, and CPU time of this process plus its PostgreSQL backend (the same host).

    The CPU seconds do not grow when other processes share the cores; the wall time does.
    """

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def cpu(self) -> float:
        backend = 0.0
        if self.stat.exists():  # the database runs on this machine
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return time.process_time() + backend

    def __enter__(self) -> "Clock":
        self.wall, self.cpu_used = time.perf_counter(), self.cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu_used = time.perf_counter() - self.wall, self.cpu() - self.cpu_used


def measure_sweep(*, now) -> tuple[float, float, int]:
    """Wall and CPU time of one sweep, with its commit, and the statements it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inspections import deadlines

    clock = Clock()  # its own query before the counting starts
    with CaptureQueriesContext(connection) as queries, clock:
        deadlines.sweep(now=now)
    return clock.wall, clock.cpu_used, len(queries)


def measure_floor(*, now) -> tuple[float, float]:
    """The least the database must do: both events of each finding and its level, in one transaction."""
    from django.conf import settings
    from django.db import connection, transaction

    from inspections.models import Finding

    open_ = [str(s) for s in Finding.OPEN_STATUSES]
    due = f"status IN ({', '.join(['%s'] * len(open_))}) AND escalation_level < 2 AND deadline_at <= %s"
    params = [*open_, now - settings.DEADLINE_ESCALATE_AFTER]
    # The same dates and payloads as the sweep's events, so the two write the same rows.
    insert = (
        "INSERT INTO inspections_findingevent (finding_id, kind, from_status, to_status, note, at, payload) "
        "SELECT id, %s, '', '', '', deadline_at + %s, %s::jsonb FROM inspections_finding WHERE " + due
    )
    with Clock() as clock, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, ["overdue", timedelta(0), '{"level": 1}', *params])
        cursor.execute(insert, ["escalated", settings.DEADLINE_ESCALATE_AFTER, '{"level": 2}', *params])
        cursor.execute(
            "UPDATE inspections_finding SET escalation_level = 2, overdue_at = COALESCE(overdue_at, deadline_at) "
            "WHERE " + due,
            params,
        )
    return clock.wall, clock.cpu_used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], metavar="N")
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="R", help="Runs of each measurement; the fastest counts (default 3)."
    )
    args = parser.parse_args()

    name = ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    cell, category = setup_people()
    now = timezone.now()
    # Untimed: the first sweep of a process imports the URLconf and the translations (reverse(),
    # gettext), which a worker does once, not per sweep.
    reset(cell, category, count=100, now=now)
    measure_sweep(now=now)

    rows = []
    for count in args.sizes:
        sweeps, floors = [], []
        for _ in range(args.repeat):
            reset(cell, category, count=count, now=now)
            sweeps.append(measure_sweep(now=now))
            check(count)
            reset(cell, category, count=count, now=now)
            floors.append(measure_floor(now=now))
            check(count)
        if len({statements for _, _, statements in sweeps}) != 1:
            sys.exit(f"the sweep sent a different number of statements at N={count}: {sweeps}")
        # Other processes only ever add time: the fastest run is the closest to the cost itself.
        sweep_wall, sweep_cpu = min(s[0] for s in sweeps), min(s[1] for s in sweeps)
        floor_wall, floor_cpu = min(f[0] for f in floors), min(f[1] for f in floors)
        rows.append((count, sweep_wall, sweeps[0][2], floor_wall, sweep_cpu, floor_cpu))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"database {name}, PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} cores, load {load}")
    print(f"fastest of {args.repeat}; CPU: this process and its PostgreSQL backend")
    print(
        f"{'N':>9}  {'sweep s':>8}  {'statements':>10}  {'floor s':>8}  {'sweep/floor':>11}"
        f"  {'sweep CPU s':>11}  {'floor CPU s':>11}  {'CPU ratio':>9}"
    )
    for count, sweep_wall, statements, floor_wall, sweep_cpu, floor_cpu in rows:
        print(
            f"{count:>9,}  {sweep_wall:>8.2f}  {statements:>10}  {floor_wall:>8.2f}  {sweep_wall / floor_wall:>10.1f}x"
            f"  {sweep_cpu:>11.2f}  {floor_cpu:>11.2f}  {sweep_cpu / floor_cpu:>8.1f}x"
        )
    smallest, largest = rows[0], rows[-1]
    print(f"statements at N={largest[0]:,} / N={smallest[0]:,}: {largest[2] / smallest[2]:.1f} (constant: 1.0)")


if __name__ == "__main__":
    main()
