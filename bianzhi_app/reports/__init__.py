"""Official PDF reports: fonts with per-character fallback, page templates, long tables.

All reports are A4, Chinese, with every font embedded (TrueType subsets).
"""

from typing import Any

__all__ = ["MissingGlyph", "get_fonts"]


def __getattr__(name: str) -> Any:
    # Lazy: the CLI imports this package for the report names only, and reportlab costs ~0.4 s.
    if name in __all__:
        from bianzhi_app.reports import fonts

        return getattr(fonts, name)
    raise AttributeError(name)
