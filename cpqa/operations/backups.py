"""Backups of the whole database, and restoring one.

SQLite: SQLite's online backup (sqlite3.Connection.backup), a consistent copy
taken while the service runs. PostgreSQL: pg_dump's custom format, restored by
pg_restore in one transaction (all or nothing). A backup is written beside its
destination first and renamed into place only when complete and checked, with
permissions for its owner only: it holds everything cpqa holds.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"

NOT_A_BACKUP = "{path} is not a cpqa backup (neither a SQLite database nor a pg_dump archive)."
WRONG_ENGINE = "{path} is a {kind} backup, but this cpqa uses {engine}: restore it there."
DAMAGED = "{path} is damaged: SQLite's integrity check says {result!r}. Nothing was restored."
NOT_CPQA = "{path} is a SQLite database but not cpqa's (it has no django_migrations table)."
TOOL_MISSING = "{tool} is not installed: install the PostgreSQL client tools ({tool} {version})."
TOOL_FAILED = "{tool} failed: {error}"


class BackupError(Exception):
    """A backup or restore that could not be done, with a message to show."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str
    size: int
    sha256: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    return Path(settings.CPQA_BACKUP_DIR) / f"cpqa-{stamp}.{suffix}"


def database_backup(*, out: Path | None = None) -> BackupFile:
    """Back the database up to `out` (by default a dated file in CPQA_BACKUP_DIR)."""
    out = Path(out) if out else backup_default_path()
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg_dump(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupFile(out, connection.vendor, out.stat().st_size, _sha256(out))


def _sqlite_backup(target_path: Path) -> None:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    descriptor = os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        # A backup is one self-contained file, whatever the live database's journal.
        target.execute("PRAGMA journal_mode=DELETE")
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if result != "ok":
        raise BackupError(DAMAGED.format(path=target_path, result=result))


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(tool: str, *args: str) -> None:
    executable = shutil.which(tool)
    if executable is None:
        version = connection.pg_version // 10000 if connection.vendor == "postgresql" else ""
        raise BackupError(TOOL_MISSING.format(tool=tool, version=version))
    result = subprocess.run(  # noqa: S603  (fixed tool and arguments; no shell)
        [executable, *args], env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(TOOL_FAILED.format(tool=tool, error=result.stderr.strip()))


def _pg_dump(target_path: Path) -> None:
    descriptor = os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target_path}")


def backup_kind(path: Path) -> str:
    """ "sqlite" or "postgresql", from the file's first bytes; BackupError if neither."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc.strerror}.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(NOT_A_BACKUP.format(path=path))


def database_restore(*, path: Path) -> BackupFile:
    """Replace the whole database with the backup at `path`, all or nothing."""
    path = Path(path)
    kind = backup_kind(path)
    if kind != connection.vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            WRONG_ENGINE.format(path=path, kind=names[kind], engine=names[connection.vendor])
        )
    if kind == "sqlite":
        _sqlite_restore(path)
    else:
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        )
    connection.close()
    return BackupFile(path, kind, path.stat().st_size, _sha256(path))


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = source.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(DAMAGED.format(path=path, result=result))
        has_migrations = source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
        if not has_migrations:
            raise BackupError(NOT_CPQA.format(path=path))
        connection.ensure_connection()
        # The backup API replaces the live database's pages in one step.
        source.backup(connection.connection)
    finally:
        source.close()
