"""Make the access log append-only in the database itself.

An UPDATE of an entry is refused on SQLite and PostgreSQL. A DELETE is refused
on PostgreSQL (where tests empty tables with TRUNCATE, which this trigger does
not cover); on SQLite the ORM and admin refuse it (see AccessLogQuerySet).
"""

from django.db import migrations

TABLES = ("accounts_accesslogentry", "accounts_accesslogchild")

SQLITE_UPDATE = """
CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'The access log is append-only.'); END
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION cpqa_access_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'The access log is append-only.'; END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION cpqa_access_log_append_only()
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(SQLITE_UPDATE.format(table=table))
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(POSTGRES_TRIGGER.format(table=table))


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
