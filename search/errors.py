"""The one small exception hierarchy of the project; translated at the edges (CLI, web)."""

from __future__ import annotations


class SpravkaError(Exception):
    """Base of every error Spravka raises on purpose; `status` says which kind it is."""

    # The status the edges answer with (HTTP in web, the exit code's reason in the CLI);
    # search never speaks HTTP, but each error knows whether it is the caller's fault (4xx)
    # or a service that is missing (5xx), so no view maps exceptions to statuses by hand.
    status: int = 500


class ContentError(SpravkaError):
    """A problem in a content file, located by file and line (and the field, when one)."""

    status = 422

    def __init__(
        self,
        path: str,
        line: int | None,
        message: str,
        field: str | None = None,
        code: str | None = None,
        value: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        # The key the problem is about, what kind of problem it is and the offending value,
        # so the editor can place it beside its form field (and say it in Russian) without
        # parsing the English message back.
        self.field = field
        self.code = code
        self.value = value
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 0}: {self.message}"


class ContentErrors(SpravkaError):
    """Several content problems found in one validation pass."""

    status = 422

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class IndexUnavailable(SpravkaError):
    """No usable index exists yet (never built, or every build failed)."""

    status = 503


class NotFound(SpravkaError):
    """A requested entry, category or file does not exist (or is not visible)."""

    status = 404
