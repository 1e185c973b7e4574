"""The duty roster generator at scale, and sign-ups racing for places.

Run by hand (never part of the test suite); it empties the volunteer service's tables of the
database it is given, so it refuses any database whose name does not contain "bench"::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng_bench_roster \\
        .venv/bin/python bench/roster.py [--volunteers 5000] [--communities 100] [--racers 200]

1. A bench district with ``--communities`` communities and as many units, each unit registered
   with one community and holding ``volunteers / communities`` people (varied days of the week,
   one in ten on three days' leave, one in twenty with another activity on a weekday morning).
2. A month (the next whole calendar month), generated two ways, each from empty:
   a. one rule per unit (8 a weekday to its community, everyone at weekends): all rules in turn;
   b. one rule for one unit holding all the people, spread over all the communities.
   Then (a) again at a fifth of the size, to show that statements depend on the number of rules,
   not on people × days.
3. ``--racers`` sign-ups at once for 50 places of one activity, from 50 threads (PostgreSQL's
   default allows 100 connections): wall time, statements per sign-up, and the check that exactly
   50 are confirmed and the rest waitlisted.

Wall time and SQL statements for each; the goal (the issue): no query per volunteer-day.
"""

import argparse
import os
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chuangcheng_bench_roster")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

PLACES = 50
THREADS = 50


def ensure_database(url: str) -> str:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/roster.py measures PostgreSQL: DATABASE_URL must be postgres://...")
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
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return name


