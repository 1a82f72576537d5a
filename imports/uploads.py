"""The upload store: files a user uploaded, under MEDIA_ROOT/imports/<random id>/, and their state.

Each upload is tied to its user and takes a place in its school's share of the store; it holds
ID numbers, so it is kept no longer than needed (UPLOAD_TTL). Besides the file, an upload's
directory holds its status (what a step is doing, polled by the page), the parsed rows, the
table's column letters and the result of the last check or write.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.permissions import permission_for
from credits.intake.summary import ImportSummary
from projects.models import TrainingRecord

from .errors import FileTooLarge, ImportNotAllowed, UploadLimitReached, UploadNotFound
from .files import MAX_UPLOAD_BYTES

UPLOAD_TTL = datetime.timedelta(days=2)  # uploads hold ID numbers: kept no longer than needed
MAX_UPLOADS_PER_SCHOOL = 20  # uploads kept at once for a school (an account without one)
MAX_UPLOAD_BYTES_PER_SCHOOL = 200 * 1024 * 1024  # and their files on disk together
STALE_AFTER = datetime.timedelta(hours=1)  # a step not heard of for this long is not running
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class ImportUpload:
    """A file a user uploaded, kept under MEDIA_ROOT/imports/<id>/ until it expires."""

    id: str
    user_id: int
    filename: str
    created_at: str
    directory: Path
    school_id: int | None = None  # whose share of the store it takes (None: the user's own)

    @property
    def source(self) -> Path:
        """The uploaded file itself: removed once it has been read."""
        return self.directory / "source"

    @property
    def owner(self) -> str:
        return _owner(self.school_id, self.user_id)


def _owner(school_id: int | None, user_id: int | None) -> str:
    """Return the key of the share of the upload store an upload takes: its school's."""
    return f"school:{school_id}" if school_id else f"user:{user_id}"


def imports_root() -> Path:
    """Return the directory that holds every pending import."""
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(*, file, by) -> ImportUpload:
    """Keep an uploaded file under a new random id tied to `by`; refuse files above the limit.

    The size is checked before anything is read, so an oversized file is never parsed. A school
    keeps at most MAX_UPLOADS_PER_SCHOOL uploads and MAX_UPLOAD_BYTES_PER_SCHOOL on disk: its
    oldest uploads that are not being checked or written expire to make room, and when every
    one is, the new upload is refused (UploadLimitReached).
    """
    require_import_permission(by)
    if file.size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(
            size=f"{file.size / 1024 / 1024:.1f}", limit=MAX_UPLOAD_BYTES // 1024 // 1024
        )
    meta = {
        "user_id": by.pk,
        "school_id": getattr(by, "school_id", None),
        "filename": Path(str(file.name or "upload")).name[:200],
        "created_at": timezone.now().isoformat(),
    }
    upload_id = secrets.token_urlsafe(18)
    upload = ImportUpload(id=upload_id, directory=imports_root() / upload_id, **meta)
    with _store_lock():
        _remove_expired_uploads()
        _make_room(owner=upload.owner, incoming=file.size)
        upload.directory.mkdir(parents=True, mode=0o700)
        with open(upload.source, "wb") as target:
            for chunk in file.chunks():
                target.write(chunk)
        write_json(upload.directory / "meta.json", meta)
        write_json(upload.directory / "status.json", {"state": "uploaded"})
    return upload


@contextmanager
def _store_lock():
    """Hold the upload store's lock (a file beside it), so two uploads cannot both take the
    school's last place."""
    root = imports_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / "imports.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _make_room(*, owner: str, incoming: int) -> None:
    """Remove `owner`'s oldest uploads not in progress until one more of `incoming` bytes fits."""
    uploads = sorted(_stored_uploads(owner), key=lambda u: u[0])
    count = len(uploads)
    size = sum(u[1] for u in uploads)
    running = 0
    for _created_at, upload_size, is_running, directory in uploads:
        if count < MAX_UPLOADS_PER_SCHOOL and size + incoming <= MAX_UPLOAD_BYTES_PER_SCHOOL:
            return
        if is_running:
            running += 1
            continue
        shutil.rmtree(directory, ignore_errors=True)
        count -= 1
        size -= upload_size
    if count >= MAX_UPLOADS_PER_SCHOOL or size + incoming > MAX_UPLOAD_BYTES_PER_SCHOOL:
        raise UploadLimitReached(count=running, limit=MAX_UPLOADS_PER_SCHOOL)


