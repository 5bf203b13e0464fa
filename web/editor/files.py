"""Writing the content files safely: validate on a copy, then replace files atomically.

A `Change` is a set of whole-file writes and deletions relative to the content root.
`validate` applies it to a temporary copy of kb/ and articles/ and runs the same
loader as `spravka check`; only problems the change introduces are reported.
`commit` writes each file to a temporary neighbour and os.replace()s it, so readers
(the search engine, git, another editor) never see a half-written file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from search.content import load_content
from search.errors import ContentError
from web.errors import Conflict, Refused

CONTENT_DIRS = ("kb", "articles")
REDIRECTS = "kb/redirects.yaml"
CATEGORIES = "kb/categories.yaml"
GLOSSARY = "kb/glossary.yaml"
# Internal links point at entries by kind: /a/<id> for articles, /q/<id> for FAQ entries.
LINK_PREFIX = {"article": "/a/", "faq": "/q/"}


class EditConflict(Conflict):
    """The file or entry changed since the editor opened it."""


class EditRefused(Refused):
    """The change cannot be made as asked (the message says why, in Russian)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


@dataclass
class Change:
    """Whole-file writes and deletions, by path relative to the content root."""

    writes: dict[str, str] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)

    def paths(self) -> set[str]:
        """Every file the change touches."""
        return set(self.writes) | self.deletes


# -- reading and stamps --------------------------------------------------------------
def stamp_bytes(data: bytes) -> str:
    """A version stamp of file contents (empty bytes → the stamp of a missing file)."""
    return hashlib.sha256(data).hexdigest()[:20]


def file_stamp(path: Path) -> str:
    """The version stamp of a file as it is on disk now ("" when it does not exist)."""
    return stamp_bytes(path.read_bytes()) if path.exists() else ""


def data_stamp(data: Any) -> str:
    """A version stamp of one parsed entry (so edits to its neighbours do not conflict)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return stamp_bytes(text.encode())


def read(root: Path, relpath: str) -> str:
    """Current text of a content file ("" when missing)."""
    path = root / relpath
    return path.read_text(encoding="utf-8") if path.exists() else ""


class Snapshot:
    """The content files as one save sees them: each file is read once, so its version
    stamp and its text always come from the same bytes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._bytes: dict[str, bytes | None] = {}

    def _data(self, relpath: str) -> bytes | None:
        if relpath not in self._bytes:
            path = self.root / relpath
            self._bytes[relpath] = path.read_bytes() if path.is_file() else None
        return self._bytes[relpath]

    def exists(self, relpath: str) -> bool:
        """True when the file existed when this save first looked."""
        return self._data(relpath) is not None

    def text(self, relpath: str) -> str:
        """The file's text with newlines normalised ("" when missing)."""
        data = self._data(relpath)
        if data is None:
            return ""
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

    def stamp(self, relpath: str) -> str:
        """The file's version stamp ("" when missing), as file_stamp() gives it."""
        data = self._data(relpath)
        return "" if data is None else stamp_bytes(data)


# -- YAML dumping --------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Readable YAML: multi-line strings as `|` blocks, lists of words inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the hand-written files do.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        # Trailing spaces would force PyYAML out of block style; they mean nothing in Markdown.
        value = "\n".join(line.rstrip() for line in value.strip("\n").split("\n")) + "\n"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
# Parsed files come back as LineDict/LineList (dict/list subclasses that know their lines).
_Dumper.add_multi_representer(list, _represent_list)
_Dumper.add_multi_representer(dict, lambda dumper, value: dumper.represent_dict(dict(value)))


def dump_yaml(data: Any) -> str:
    """YAML as the content files are written by hand (unicode, key order kept, no folding)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )


def header_comments(text: str) -> str:
    """The leading comment block of a YAML file (kept when the file is rewritten)."""
    lines = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def rewrite_yaml(old_text: str, data: Any) -> str:
    """A whole YAML file rewritten from `data`, keeping its header comment."""
    return header_comments(old_text) + dump_yaml(data)


# -- validation and commit -----------------------------------------------------------
def _copy_tree(root: Path, target: Path) -> None:
    for name in CONTENT_DIRS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*"))


def _apply(root: Path, change: Change) -> None:
    for relpath, text in change.writes.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for relpath in change.deletes - set(change.writes):
        (root / relpath).unlink(missing_ok=True)


def _key(error: ContentError) -> tuple[str, str]:
    # Lines shift when a file is edited; the same problem keeps its file and message.
    return (error.path, error.message)


def validate(root: Path, change: Change) -> list[ContentError]:
    """Problems the change would introduce, found by loading a patched copy of the content."""
    with tempfile.TemporaryDirectory(prefix="spravka-edit-") as tmp:
        copy = Path(tmp)
        _copy_tree(root, copy)
        _before, baseline = load_content(copy)
        _apply(copy, change)
        _after, errors = load_content(copy)
    known = Counter(_key(e) for e in baseline)
    fresh = []
    for error in errors:
        if known[_key(error)] > 0:
            known[_key(error)] -= 1
        else:
            fresh.append(error)
    return fresh


def atomic_write(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new bytes, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    # The rename itself must reach the disk, or a crash could bring the old file back.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(root: Path, change: Change) -> None:
    """Write the change into the real tree: new files first, deletions last."""
    for relpath, text in sorted(change.writes.items()):
        atomic_write(root / relpath, text)
    for relpath in sorted(change.deletes - set(change.writes)):
        path = root / relpath
        path.unlink(missing_ok=True)
        if path.parent != root and path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()


@contextmanager
def editing_lock(lock_dir: Path) -> Iterator[None]:
    """Serialise saves across threads and processes (check-then-write must not interleave)."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / "editor.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- renames: redirects and links ----------------------------------------------------
def redirects_text(files: Snapshot, old_id: str, new_id: str) -> str:
    """kb/redirects.yaml with old_id → new_id added and earlier redirects to old_id updated."""
    text = files.text(REDIRECTS)
    data = yaml.safe_load(text) if text.strip() else None
    mapping = dict((data or {}).get("redirects") or {})
    mapping = {old: (new_id if new == old_id else new) for old, new in mapping.items()}
    mapping.pop(new_id, None)  # the new id is a live entry now, not an old address
    mapping[old_id] = new_id
    if not text.strip():
        text = "# Old entry id → current entry id. Keeps old URLs working after a rename.\n"
    return rewrite_yaml(text, {"redirects": mapping})


def relink(text: str, kind: str, old_id: str, new_id: str) -> str:
    """`text` with internal links to the renamed entry pointed at its new id."""
    prefix = LINK_PREFIX[kind]
    pattern = re.compile(r"\]\(" + re.escape(prefix + old_id) + r"(?=[)#?\s])")
    return pattern.sub("](" + prefix + new_id, text)


def linking_files(root: Path) -> list[str]:
    """Content files whose Markdown may link to entries (FAQ files and articles)."""
    paths = [*root.glob("kb/faq/*.yaml"), *root.glob("articles/*/*.md")]
    return sorted(str(p.relative_to(root)) for p in paths)
