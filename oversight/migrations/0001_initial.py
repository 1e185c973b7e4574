"""The accountability models move here from ``inspections``: their tables and rows stay as they are.

State only: the models are declared here on the tables ``inspections`` created (its migration
0004 forgets them). Content types move with them, so permissions and admin history carry over.
Migration 0002 then gives the tables and constraints this app's names.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("accountabilitycase", "casefinding", "caseevent")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="oversight", model=model).exists():
            ContentType.objects.filter(app_label="inspections", model=model).update(app_label="oversight")


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="inspections", model=model).exists():
            ContentType.objects.filter(app_label="oversight", model=model).update(app_label="inspections")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("districts", "0001_initial"),
        ("inspections", "0003_finding_overdue_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AccountabilityCase",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("summary", models.TextField(blank=True, verbose_name="facts")),
                        ("state", models.CharField(choices=[("open", "under review"), ("decided", "decided")], default="open", max_length=10, verbose_name="state")),
                        ("review", models.TextField(blank=True, verbose_name="review")),
                        ("outcome", models.CharField(blank=True, choices=[("no_action", "no action"), ("talk", "talk (约谈)"), ("criticism", "public criticism (通报批评)"), ("admonishment", "admonishment (诫勉)"), ("sanction", "party or administrative sanction (党纪政务处分)")], max_length=20, verbose_name="outcome")),
                        ("decision_date", models.DateField(blank=True, null=True, verbose_name="decision date")),
                        ("document_no", models.CharField(blank=True, max_length=100, verbose_name="document number")),
                        ("opened_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened at")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided at")),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="decided by")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="districts.district", verbose_name="district")),
                        ("opened_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="opened by")),
                        ("responsible_community", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="districts.community", verbose_name="responsible community")),
                        ("responsible_person", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="responsible person")),
                        ("responsible_unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="districts.unit", verbose_name="responsible unit")),
                        ("street", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="districts.street", verbose_name="street")),
                    ],
                    options={
                        "verbose_name": "accountability case",
                        "verbose_name_plural": "accountability cases",
                        "ordering": ["-opened_at", "-id"],
                        "db_table": "inspections_accountabilitycase",
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(models.Q(("outcome", ""), ("state", "open")), models.Q(("decision_date__isnull", False), ("state", "decided"), models.Q(("outcome", ""), _negated=True)), _connector="OR"), name="inspections_accountabilitycase_decided_has_outcome"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CaseEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("opened", "opened"), ("note", "note"), ("decided", "decided")], max_length=20, verbose_name="kind")),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="oversight.accountabilitycase")),
                    ],
                    options={"ordering": ["at", "id"], "db_table": "inspections_caseevent"},
                ),
                migrations.CreateModel(
                    name="CaseFinding",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("deadline_at", models.DateTimeField(verbose_name="deadline")),
                        ("hours_overdue", models.DecimalField(decimal_places=1, max_digits=8, verbose_name="hours overdue")),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="case_findings", to="oversight.accountabilitycase")),
                        ("finding", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="case_links", to="inspections.finding")),
                    ],
                    options={
                        "ordering": ["deadline_at"],
                        "db_table": "inspections_casefinding",
                        "constraints": [
                            models.UniqueConstraint(fields=("case", "finding"), name="inspections_casefinding_unique"),
                        ],
                    },
                ),
                migrations.AddField(
                    model_name="accountabilitycase",
                    name="findings",
                    field=models.ManyToManyField(related_name="cases", through="oversight.CaseFinding", to="inspections.finding", verbose_name="findings"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
