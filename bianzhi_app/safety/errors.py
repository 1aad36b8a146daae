"""Errors of the book-level safety checks (the building blocks keep theirs: BackupFailed, LockedByOther …)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bianzhi_app.errors import BianzhiError, CheckFailed, InvalidInput

if TYPE_CHECKING:
    from bianzhi_app.safety.session import RestoreCandidate


class BookCorrupt(CheckFailed):
    """The start-up check found the book damaged; nothing was written to it.  ``candidates`` are the
    newest backups that could be restored (newest first), for the CLI message and the UI's offer."""

    def __init__(self, message: str, *, problems: tuple[str, ...] = (),
                 candidates: list[RestoreCandidate] | None = None):
        super().__init__(message)
        self.problems = problems
        self.candidates = list(candidates or [])


class NotABook(InvalidInput):
    """The file is not an SQLite database at all (wrong header): exit 4 like any invalid input; when it
    was a book whose header got overwritten, ``candidates`` lists its backups as for BookCorrupt."""

    def __init__(self, message: str, *, problems: tuple[str, ...] = (),
                 candidates: list[RestoreCandidate] | None = None):
        super().__init__(message)
        self.problems = problems
        self.candidates = list(candidates or [])


class UnsafeLocation(BianzhiError):
    """The book is on a network share, in a cloud-sync folder or on a removable disk."""

    def __init__(self, message: str, *, kind: str, detail: str):
        super().__init__(message)
        self.kind = kind
        self.detail = detail


class StorageError(BianzhiError):
    """A write failed because the disk is full, read-only or failing; the book was not changed."""


class ReadOnlyBook(BianzhiError):
    """A change was asked of a book opened read-only (another program holds its lock)."""
