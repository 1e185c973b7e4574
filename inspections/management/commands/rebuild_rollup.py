"""``manage.py rebuild_rollup``: recompute the dashboard's daily roll-up from the findings."""

from django.core.management.base import BaseCommand

from inspections import rollup


class Command(BaseCommand):
    """Rebuild every row of the roll-up (``inspections.rollup.rebuild``); runs unscoped."""

    help = "Recompute the daily roll-up of findings (day × street × community × unit × category × source)."

    def handle(self, *args, **options) -> None:
        rows = rollup.rebuild()
        self.stdout.write(f"roll-up: {rows} rows")
