"""Dialog attachments: type check by content, staging under random names, serving as downloads.

A file is accepted only when its name has an allowed extension AND its bytes are of that
type: a renamed .exe, a .doc called .xls or a text file called .pdf are refused with the
reason. Accepted files are written to <instance>/uploads under random names (never the
seller's name, never inside static/) and served only as downloads.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import threading
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import Response, current_app, send_file
from werkzeug.datastructures import FileStorage

from web.errors import Refused

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = ("docx", "xls", "xlsx", "pdf", "jpg", "jpeg", "zip", "png")
ALLOWED_TEXT = "DOCX, XLS, XLSX, PDF, JPG, JPEG, ZIP, PNG"
# The file picker's accept attribute: the dialog opens on the right files (not a guard).
ACCEPT = ",".join("." + ext for ext in ALLOWED_EXTENSIONS)
# Which detected content each extension may carry: DOCX and XLSX are ZIP archives, so a
# .zip may hold them, but a .docx must really be a Word document.
COMPATIBLE = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "zip": {"zip", "docx", "xlsx"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "xls": {"xls"},
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
}
KIND_NAMES = {"jpg": "JPEG", "zip": "ZIP"}
# Room for the form fields and multipart framing on top of the files.
FORM_MARGIN_MB = 10
PART_SUFFIX = ".part"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Directory entry names of an Excel workbook stream (BIFF8 and BIFF5), UTF-16LE, NUL-ended.
_XLS_STREAMS = ("Workbook\0".encode("utf-16-le"), "Book\0".encode("utf-16-le"))


class FileRefused(Refused):
    """An uploaded file is not accepted; `reason` is shown to the seller next to the file."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


@dataclass
class CheckedFile:
    """An accepted upload, not yet saved."""

    name: str
    kind: str
    size: int
    stream: IO[bytes]

    @property
    def content_type(self) -> str:
        """The MIME type it will be served with."""
        return CONTENT_TYPES[self.kind]


