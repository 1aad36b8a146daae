"""Locate files of the top-level ``resources/`` folder (fonts, …).

From a source checkout it is ``bianzhi_app/../resources``; inside a PyInstaller bundle it is
``sys._MEIPASS/resources`` (the spec must add ``("resources", "resources")`` to ``datas``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent / "resources"


def resources_root() -> Path:
    """The ``resources`` folder: the bundle's when frozen (and present), else the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        frozen = Path(bundle) / "resources"
        if frozen.is_dir():
            return frozen
    return _SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """Path of ``resources/<parts…>``, e.g. ``resource_path("fonts", "LXGWWenKai-Regular.ttf")``.

    The path is returned whether or not the file exists; callers check.
    """
    return resources_root().joinpath(*parts)
