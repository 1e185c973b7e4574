"""Lists at a million findings, on PostgreSQL (SQLite keeps the plain path and needs none of it).

1. ``q`` (``FindingFilter.filter_q``) is ``UPPER(code) LIKE UPPER('%…%')`` or the same on the
   address, or ``external_ref = …``: trigram indexes (pg_trgm) on exactly those expressions, and a
   partial index on the references there are, let every arm of the OR use an index instead of
   reading every row in scope.
2. ``inspections_count_estimate(query)``: the planner's estimate of the rows a query returns, for
   counts too large to be worth reading (``inspections.counting``).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "insp_finding_code_trgm",
        "CREATE INDEX IF NOT EXISTS insp_finding_code_trgm ON inspections_finding "
        "USING gin ((UPPER(code::text)) gin_trgm_ops)",
    ),
    (
        "insp_finding_address_trgm",
        "CREATE INDEX IF NOT EXISTS insp_finding_address_trgm ON inspections_finding "
        "USING gin ((UPPER(address::text)) gin_trgm_ops)",
    ),
    (
        "insp_finding_external_ref",
        "CREATE INDEX IF NOT EXISTS insp_finding_external_ref ON inspections_finding (external_ref) "
        "WHERE external_ref <> ''",
    ),
]

COUNT_ESTIMATE = """
CREATE OR REPLACE FUNCTION inspections_count_estimate(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)
    schema_editor.execute(COUNT_ESTIMATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS inspections_count_estimate(text)")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_draft_photo")]

    operations = [TrigramExtension(), migrations.RunPython(forwards, backwards)]
