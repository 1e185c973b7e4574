"""Load run: the whole portal under gunicorn, PostgreSQL, Redis and a Celery worker, driven by
50 simulated people for 60 seconds (locust, headless, on loopback). Run by hand, never by tests:

    pip install -r bench/requirements.txt      # locust, pinned
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuangcheng_load REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--findings 100000]

1. Prepare the database named by DATABASE_URL (its name must contain "load" or "bench": the
   run adds findings to it): migrate, ``seed_demo``, and top the findings up to ``--findings``.
   Issue a hotline key and one Open311 key per simulated Open311 client, and a session for each
   demo account: the run is a working day's traffic of people who logged in that morning, not a
   storm of 50 password hashes in the first seconds.
2. Start gunicorn (``config.wsgi``, DEBUG off, static files collected, TLS with a certificate
   made for the run, since the portal's cookies are Secure when DEBUG is off) and a Celery worker
   on the same settings, on 127.0.0.1 only, and wait until ``/healthz`` answers.
3. Run ``locust -f bench/load_users.py --headless`` with the people of ``load_users``.
4. Report requests per second and the 50th/95th percentiles per endpoint, then check that every
   intake answered 201 is in the database with its events (and, for Open311, its request row),
   that no answer was a 5xx and that locust saw no failure (exit 1 if not); show the outbox's
   rows by state.
"""