def clean_name(name: str | None) -> str:
    """The seller's file name made safe to show and to send back (no path, no controls)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable())
    name = name.strip().lstrip(".") or "файл"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name


def extension(name: str) -> str:
    """The lowercase extension of a file name, without the dot ('' when none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def detect_kind(stream: IO[bytes]) -> str | None:
    """What the bytes are: pdf, png, jpg, docx, xlsx, zip, xls, ole (other OLE2) or None."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(OLE2_MAGIC):
        return "xls" if _is_workbook(stream) else "ole"
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    if guessed.extension in ("pdf", "png", "jpg"):
        return guessed.extension
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(stream)
    return None


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _is_workbook(stream: IO[bytes]) -> bool:
    # Directory entries are 128 bytes long and start on 128-byte boundaries whatever the
    # sector size, so an aligned UTF-16 "Workbook" name is a workbook stream, not chance.
    data = stream.read()
    stream.seek(0)
    for name in _XLS_STREAMS:
        start = data.find(name)
        while start != -1:
            if start % 128 == 0:
                return True
            start = data.find(name, start + 1)
    return False


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_upload(upload: FileStorage, max_bytes: int) -> CheckedFile:
    """Accept one upload or raise FileRefused with the reason in Russian."""
    name = clean_name(upload.filename)
    ext = extension(name)
    if ext not in ALLOWED_EXTENSIONS:
        shown = f"«.{ext}»" if ext else "без расширения"
        raise FileRefused(name, f"Файлы {shown} не принимаются. Можно: {ALLOWED_TEXT}.")
    size = _size(upload.stream)
    if size == 0:
        raise FileRefused(name, "Файл пустой.")
    if size > max_bytes:
        # Rounded up: a file just over the limit reads «10,1 МБ», never «10,0 МБ».
        shown = f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}".replace(".", ",")
        raise FileRefused(
            name, f"Файл весит {shown} МБ, а можно не больше {max_bytes // 1024 // 1024} МБ."
        )
    kind = detect_kind(upload.stream)
    if kind not in COMPATIBLE[ext]:
        raise FileRefused(
            name,
            f"Содержимое файла не похоже на {ext.upper()}: возможно, его переименовали "
            "или он повреждён. Сохраните файл в нужном формате и прикрепите снова.",
        )
    return CheckedFile(name=name, kind=kind, size=size, stream=upload.stream)


def max_files() -> int:
    """How many files one form may carry (the MAX_FILES setting)."""
    return current_app.config["MAX_FILES"]


def check_uploads(
    uploads: list[FileStorage], room: int | None = None, used_bytes: int = 0
) -> tuple[list[CheckedFile], list[FileRefused]]:
    """Check the non-empty uploads of a form (at most `room` of them are taken, MAX_FILES
    unless given, and at most MAX_TOTAL_MB together with the `used_bytes` of files already
    attached)."""
    max_bytes = current_app.config["MAX_FILE_MB"] * 1024 * 1024
    total_mb = current_app.config["MAX_TOTAL_MB"]
    accepted, refused = [], []
    present = [u for u in uploads if u and u.filename]
    room = max(0, max_files() if room is None else room)
    for upload in present[:room]:
        try:
            checked = check_upload(upload, max_bytes)
        except FileRefused as exc:
            refused.append(exc)
            continue
        if used_bytes + checked.size > total_mb * 1024 * 1024:
            refused.append(FileRefused(checked.name, f"Вместе файлы больше {total_mb} МБ."))
            continue
        used_bytes += checked.size
        accepted.append(checked)
    for upload in present[room:]:
        name = clean_name(upload.filename)
        refused.append(FileRefused(name, f"Можно прикрепить не больше {max_files()} файлов."))
    return accepted, refused


def request_cap_bytes(config) -> int:
    """The whole request's cap: every allowed file at its largest plus the form itself.

    Derived from the per-file limits so they always agree: a form within the stated limits
    is always read, and one over them is refused by check_uploads with its text kept.
    """
    if config["MAX_REQUEST_MB"]:
        return config["MAX_REQUEST_MB"] * 1024 * 1024
    return (config["MAX_FILES"] * config["MAX_FILE_MB"] + FORM_MARGIN_MB) * 1024 * 1024


def uploads_folder(instance_path: str | Path) -> Path:
    """Where an instance keeps dialog files (the one place that spells the path)."""
    return Path(instance_path) / "uploads"


def upload_dir() -> Path:
    """The current app's uploads folder, created on first use."""
    path = uploads_folder(current_app.instance_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Staging:
    """Files written under temporary names, promoted or discarded together with a DB save."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts: list[Path] = []
        self.finals: list[Path] = []

    def stage(self, checked: CheckedFile) -> str:
        """Write one file to a temporary name; returns its final (random) stored name."""
        stored = secrets.token_hex(16)
        part = self.folder / (stored + PART_SUFFIX)
        checked.stream.seek(0)
        with open(part, "xb") as out:
            self.parts.append(part)
            while chunk := checked.stream.read(1024 * 1024):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        return stored

    def promote(self) -> None:
        """Give every staged file its final name (atomic rename within the folder)."""
        for part in list(self.parts):
            final = part.with_suffix("")
            os.replace(part, final)
            self.parts.remove(part)
            self.finals.append(final)

    def discard(self) -> None:
        """Delete every file this staging wrote, whatever stage it reached."""
        for path in self.parts + self.finals:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                log.exception("could not delete %s", path)
        self.parts, self.finals = [], []


def sweep_stale_parts(folder: Path, older_than: float) -> int:
    """Delete temporary files left by a crashed worker; returns how many were deleted."""
    deleted = 0
    cutoff = time.time() - older_than
    for part in folder.glob("*" + PART_SUFFIX):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
                deleted += 1
        except OSError:
            continue
    return deleted


def start_sweeper(folder: Path, config) -> threading.Thread | None:
    """Sweep stale .part files every UPLOAD_SWEEP_SECONDS on a daemon thread (0: never)."""
    every, older_than = config["UPLOAD_SWEEP_SECONDS"], config["STALE_PART_SECONDS"]
    if every <= 0:
        return None

    def sweep_forever() -> None:
        while True:
            time.sleep(every)
            try:
                if folder.is_dir() and (deleted := sweep_stale_parts(folder, older_than)):
                    log.info("uploads: deleted %d files left by interrupted uploads", deleted)
            except Exception:  # the sweeper must outlive one bad pass
                log.exception("uploads: sweep failed")

    thread = threading.Thread(target=sweep_forever, name="uploads-sweeper", daemon=True)
    thread.start()
    return thread


def download(stored_name: str, original_name: str, content_type: str) -> Response:
    """Send a stored file as a download with its original name and a fixed content type."""
    path = upload_dir() / stored_name
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=True,
        download_name=original_name,
        max_age=0,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
