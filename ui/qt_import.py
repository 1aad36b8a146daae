"""Import PySide6 without its per-module source scan (import this before anything imports PySide6).

PySide6 (6.4 and later, PYSIDE-2029) asks of every module in the process, at its own import and
after each later import, whether its source mentions "PySide6" (its opt-in `__feature__` switches),
and answers with `inspect.getsource`: linecache and tokenize over every file, about a tenth of a
second for the ~700 modules of this application. The same question is answered here by reading the
file's bytes; modules without a .py file keep PySide's own answer. The app uses no `__feature__`.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _fast_check(original):  # type: ignore[no-untyped-def]
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    uses_pyside.fast = True  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Replace the scan's test before PySide6.QtCore is first imported; False when this PySide6 has none."""
    import shiboken6  # noqa: F401 - loads shibokensupport.feature, which PySide6.QtCore then runs

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if not getattr(original, "fast", False):
        feature._mod_uses_pyside = _fast_check(original)  # type: ignore[union-attr]
    return True
