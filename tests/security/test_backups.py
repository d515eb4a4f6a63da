"""`cpqa backup` and `cpqa restore`: a loaded database, destroyed, comes back row for row."""

import os
import shutil
import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cpqa.operations.backups import NOT_A_BACKUP
from tests.security.server import cpqa, cpqa_env

SETTINGS = "tests.security.fault_settings"


def load(env: dict[str, str]) -> None:
    result = cpqa("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    result = cpqa("shell", "--no-imports", "-c", LOAD, env=env)
    assert result.returncode == 0, result.stderr


# The fixture authority: every fact table, a user for every role, an import run,
# the access log, two-factor devices.
LOAD = (
    "from tests.security.fixture_authority import fixture_authority_build; "
    "fixture_authority_build()"
)


def sqlite_rows(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as reader:
        tables = [
            name
            for (name,) in reader.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(reader.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }


def test_a_sqlite_database_backed_up_destroyed_and_restored_is_the_same(tmp_path, migrated_sqlite):
    db = tmp_path / "cpqa.sqlite3"
    shutil.copy(migrated_sqlite, db)
    env = cpqa_env(db, SETTINGS)
    load(env)
    before = sqlite_rows(db)
    assert sum(len(rows) for rows in before.values()) > 100
    assert before["casework_child"] and before["accounts_accesslogentry"]

    backup = tmp_path / "backups" / "cpqa.sqlite3"
    result = cpqa("backup", "--out", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert f"Backed up to {backup}" in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not backup.with_name(backup.name + ".partial").exists()

    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    refused = cpqa("restore", str(backup), env=env, stdin="no\n")
    assert refused.returncode == 1
    assert "Not restored: nothing was changed." in refused.stderr
    result = cpqa("restore", str(backup), "--yes", env=env)
    assert result.returncode == 0, result.stderr
    assert sqlite_rows(db) == before


def test_restore_refuses_what_is_not_a_backup(tmp_path, migrated_sqlite):
    db = tmp_path / "cpqa.sqlite3"
    shutil.copy(migrated_sqlite, db)
    env = cpqa_env(db, SETTINGS)
    before = sqlite_rows(db)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = cpqa("restore", str(junk), "--yes", env=env)
    assert result.returncode == 1
    assert NOT_A_BACKUP.format(path=junk) in result.stderr
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as writer:
        writer.execute("CREATE TABLE t (a)")
    result = cpqa("restore", str(other), "--yes", env=env)
    assert result.returncode == 1
    assert "is a SQLite database but not cpqa's" in result.stderr
    assert sqlite_rows(db) == before


def _pg_admin_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


def pg_rows(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(url) as reader:
        tables = [
            name
            for (name,) in reader.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {
            table: sorted(reader.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL on PostgreSQL")
def test_a_postgresql_database_backed_up_destroyed_and_restored_is_the_same(tmp_path):
    import psycopg

    name = f"cpqa_backup_{uuid.uuid4().hex[:10]}"
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(_pg_admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**cpqa_env(tmp_path / "unused.sqlite3", SETTINGS), "DATABASE_URL": url}
        load(env)
        before = pg_rows(url)
        assert before["casework_child"] and before["accounts_accesslogentry"]
        backup = tmp_path / "cpqa.pgdump"
        result = cpqa("backup", "--out", str(backup), env=env)
        assert result.returncode == 0, result.stderr
        assert backup.read_bytes()[:5] == b"PGDMP"
        with psycopg.connect(url, autocommit=True) as owner:
            owner.execute("DROP SCHEMA public CASCADE")
            owner.execute("CREATE SCHEMA public")
        assert pg_rows(url) == {}
        result = cpqa("restore", str(backup), "--yes", env=env)
        assert result.returncode == 0, result.stderr
        assert pg_rows(url) == before
    finally:
        with psycopg.connect(_pg_admin_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
