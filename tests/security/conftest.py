import sqlite3

import pytest

from tests.security.server import cpqa, cpqa_env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file with every migration applied, made once: tests copy it."""
    db = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    result = cpqa("migrate", "--noinput", env=cpqa_env(db, "tests.security.fault_settings"))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as writer:
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db
