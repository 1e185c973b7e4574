"""``manage.py enforce_deadlines [--now ISO-8601]``: one sweep, the same code as the beat's."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inspections import deadlines
from notifications import services as outbox


class Command(BaseCommand):
    """Runs unscoped, like every management command."""

    help = "Run the deadline sweep once (reminders, overdue, escalation) and deliver the outbox."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="Evaluate as at this moment (ISO-8601), for catch-up and tests.")
        parser.add_argument("--no-deliver", action="store_true", help="Leave the outbox to the worker.")

    def handle(self, *args, now=None, no_deliver=False, **options) -> None:
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(f"--now is not an ISO-8601 date and time: {now!r}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        result = deadlines.sweep(now=moment)
        delivered = 0 if no_deliver else outbox.deliver_due(now=moment)
        self.stdout.write(f"ack-late {len(result.ack_late)}, delivered {delivered}")
        self.stdout.write(
            f"reminded {len(result.reminded)}, overdue {len(result.overdue)}, escalated {len(result.escalated)}"
        )
