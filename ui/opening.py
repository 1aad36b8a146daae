"""Opening a book safely from the window.

`open_book(parent, path, actor)` is the window's `opening.prepare(..., lock=True)` (the checks of
`Book.open`, before any engine) with a person in the loop: a book another program holds shows who
holds it and offers 只读打开 (and 解除失效锁 when that program is gone); a book on a network share /
cloud-sync folder / removable disk shows why and how to move it, with an explicit 仍然打开; a damaged
book lists its newest good backups and offers 从备份恢复 (after a confirmation; the core keeps the
replaced file). Every other refusal is raised unchanged. The dialogs (ui.dialogs.safety) load only
when a check refuses: most opens need none of them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from bianzhi_app.opening import PreparedBook, prepare
from bianzhi_app.safety.errors import BookCorrupt, NotABook, UnsafeLocation
from bianzhi_app.safety.lock import LockedByOther


def open_book(parent: QWidget | None, path: str, actor: str | None) -> PreparedBook | None:
    """Check and lock `path` for the window, asking the user where a safety check refuses; the caller
    opens the PreparedBook. Returns None when the user cancelled; raises the core's error for refusals
    nobody can answer."""
    read_only = False
    allow: bool | None = None
    for _attempt in range(6):  # each answer removes one refusal; a loop of the same refusal ends here
        try:
            # header and schema now; the window runs the bounded quick_check after its first paint
            return prepare(path, actor=actor, lock=True, read_only=read_only, allow_unsafe_location=allow,
                           startup_check="fast")
        except LockedByOther as error:
            from ui.dialogs.safety import BREAK_LOCK, READ_ONLY, lock_dialog

            choice = lock_dialog(parent, error).ask()
            if choice == READ_ONLY:
                read_only = True
            elif choice == BREAK_LOCK:
                from bianzhi_app.recovery import break_stale_lock

                break_stale_lock(path, actor=actor)
            else:
                return None
        except UnsafeLocation as error:
            from ui.dialogs.safety import OVERRIDE, unsafe_dialog

            if unsafe_dialog(parent, error).ask() != OVERRIDE:
                return None
            allow = True
        except (BookCorrupt, NotABook) as error:
            if not error.candidates:
                raise
            from PySide6.QtWidgets import QDialog

            from ui.dialogs.safety import RestoreDialog

            dialog = RestoreDialog(parent, path, error.candidates, error.message, actor, allow)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
    return None
