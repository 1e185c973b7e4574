"""``manage.py import_geography FILE.geojson``: create or update the geography from GeoJSON."""

import json
import sys
from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from districts.importer import ImportRefused, import_geography


class Command(BaseCommand):
    help = (
        "Import districts, streets, communities and grid cells from a GeoJSON FeatureCollection. "
        "All or nothing: any bad feature refuses the whole file. Runs unscoped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a GeoJSON FeatureCollection")
        parser.add_argument("--no-progress", action="store_true", help="do not show progress bars")

    def handle(self, *args, file: Path, no_progress: bool, verbosity: int, **options):
        try:
            # Bytes, so that json detects UTF-8 with or without a BOM (and UTF-16) itself.
            data = json.loads(file.read_bytes())
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc}) from exc
        except ValueError as exc:
            raise CommandError(_("%(file)s is not JSON: %(error)s") % {"file": file, "error": exc}) from exc

        # Progress bars go to the real stderr (they redraw a line) and only to a terminal.
        show_progress = not no_progress and verbosity > 0 and sys.stderr.isatty()
        progress = partial(tqdm, file=sys.stderr, leave=False) if show_progress else None
        try:
            result = import_geography(data=data, progress=progress)
        except ImportRefused as exc:
            raise CommandError(
                _("%(file)s was refused, nothing was written:") % {"file": file} + "\n" + "\n".join(exc.problems)
            ) from exc
        self.stdout.write(result.summary())
