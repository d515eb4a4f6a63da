"""Uploaded files waiting for a data officer to confirm their import.

Each upload is a directory var/uploads/<random token>/ (outside anything the
web server serves) holding the files and a manifest of who uploaded them,
when, and under what names. Confirming imports the files and deletes them;
cancelling deletes them; uploads older than a day are deleted the next time
the import page is used.
"""

import json
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

MANIFEST = "manifest.json"
MAX_AGE = timedelta(days=1)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadNotFound(Exception):
    """No such upload for this user (gone, expired, or someone else's)."""


@dataclass
class Upload:
    token: str
    directory: Path
    user_id: int
    created: datetime
    names: list[str]  # the names the files were uploaded with, in order

    @property
    def files(self) -> list[tuple[str, Path]]:
        return [(name, self.directory / f"{index:03d}") for index, name in enumerate(self.names)]


def upload_root() -> Path:
    return Path(getattr(settings, "CPQA_UPLOAD_DIR", settings.BASE_DIR / "var" / "uploads"))


def _safe_name(name: str) -> str:
    """The file's own name, without any directory a browser sent with it."""
    return Path(name.replace("\\", "/")).name[:200] or "upload"


def upload_save(*, user, files) -> Upload:
    """Save uploaded files (Django UploadedFile objects) under a new random token."""
    token = secrets.token_urlsafe(24)
    directory = upload_root() / token
    directory.mkdir(parents=True, mode=0o700)
    names = []
    for index, uploaded in enumerate(files):
        with (directory / f"{index:03d}").open("wb") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
        names.append(_safe_name(uploaded.name))
    created = timezone.now()
    (directory / MANIFEST).write_text(
        json.dumps({"user": user.pk, "created": created.isoformat(), "names": names})
    )
    return Upload(token=token, directory=directory, user_id=user.pk, created=created, names=names)


def upload_get(*, user, token: str) -> Upload:
    """The user's own upload with this token."""
    if not TOKEN_PATTERN.match(token):
        raise UploadNotFound(token)
    directory = upload_root() / token
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise UploadNotFound(token) from exc
    if manifest.get("user") != user.pk:
        raise UploadNotFound(token)
    return Upload(
        token=token,
        directory=directory,
        user_id=manifest["user"],
        created=datetime.fromisoformat(manifest["created"]),
        names=list(manifest["names"]),
    )


def upload_delete(*, upload: Upload) -> None:
    shutil.rmtree(upload.directory, ignore_errors=True)


def uploads_expire(*, now: datetime | None = None) -> int:
    """Delete uploads older than a day; returns how many were deleted."""
    now = now or timezone.now()
    root = upload_root()
    if not root.is_dir():
        return 0
    removed = 0
    for directory in root.iterdir():
        if not directory.is_dir() or not TOKEN_PATTERN.match(directory.name):
            continue
        try:
            created = datetime.fromisoformat(
                json.loads((directory / MANIFEST).read_text())["created"]
            )
        except (OSError, ValueError, KeyError):
            created = datetime.fromtimestamp(directory.stat().st_mtime, tz=timezone.utc)
        if now - created > MAX_AGE:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed
