"""Issue an API key for a system such as the 12345 hotline or an Open311 client."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiKey
from districts.models import District


class Command(BaseCommand):
    help = (
        "Issue an API key and print it on the last line; only its hash is stored, so it is shown "
        "this once. Runs unscoped (an operator's command)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who uses the key, e.g. “12345 hotline”.")
        parser.add_argument("--scope", required=True, choices=ApiKey.Scope.values, help="What the key may use.")
        parser.add_argument("--district", help="Code of the district the key is bound to, e.g. 370103.")
        parser.add_argument(
            "--source",
            choices=ApiKey.Source.values,
            help="Open311 keys only: what their reports count as (default: snapshot, a citizen's photo report).",
        )

    def handle(self, *args, name: str, scope: str, district: str | None, source: str | None = None, **options):
        name = name.strip()
        max_length = ApiKey._meta.get_field("name").max_length
        if not name or len(name) > max_length:
            raise CommandError(f"Give a name of 1 to {max_length} characters.")
        bound = None
        if district:
            bound = District.objects.filter(code=district).first()
            if bound is None:
                raise CommandError(f"No district has the code {district}.")
        if scope == ApiKey.Scope.OPEN311:
            source = source or ApiKey.Source.SNAPSHOT
        elif source:
            raise CommandError("Only an Open311 key takes --source.")
        _row, key = ApiKey.objects.create_key(name=name, scope=scope, district=bound, source=source or "")
        where = f", district {bound.code}" if bound else ""
        files_as = f", files as {source}" if source else ""
        self.stdout.write(
            f"Issued the API key “{name}” (scope {scope}{where}{files_as}). Store it now; it is not shown again:"
        )
        self.stdout.write(key)
