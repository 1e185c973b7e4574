"""``manage.py import_items CAMPAIGN_ID FILE.xlsx``: a campaign's assessment items from Excel."""

from django.core.management.base import BaseCommand, CommandError

from campaign.importer import ImportRefused, import_items
from campaign.models import Campaign


class Command(BaseCommand):
    """Validate the whole sheet, then write it (``campaign.importer``); runs unscoped."""

    help = "Import assessment items (a row per item, with its parent code) into a campaign."

    def add_arguments(self, parser) -> None:
        parser.add_argument("campaign", type=int)
        parser.add_argument("path")

    def handle(self, *args, campaign: int, path: str, **options) -> None:
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"No campaign {campaign}.")
        try:
            with open(path, "rb") as upload:
                result = import_items(actor=None, campaign=found, upload=upload)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRefused as refused:
            raise CommandError("\n".join(refused.errors)) from refused
        self.stdout.write(f"created {result.created}, updated {result.updated}, category links {result.links}")
