"""Bianzhi core: the establishment book. Never imports Qt."""

__version__ = "0.1.0"
