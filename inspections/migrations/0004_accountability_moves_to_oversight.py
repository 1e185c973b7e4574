"""The accountability models now belong to ``oversight`` (its 0001): forgotten here, tables kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_finding_overdue_at"),
        ("oversight", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="accountabilitycase", name="findings"),
                migrations.DeleteModel(name="CaseEvent"),
                migrations.DeleteModel(name="CaseFinding"),
                migrations.DeleteModel(name="AccountabilityCase"),
            ],
        ),
    ]
