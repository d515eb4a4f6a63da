"""Let `cpqa retention` (and only it) remove access-log entries past retention.

On PostgreSQL the trigger refuses every UPDATE, and every DELETE unless the
transaction has set `cpqa.access_log_retention` to 'on', which only
cpqa.operations.retention does, recording the removal in a retention run.
The ORM and the admin refuse deletes whatever the database (AccessLogQuerySet).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION cpqa_access_log_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('cpqa.access_log_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'The access log is append-only.';
END;
$$ LANGUAGE plpgsql
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION cpqa_access_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'The access log is append-only.'; END;
$$ LANGUAGE plpgsql
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_session_generation")]

    operations = [migrations.RunPython(forwards, backwards)]
