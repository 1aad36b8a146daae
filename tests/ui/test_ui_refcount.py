"""Guard against the PySide6 6.12.0 / Python 3.11 bug that corrupts the refcount of a None
returned from a model's data() (why requirements.txt pins PySide6-Essentials 6.11.x)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("refcount_probe.py")


def test_none_from_data_keeps_its_refcount_over_a_large_scrolled_model(tmp_path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(PROBE), "200000"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"crashed or refcount collapsed: rc={result.returncode} {result.stdout} " \
                                   f"{result.stderr[-2000:]}"
    start, end = (int(part.split("=")[1]) for part in result.stdout.split())
    assert end >= start - 1000
