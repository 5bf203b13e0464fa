"""The one small exception hierarchy of the project; translated at the edges (CLI, web)."""

from __future__ import annotations


class SpravkaError(Exception):
    """Base of every error Spravka raises on purpose."""


class ContentError(SpravkaError):
    """A problem in a content file, located by file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 0}: {self.message}"


class ContentErrors(SpravkaError):
    """Several content problems found in one validation pass."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class IndexUnavailable(SpravkaError):
    """No usable index exists yet (never built, or every build failed)."""


class NotFound(SpravkaError):
    """A requested entry, category or file does not exist (or is not visible)."""
