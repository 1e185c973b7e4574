"""``manage.py make_briefing [--date YYYY-MM-DD]``: the daily briefings of one day, by hand."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from campaign.briefing import make_briefings


class Command(BaseCommand):
    """Make (or replace) the briefings of a day, yesterday by default; runs unscoped like the beat."""

    help = "Make the daily briefings (district and streets) of a day; the same day again replaces them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="The day, YYYY-MM-DD (default: yesterday).")

    def handle(self, *args, date: str | None = None, **options) -> None:
        day = None
        if date:
            try:
                day = _parse(date)
            except ValueError as exc:
                raise CommandError(f"--date must be a day as YYYY-MM-DD, not {date!r}.") from exc
        made = make_briefings(day=day)
        for briefing in made:
            self.stdout.write(f"{briefing.day}\t{briefing.street.code if briefing.street else briefing.district.code}")


def _parse(text: str) -> date:
    return date.fromisoformat(text)
