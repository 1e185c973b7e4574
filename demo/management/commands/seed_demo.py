"""``manage.py seed_demo [--password P] [--findings N | --findings-if-empty N] [--seed S] [--rounds]``."""

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import seed_demo_users
from campaign.demo import seed_campaign
from districts.demo import seed_demo_geography
from inspections.demo import seed_categories, seed_extensions, seed_findings
from inspections.models import Finding
from neighbourhood.demo import seed_life_circles
from open311.demo import seed_service_questions
from oversight.demo import seed_cases
from surveys.demo import seed_surveys
from volunteers.demo import seed_volunteers


class Command(BaseCommand):
    """Seed the demo data; runs unscoped like every management command.

    The geography, units, people and categories are idempotent. ``--findings N`` is not: it
    adds N generated findings each time; ``--findings-if-empty N`` adds them only to a database
    without any finding (the first ``make run``).

    Standard output is clean TSV: one line per demo login, ``username<TAB>role<TAB>scope code``
    (``-`` for a role held in no place), nothing else. The password (``password: P``), the
    findings added (``findings: N added``) and progress go to standard error.
    """

    help = (
        "Load the demo geography (Jinan, Shizhong district), its units, one demo user per role "
        "and scope, and the campaign's categories. Safe to run again: it creates nothing twice. "
        "Every demo user gets the password given, or a new random one, which is printed. "
        "--findings N adds N generated findings of the last 60 days (every run adds more)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="The password of every demo user (default: a new random one).")
        findings = parser.add_mutually_exclusive_group()
        findings.add_argument(
            "--findings", type=int, default=0, metavar="N", help="Add N generated findings with their histories."
        )
        findings.add_argument(
            "--findings-if-empty",
            type=int,
            default=0,
            metavar="N",
            help="Add N generated findings only if there are no findings at all.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the findings' random generator (default: 0).")
        parser.add_argument(
            "--rounds",
            action="store_true",
            help="Also run two inspection rounds in each seed community (the second a follow-up), once.",
        )

    def handle(
        self,
        *args,
        password: str | None = None,
        findings: int = 0,
        findings_if_empty: int = 0,
        seed: int = 0,
        rounds: bool = False,
        **options,
    ) -> None:
        if password is None:
            password = secrets.token_urlsafe(12)
        elif not password:
            raise CommandError("The password must not be empty.")
        if findings < 0 or findings_if_empty < 0:
            raise CommandError("The number of findings must not be negative.")
        # One transaction: a failure half-way leaves the data as it was.
        with transaction.atomic():
            seed_demo_geography()
            accounts = seed_demo_users(password=password)
            accounts += seed_volunteers(password=password)
            seed_categories()
            seed_service_questions()
            seed_life_circles()
        self.stderr.write(f"password: {password}")
        for account in accounts:
            self.stdout.write(f"{account.username}\t{account.role}\t{account.scope_code}")
        if findings or findings_if_empty:
            count = findings or (0 if Finding.objects.exists() else findings_if_empty)
            added = seed_findings(count=count, seed=seed, progress=self._progress(options["verbosity"]))
            self.stderr.write(f"findings: {added} added")
            # Made once, through the real services, over whatever findings there are.
            extensions, cases = seed_extensions(), seed_cases()
            self.stderr.write(f"extension requests: {extensions} added; accountability cases: {cases} added")
        # Last: its rounds (with --rounds) report findings; it rebuilds the roll-up from all of them.
        seed_campaign(rounds=rounds)
        # After the campaign: the questionnaire belongs to it.
        seed_surveys()

    def _progress(self, verbosity: int):
        if verbosity < 1:
            return None
        started = time.monotonic()

        def report(done: int, total: int) -> None:
            self.stderr.write(f"findings: {done}/{total} ({time.monotonic() - started:.1f} s)")

        return report