def _stored_uploads(owner: str) -> Iterator[tuple[str, int, bool, Path]]:
    """Yield (created at, bytes on disk, is in progress, directory) of `owner`'s uploads."""
    root = imports_root()
    if not root.is_dir():
        return
    fresh_after = time.time() - STALE_AFTER.total_seconds()
    for directory in root.iterdir():
        meta = read_json(directory / "meta.json")
        if not isinstance(meta, dict):
            continue
        if _owner(meta.get("school_id"), meta.get("user_id")) != owner:
            continue
        try:
            files = [entry.stat() for entry in os.scandir(directory) if entry.is_file()]
            status_at = (directory / "status.json").stat().st_mtime
        except OSError:
            continue  # removed meanwhile
        state = read_json(directory / "status.json", {}).get("state")
        is_running = state in IN_PROGRESS and status_at > fresh_after
        yield str(meta.get("created_at")), sum(f.st_size for f in files), is_running, directory


IN_PROGRESS = ("uploaded", "queued", "validating", "committing")


def get_upload(*, upload_id: str, by) -> ImportUpload:
    """Return `by`'s upload `upload_id`, or raise UploadNotFound (also for another user's)."""
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        raise UploadNotFound()
    directory = imports_root() / upload_id
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UploadNotFound() from None
    if meta.get("user_id") != by.pk:
        raise UploadNotFound()
    return ImportUpload(id=upload_id, directory=directory, **meta)


def discard_upload(*, upload: ImportUpload) -> None:
    """Remove an upload and everything derived from it."""
    shutil.rmtree(upload.directory, ignore_errors=True)


def remove_expired_uploads() -> None:
    """Delete the working files of uploads older than UPLOAD_TTL (they hold ID numbers)."""
    _remove_expired_uploads()


def _remove_expired_uploads() -> None:
    root = imports_root()
    if not root.is_dir():
        return
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for directory in root.iterdir():
        try:
            if directory.is_dir() and directory.stat().st_mtime < cutoff:
                shutil.rmtree(directory, ignore_errors=True)
        except OSError:
            continue  # removed meanwhile by another request


def write_json(path: Path, data) -> None:
    """Write JSON atomically, so a status poll never reads half a file."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def read_json(path: Path, default=None):
    """Return what a JSON file of the upload holds, or `default` when it is absent or torn."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def import_status(*, upload: ImportUpload) -> dict[str, Any]:
    """Return the upload's progress: state, rows, rows validated and written, and a message."""
    status = read_json(upload.directory / "status.json", {"state": "uploaded"})
    status.setdefault("rows", 0)
    status.setdefault("validated", 0)
    status.setdefault("written", 0)
    status.setdefault("message", "")
    status.setdefault("step", "validate")
    return status


def import_summary(*, upload: ImportUpload) -> ImportSummary | None:
    """Return the result of the last check or write of the upload, if there was one."""
    data = read_json(upload.directory / "result.json")
    return ImportSummary.from_json(data) if data else None


def set_status(upload: ImportUpload, **values) -> None:
    """Update the upload's status file with `values` (state, step, counts, message)."""
    status = import_status(upload=upload)
    status.update(values)
    write_json(upload.directory / "status.json", status)


def require_import_permission(by) -> None:
    """Raise ImportNotAllowed unless `by` may add training records."""
    # The edge answers 403 first; this keeps a task or command from acting for anyone else.
    if not (by.is_superuser or by.has_perm(permission_for(TrainingRecord, "add"))):
        raise ImportNotAllowed()
