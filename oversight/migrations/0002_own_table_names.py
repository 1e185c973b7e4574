"""The moved tables and their named constraints take this app's names; rows are untouched."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("inspections", "0004_accountability_moves_to_oversight"),
    ]

    operations = [
        migrations.AlterModelTable(name="accountabilitycase", table=None),
        migrations.AlterModelTable(name="casefinding", table=None),
        migrations.AlterModelTable(name="caseevent", table=None),
        migrations.RemoveConstraint(
            model_name="accountabilitycase", name="inspections_accountabilitycase_decided_has_outcome"
        ),
        migrations.AddConstraint(
            model_name="accountabilitycase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("outcome", ""), ("state", "open")),
                    models.Q(("decision_date__isnull", False), ("state", "decided"), models.Q(("outcome", ""), _negated=True)),
                    _connector="OR",
                ),
                name="oversight_accountabilitycase_decided_has_outcome",
            ),
        ),
        migrations.RemoveConstraint(model_name="casefinding", name="inspections_casefinding_unique"),
        migrations.AddConstraint(
            model_name="casefinding",
            constraint=models.UniqueConstraint(fields=("case", "finding"), name="oversight_casefinding_unique"),
        ),
    ]
