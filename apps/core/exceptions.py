"""The one error type services raise: a message a user can act on, plus details."""

from typing import Any


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class StaleEditError(ApplicationError):
    """A save over a change made since the record was read (``apps.core.locking``); ``extra``
    holds ``changed_by``, ``changed_at`` and the current ``version``."""