import argparse
import csv
import io
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
OPEN311_CLIENTS = 8


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--spawn-rate", type=float, default=10)
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(findings: int, password: str) -> dict:
    """Migrate, seed, issue keys; the configuration the simulated people need."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import ApiKey, Role
    from districts.models import GridCell
    from inspections.demo import seed_findings
    from inspections.models import Category, Finding
    from open311.models import ServiceAttribute

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    call_command("seed_demo", password=password, verbosity=0, stdout=out)
    accounts: dict[str, list[str]] = {}
    for line in out.getvalue().splitlines()[1:]:
        username, role, _scope = line.split("\t")
        accounts.setdefault(role, []).append(username)
    have = Finding.objects.count()
    if have < findings:
        started = time.monotonic()
        print(f"seeding {findings - have:,} findings ...", file=sys.stderr)
        seed_findings(count=findings - have, seed=7)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) inspections_finding")
            cursor.execute("VACUUM (ANALYZE) inspections_findingevent")
        print(f"  {time.monotonic() - started:.0f} s", file=sys.stderr)
    from django.test import Client

    from accounts.models import User

    sessions = {}
    for user in User.objects.filter(username__in=[u for names in accounts.values() for u in names]):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies["sessionid"].value
    _row, hotline_key = ApiKey.objects.create_key(name="load: 12345", scope=ApiKey.Scope.HOTLINE)
    open311_keys = [
        ApiKey.objects.create_key(name=f"load: app {i}", scope=ApiKey.Scope.OPEN311, source=ApiKey.Source.SNAPSHOT)[1]
        for i in range(OPEN311_CLIENTS)
    ]
    asks = set(ServiceAttribute.objects.filter(required=True).values_list("category__code", flat=True))
    categories = list(Category.objects.filter(is_active=True).values_list("code", flat=True))
    cells = GridCell.objects.order_by("?").values_list("min_lat", "max_lat", "min_lng", "max_lng")[:200]
    return {
        "accounts": {
            "community_worker": accounts[Role.COMMUNITY_WORKER],
            "street_staff": accounts[Role.STREET_STAFF],
            "leader": accounts[Role.LEADER],
        },
        "sessions": sessions,
        "hotline_key": hotline_key,
        "open311_keys": open311_keys,
        "categories": categories,
        "plain_categories": [code for code in categories if code not in asks],
        # The middle of each cell's bounding box: the demo's cells are rectangles.
        "points": [((a + b) / 2, (c + d) / 2) for a, b, c, d in cells],
        "findings": Finding.objects.count(),
    }


def start(name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 (kept open for the process's life)
    print(f"starting {name}: {' '.join(command)}", file=sys.stderr)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_healthy(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # The run's own self-signed certificate, on loopback.
            context = ssl._create_unverified_context()  # noqa: S323
            with urllib.request.urlopen(url, timeout=5, context=context) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    sys.exit(f"{url} did not answer within {seconds} s")


def certificate(work: Path) -> tuple[Path, Path]:
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def failures(stats: Path) -> int:
    return sum(
        int(row["Failure Count"]) for row in csv.DictReader(stats.open(encoding="utf-8")) if row["Name"] != "Aggregated"
    )


def check(ledger: Path) -> tuple[dict, list[str]]:
    """What the ledger says was filed, against the database; the statuses seen; the problems."""
    from django.db.models import Count

    from inspections.models import Finding, FindingEvent
    from notifications.models import Notification
    from open311.models import ServiceRequest

    filed: dict[str, list[str]] = {"hotline": [], "open311": []}
    statuses: dict[str, int] = {}
    for line in ledger.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if "statuses" in entry:
            statuses = entry["statuses"]
        else:
            filed[entry["kind"]].append(entry["code"])
    problems = []
    codes = filed["hotline"] + filed["open311"]
    found = dict(Finding.objects.filter(code__in=codes).annotate(n=Count("events")).values_list("code", "n"))
    missing = [code for code in codes if code not in found]
    without_events = [code for code, n in found.items() if n < 1]
    reported = set(
        FindingEvent.objects.filter(finding__code__in=codes, kind=FindingEvent.Kind.REPORTED).values_list(
            "finding__code", flat=True
        )
    )
    no_report = [code for code in codes if code in found and code not in reported]
    no_request_row = set(filed["open311"]) - set(
        ServiceRequest.objects.filter(finding__code__in=filed["open311"]).values_list("finding__code", flat=True)
    )
    server_errors = sum(n for status, n in statuses.items() if int(status) >= 500)
    unanswered = statuses.get("0", 0)
    if missing:
        problems.append(f"{len(missing)} intakes answered 201 but are not in the database: {missing[:5]}")
    if without_events or no_report:
        problems.append(f"{len(without_events) + len(no_report)} findings without their reported event")
    if no_request_row:
        problems.append(f"{len(no_request_row)} Open311 findings without their request row")
    if server_errors:
        problems.append(f"{server_errors} answers were 5xx")
    if unanswered:
        problems.append(f"{unanswered} requests got no answer at all")
    if not statuses:
        problems.append("the load run recorded no answers")
    summary = {
        "hotline": len(filed["hotline"]),
        "open311": len(filed["open311"]),
        "in_db": len(found),
        "server_errors": server_errors,
        "statuses": dict(sorted(statuses.items())),
        "outbox": dict(Notification.objects.values_list("state").annotate(n=Count("id")).order_by("state")),
    }
    return summary, problems


def report(stats: Path, seconds: int) -> str:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    lines = [
        "| endpoint | requests | failures | req/s | p50 | p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} ms | {row['95%']} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    args = arguments()
    url = os.environ.get("DATABASE_URL", "")
    name = urlsplit(url).path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")) or not ("load" in name or "bench" in name):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'load' or 'bench'.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (the run needs Redis for the cache, the broker and the rate limits).")
    work = Path(tempfile.mkdtemp(prefix="chuangcheng-load-"))
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "VAR_DIR": str(work / "var"),
            "LOG_LEVEL": "WARNING",
            "SMS_BACKEND": "notifications.channels.LoggingSmsBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    password = secrets.token_urlsafe(12)
    config = prepare(args.findings, password)
    config_file, ledger, csv_prefix = work / "config.json", work / "ledger.jsonl", work / "locust"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "LOAD_CONFIG": str(config_file), "LOAD_LEDGER": str(ledger)}
    subprocess.run([VENV / "python", "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    host = f"https://127.0.0.1:{port}"
    cert, key = certificate(work)
    web = start(
        "gunicorn",
        [str(VENV / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "2",
         "--timeout", "60", "--keep-alive", "10", "--access-logfile", str(work / "access.log"), "--certfile", str(cert),
         "--keyfile", str(key)],
        env,
        work / "gunicorn.log",
    )  # fmt: skip
    worker = start(
        "celery worker",
        [str(VENV / "celery"), "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle"],
        env,
        work / "worker.log",
    )  # fmt: skip
    try:
        wait_healthy(f"{host}/healthz")
        print(f"load: {args.users} users for {args.seconds} s against {host} ({config['findings']:,} findings)")
        started = time.monotonic()
        subprocess.run(
            [str(VENV / "locust"), "-f", str(ROOT / "bench" / "load_users.py"), "--headless", "--users",
             str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s", "--host",
             host, "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=env,
            check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        # Give the worker a moment to deliver what the last requests queued.
        time.sleep(10)
    finally:
        stop(web)
        stop(worker)
    print(f"\nlocust ran {elapsed:.0f} s; the portal's logs are in {work}\n")
    print(report(Path(f"{csv_prefix}_stats.csv"), args.seconds))
    summary, problems = check(ledger)
    failed = failures(Path(f"{csv_prefix}_stats.csv"))
    if failed:
        problems.append(f"locust counted {failed} failures (see {csv_prefix}_failures.csv)")
    print()
    print(json.dumps(summary, ensure_ascii=False))
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(f"- {p}" for p in problems))
        sys.exit(1)
    print("\nno failure; every intake answered 201 is in the database with its events; no answer was a 5xx")


if __name__ == "__main__":
    main()
