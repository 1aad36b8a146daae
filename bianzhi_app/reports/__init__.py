"""Official PDF reports: fonts with per-character fallback, page templates, long tables.

All reports are A4, Chinese, with every font embedded (TrueType subsets).
"""

from bianzhi_app.reports.fonts import MissingGlyph, get_fonts

__all__ = ["MissingGlyph", "get_fonts"]
