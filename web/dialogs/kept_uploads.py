"""Files kept between submits: when a form comes back (a wrong barcode, a refused file, the
duplicate warning), the files that were fine stay attached instead of being picked again.

Each kept file lives in <instance>/uploads/pending/<token> with a small JSON note (owner,
name, type, size). The token is 128 random bits and is honoured only for its owner.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from web.dialogs.uploads import CONTENT_TYPES, CheckedFile, FileRefused, upload_dir

log = logging.getLogger(__name__)

# A seller who leaves a half-filled form for a day will not come back to it.
PENDING_MAX_AGE = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptFile:
    """A checked file waiting for its form to be sent again."""

    token: str
    name: str
    kind: str
    size: int

    @property
    def path(self) -> Path:
        """Where the bytes are."""
        return pending_dir() / self.token


def pending_dir() -> Path:
    """<instance>/uploads/pending, created on first use."""
    path = upload_dir() / "pending"
    path.mkdir(exist_ok=True)
    return path


def keep(files: list[CheckedFile], owner_id: int) -> list[KeptFile]:
    """Store accepted files of a form that is being sent back; returns them as KeptFiles.

    A full or read-only uploads folder keeps none of them (and no partial file): the form
    still comes back with its text, and `KEEP_FAILED` asks for the files again.
    """
    kept = []
    for checked in files:
        token = secrets.token_hex(16)
        try:
            path = pending_dir() / token
        except OSError:
            log.warning("uploads folder unusable; files of a returned form are not kept")
            break
        try:
            checked.stream.seek(0)
            with open(path, "xb") as out:
                shutil.copyfileobj(checked.stream, out, 1024 * 1024)
            note = {"owner": owner_id, "name": checked.name, "kind": checked.kind}
            note["size"] = checked.size
            path.with_suffix(".json").write_text(json.dumps(note, ensure_ascii=False))
        except OSError:
            log.warning("could not keep %s of a returned form (disk full or read-only?)", token)
            for leftover in (path, path.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
            break
        kept.append(KeptFile(token, checked.name, checked.kind, checked.size))
    return kept


# Shown when `keep` could not store a returned form's files.
KEEP_FAILED = (
    "Файлы не удалось сохранить на сервере (нет места или папка недоступна) — "
    "текст сохранён в форме, прикрепите файлы ещё раз чуть позже."
)


def keep_for_form(files: list[CheckedFile], owner_id: int, refused: list) -> list[KeptFile]:
    """`keep`, adding a FileRefused to `refused` for each file the disk would not take."""
    kept = keep(files, owner_id)
    refused += [FileRefused(f.name, KEEP_FAILED) for f in files[len(kept) :]]
    return kept


def kept_files(tokens: list[str], owner_id: int) -> list[KeptFile]:
    """The owner's kept files among `tokens` (unknown, foreign or expired ones are ignored)."""
    found, seen = [], set()
    for token in tokens:
        if not _TOKEN.match(token or "") or token in seen:
            continue
        seen.add(token)
        path = pending_dir() / token
        try:
            note = json.loads(path.with_suffix(".json").read_text())
        except (OSError, ValueError):
            continue
        if note.get("owner") != owner_id or note.get("kind") not in CONTENT_TYPES:
            continue
        if path.is_file():
            found.append(KeptFile(token, str(note["name"]), note["kind"], int(note["size"])))
    return found


def open_kept(kept: KeptFile) -> CheckedFile:
    """A kept file as a CheckedFile; the caller closes its stream."""
    return CheckedFile(name=kept.name, kind=kept.kind, size=kept.size, stream=open(kept.path, "rb"))


def release(kept: list[KeptFile]) -> None:
    """Delete kept files once they are saved with their dialog or message."""
    for item in kept:
        for path in (item.path, item.path.with_suffix(".json")):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                log.exception("could not delete %s", path)


def sweep_pending(folder: Path, older_than: float = PENDING_MAX_AGE) -> int:
    """Delete kept files nobody came back for; returns how many files were deleted."""
    deleted = 0
    cutoff = time.time() - older_than
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except OSError:
            continue
    return deleted