def counted(run):
    """Run ``run()`` on this thread's connection: (its result, seconds, statements)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    return result, seconds, len(queries)


def empty() -> None:
    from django.db import connection

    tables = [
        "volunteers_swaprequest", "volunteers_attendance", "volunteers_certificate", "volunteers_signup",
        "volunteers_activity", "volunteers_dutyrule", "volunteers_leave", "volunteers_registration",
        "volunteers_wishevent", "volunteers_wishphoto", "volunteers_wish", "volunteers_volunteer",
        "notifications_notification",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")  # noqa: S608


def build(volunteers: int, communities: int, month: tuple[date, date], seed: int = 1):
    """The bench geography, units, people, leave and other commitments; returns (units, staff)."""
    from accounts.models import Membership, Role, User
    from districts.models import Community, District, Street, Unit
    from volunteers.models import Activity, Leave, Registration, SignUp, Volunteer

    rng = random.Random(seed)
    empty()
    district, _ = District.objects.get_or_create(code="370199", defaults={"name": "测试区"})
    street, _ = Street.objects.get_or_create(code="370199001", defaults={"name": "测试街道", "district": district})
    places = []
    for i in range(communities):
        place, _ = Community.objects.get_or_create(
            code=f"370199001{i + 1:03d}", defaults={"name": f"社区{i + 1}", "street": street}
        )
        places.append(place)
    units = []
    for i in range(communities):
        unit, _ = Unit.objects.get_or_create(
            code=f"BENCH-{i + 1:03d}", defaults={"name": f"单位{i + 1}", "district": district}
        )
        units.append(unit)
    Registration.objects.bulk_create(
        [
            Registration(kind="unit", unit=u, community=c, status="approved", decided_at=datetime.now().astimezone())
            for u, c in zip(units, places, strict=True)
        ]
    )
    staff, _ = User.objects.get_or_create(username="bench-staff")
    Membership.objects.filter(user=staff).delete()
    Membership.objects.bulk_create([Membership(user=staff, role=Role.UNIT_STAFF, unit=u) for u in units])
    per_unit = volunteers // communities
    people = []
    for i, unit in enumerate(units):
        for j in range(per_unit):
            off = rng.choice((0, 0, 0, 1 << rng.randrange(5), 1 << rng.randrange(7)))
            people.append(Volunteer(name=f"志愿者{i}-{j}", unit=unit, availability=0b1111111 & ~off))
    Volunteer.objects.bulk_create(people, batch_size=5000)
    first, last = month
    Leave.objects.bulk_create(
        [
            Leave(
                volunteer=v,
                starts_on=first + timedelta(days=rng.randrange(25)),
                ends_on=first + timedelta(days=rng.randrange(25, 28)),
            )
            for v in people
            if rng.random() < 0.1
        ]
    )
    zone = django.utils.timezone.get_current_timezone()
    other = Activity.objects.create(
        community=places[0], title="其他活动", kind="other", place="x", capacity=100000,
        starts_at=datetime.combine(first + timedelta(days=2), datetime.min.time(), tzinfo=zone).replace(hour=9),
        ends_at=datetime.combine(first + timedelta(days=2), datetime.min.time(), tzinfo=zone).replace(hour=10),
    )  # fmt: skip
    SignUp.objects.bulk_create(
        [
            SignUp(activity=other, volunteer=v, status="confirmed", confirmed_at=other.starts_at)
            for v in people
            if rng.random() < 0.05
        ]
    )
    return units, places, staff


def next_month() -> tuple[date, date]:
    today = date.today()
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def per_unit_rules(units, places, staff, month):
    from volunteers import roster
    from volunteers.models import DutyRule, SignUp

    rules = DutyRule.objects.bulk_create(
        [
            DutyRule(unit=u, community=c, per_weekday=8, starts_on=month[0], ends_on=month[1])
            for u, c in zip(units, places, strict=True)
        ]
    )
    staff = type(staff).objects.get(pk=staff.pk)
    staff.roles()
    gaps = 0

    def run():
        nonlocal gaps
        for rule in rules:
            gaps += len(roster.generate_roster(actor=staff, rule=rule, start=month[0], end=month[1]).gaps)

    _result, seconds, statements = counted(run)
    return {
        "rules": len(rules),
        "seconds": seconds,
        "statements": statements,
        "signups": SignUp.objects.filter(source="roster").count(),
        "gaps": gaps,
    }


def one_big_rule(volunteers, places, staff, month):
    from volunteers import roster
    from volunteers.models import DutyRule, Registration, SignUp, Volunteer

    unit = Volunteer.objects.first().unit
    Volunteer.objects.update(unit=unit)
    Registration.objects.bulk_create(
        [
            Registration(kind="unit", unit=unit, community=c, status="approved", decided_at=datetime.now().astimezone())
            for c in places[1:]
        ]
    )
    rule = DutyRule.objects.create(unit=unit, per_weekday=8 * len(places), starts_on=month[0], ends_on=month[1])
    staff = type(staff).objects.get(pk=staff.pk)
    staff.roles()
    result, seconds, statements = counted(
        lambda: roster.generate_roster(actor=staff, rule=rule, start=month[0], end=month[1])
    )
    return {
        "rules": 1,
        "seconds": seconds,
        "statements": statements,
        "signups": SignUp.objects.filter(source="roster").count(),
        "gaps": len(result.gaps),
    }


def race(racers: int):
    """``racers`` people sign up at once for ``PLACES`` places, from ``THREADS`` threads."""
    from django.db import connection

    from accounts.models import Membership, Role, User
    from districts.models import Community
    from volunteers import signups
    from volunteers.models import Activity, SignUp, Volunteer

    community = Community.objects.get(code="370199001001")
    unit = community.volunteer_registrations.filter(kind="unit").first().unit
    User.objects.filter(username__startswith="racer-").delete()
    users = User.objects.bulk_create([User(username=f"racer-{i}") for i in range(racers)])
    Membership.objects.bulk_create([Membership(user=u, role=Role.VOLUNTEER) for u in users])
    people = Volunteer.objects.bulk_create([Volunteer(user=u, name=u.username, unit=unit) for u in users])
    start = django.utils.timezone.now() + timedelta(days=1)
    activity = Activity.objects.create(
        community=community,
        title="抢报名",
        kind="cleaning",
        place="x",
        capacity=PLACES,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    for person in people:
        person.user = type(person.user).objects.get(pk=person.user_id)
        person.user.roles()
    queue = list(people)
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    statements, errors = [], []

    def worker():
        barrier.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop()
                _r, _s, n = counted(
                    lambda p=person: signups.sign_up(actor=p.user, activity=Activity.objects.get(pk=activity.pk))
                )
                with lock:
                    statements.append(n)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    confirmed = SignUp.objects.filter(activity=activity, status="confirmed").count()
    waitlisted = SignUp.objects.filter(activity=activity, status="waitlisted").count()
    return {
        "racers": racers,
        "seconds": seconds,
        "statements_per_signup": sum(statements) / max(len(statements), 1),
        "max_statements": max(statements or [0]),
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=5000)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--racers", type=int, default=200)
    args = parser.parse_args()
    name = ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    month = next_month()
    print(f"database {name}; month {month[0]} … {month[1]}")
    small = (args.volunteers // 5, args.communities // 5)
    for volunteers, communities in ((args.volunteers, args.communities), small):
        units, places, staff = build(volunteers, communities, month)
        found = per_unit_rules(units, places, staff, month)
        print(
            f"per-unit rules, {volunteers} volunteers over {communities} communities: {found['rules']} rules, "
            f"{found['seconds']:.2f} s, {found['statements']} statements "
            f"({found['statements'] / found['rules']:.1f} per rule), "
            f"{found['signups']} duty sign-ups, {found['gaps']} gaps"
        )
    units, places, staff = build(args.volunteers, args.communities, month)
    found = one_big_rule(args.volunteers, places, staff, month)
    print(
        f"one rule, {args.volunteers} volunteers spread over {args.communities} communities: {found['seconds']:.2f} s, "
        f"{found['statements']} statements, {found['signups']} duty sign-ups, {found['gaps']} gaps"
    )
    result = race(args.racers)
    print(
        f"{result['racers']} sign-ups racing for {PLACES} places from {THREADS} threads: {result['seconds']:.2f} s, "
        f"{result['statements_per_signup']:.1f} statements per sign-up (at most {result['max_statements']}), "
        f"{result['confirmed']} confirmed, {result['waitlisted']} waitlisted, {result['errors']} errors"
    )


if __name__ == "__main__":
    main()
