"""Faults: an import killed part-way, a database that cannot be written or goes away.

Each runs the real thing: `cpqa import` in a subprocess killed with SIGKILL, a
SQLite file that is read-only or full, cpqa serving pages while its database
disappears, and (on PostgreSQL) a connection terminated by the server mid-request.
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from cpqa.accounts.models import AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.cli import DATABASE_FAILED
from cpqa.config.settings.base import BASE_DIR
from tests.casework.factories import ChildFactory
from tests.conftest import VerifiedClient
from tests.security.importer_app import write_team_file
from tests.security.server import cpqa, cpqa_env, start_server

FAULT_SETTINGS = "tests.security.fault_settings"
# Rows in the large file: enough for the load to take a few seconds.
ROWS = 10_000
SEED = int(os.environ.get("CPQA_FAULT_SEED", time.time_ns() % 1_000_000))


def counts(db: Path) -> dict[str, int]:
    """What the database holds, read by a new connection (as after a restart)."""
    with sqlite3.connect(db) as reader:
        assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        one = reader.execute
        return {
            "teams": one("SELECT count(*) FROM casework_team").fetchone()[0],
            "children": one("SELECT count(*) FROM casework_child").fetchone()[0],
            "running": one(
                "SELECT count(*) FROM ingest_importrun WHERE outcome = 'running'"
            ).fetchone()[0],
            "accepted": one(
                "SELECT count(*) FROM ingest_importrun WHERE outcome = 'accepted'"
            ).fetchone()[0],
        }


def teams_named(db: Path, prefix: str) -> int:
    with sqlite3.connect(db) as reader:
        query = "SELECT count(*) FROM casework_team WHERE ref LIKE ?"
        return reader.execute(query, [f"{prefix}%"]).fetchone()[0]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, migrated_sqlite):
    """A migrated SQLite file holding a small earlier import (made once, then copied)."""
    db = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    shutil.copy(migrated_sqlite, db)
    env = cpqa_env(db, FAULT_SETTINGS)
    earlier = db.with_name("earlier.txt")
    write_team_file(earlier, 50, prefix="E")
    result = cpqa("import", str(earlier), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(db) as writer:
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def database(loaded, tmp_path):
    db = tmp_path / "cpqa.sqlite3"
    shutil.copy(loaded, db)
    return db, cpqa_env(db, FAULT_SETTINGS)


def start_import(path: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cpqa.cli", "import", str(path)],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_an_import_killed_at_any_point_leaves_nothing_half_done(database, tmp_path):
    db, env = database
    before = counts(db)
    big = tmp_path / "big.txt"
    write_team_file(big, ROWS)
    # How long a whole import takes here, on a copy.
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(db, copy)
    started = time.monotonic()
    timed = cpqa("import", str(big), env=cpqa_env(copy, FAULT_SETTINGS))
    duration = time.monotonic() - started
    assert timed.returncode == 0, timed.stderr
    complete = counts(copy)
    assert complete["teams"] >= ROWS and complete["teams"] == complete["children"]

    rng = random.Random(SEED)
    points = sorted(rng.uniform(0.1, 0.95) * duration for _ in range(3))
    wal = db.with_name(db.name + "-wal")
    for number, delay in enumerate([*points, None]):
        process = start_import(big, env)
        if delay is None:
            # Once more, killed while the load is writing: the write-ahead log grows.
            size = wal.stat().st_size if wal.exists() else 0
            deadline = time.monotonic() + duration * 2
            while time.monotonic() < deadline and process.poll() is None:
                if wal.exists() and wal.stat().st_size > size + 256_000:
                    break
                time.sleep(0.01)
        else:
            time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = counts(db)
        where = f"kill {number} at {delay or 'write'} s (seed {SEED})"
        assert now in (before, complete), where

    # Run again, to the end: the import completes (or says it was done already).
    result = cpqa("import", str(big), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts(db) == complete


@contextmanager
def read_only(path: Path):
    """Make a file read-only for this process, even for root (chattr +i); skip if impossible."""
    path.chmod(0o444)
    immutable = False
    try:
        try:
            path.open("r+b").close()
            writable = True
        except OSError:
            writable = False
        if writable and shutil.which("chattr"):
            immutable = subprocess.run(["chattr", "+i", str(path)], check=False).returncode == 0
            try:
                path.open("r+b").close()
            except OSError:
                writable = False
        if writable:
            pytest.skip("cannot make a file read-only here (root without chattr +i)")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_a_read_only_database_is_reported_and_nothing_is_lost(database, tmp_path):
    db, env = database
    before = counts(db)
    more = tmp_path / "more.txt"
    write_team_file(more, 2000, prefix="R")
    with read_only(db):
        result = cpqa("import", str(more), env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert DATABASE_FAILED.format(error="attempt to write a readonly database") in result.stderr
    assert counts(db) == before
    again = cpqa("import", str(more), env=env)
    assert again.returncode == 0, again.stderr
    assert teams_named(db, "R") == 2000


def test_a_full_disk_is_reported_and_nothing_is_lost(database, tmp_path):
    db, env = database
    before = counts(db)
    with sqlite3.connect(db) as reader:
        pages = reader.execute("PRAGMA page_count").fetchone()[0]
    more = tmp_path / "more.txt"
    write_team_file(more, 2000, prefix="F")
    full = {**env, "CPQA_TEST_SQLITE_MAX_PAGES": str(pages + 2)}
    result = cpqa("import", str(more), env=full)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert DATABASE_FAILED.format(error="database or disk is full") in result.stderr
    assert counts(db) == before
    again = cpqa("import", str(more), env=env)
    assert again.returncode == 0, again.stderr
    assert teams_named(db, "F") == 2000


def test_the_database_going_away_gives_the_error_page_and_writes_nothing(tmp_path, migrated_sqlite):
    server = start_server(tmp_path, "tests.security.production_settings", migrated_sqlite)
    try:
        page = server.request("GET", "/sign-in/")
        token = page.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        with sqlite3.connect(server.db_path) as reader:
            before = [
                reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("django_session", "axes_accessattempt", "axes_accesslog")
            ]
        # The database disappears: its file is moved away and a folder is in its place.
        moved = server.db_path.with_name("moved.sqlite3")
        server.db_path.rename(moved)
        server.db_path.mkdir()
        body = f"csrfmiddlewaretoken={token}&username=council&password=a-long-enough-passphrase"
        origin = {"Origin": "https://cpqa.example.gov.uk"}
        response = server.request("POST", "/sign-in/", body=body, headers=origin)
        assert response.status == 500
        assert "Sorry, there is a problem with the service" in response.body
        assert "Nothing you entered has been half saved" in response.body
        assert "Traceback" not in response.body
        # It comes back: the same server, with nothing half written.
        server.db_path.rmdir()
        moved.rename(server.db_path)
        with sqlite3.connect(server.db_path) as reader:
            after = [
                reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("django_session", "axes_accessattempt", "axes_accesslog")
            ]
        assert after == before
        signed_in = server.request("POST", "/sign-in/", body=body, headers=origin)
        assert signed_in.status == 302
    finally:
        server.stop()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_mid_request_writes_nothing_and_shows_the_error_page(make_user):
    import psycopg

    child = ChildFactory()
    user = make_user(Role.SENIOR_MANAGER)
    client = VerifiedClient(raise_request_exception=False)
    client.force_login(user)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    dsn = connection.connection.info.dsn

    def terminate_then_execute(execute, sql, params, many, context):
        if "accounts_accesslogchild" in sql and sql.lstrip().upper().startswith("INSERT"):
            with psycopg.connect(dsn, password=connection.settings_dict["PASSWORD"]) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(terminate_then_execute):
        response = client.get(reverse("casework:child-detail", args=[child.ref]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert child.ref not in page
    connection.close()
    assert not AccessLogEntry.objects.exists()
