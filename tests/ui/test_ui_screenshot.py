"""The main window on a demo county under a real X server (Xvfb, xcb): Chinese text renders.

Saves test-artifacts/main_window.png (git-ignored). Skipped when Xvfb is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "test-artifacts" / "main_window.png"


@pytest.fixture
def xvfb_display():  # type: ignore[no-untyped-def]
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb 未安装(apt-get install xvfb xauth 及 Qt xcb 依赖库)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = pipe.readline().strip()  # Xvfb picks a free display and writes its number here
    if not display:
        server.kill()
        pytest.skip("Xvfb 未能启动")
    yield f":{display}"
    server.terminate()
    server.wait(timeout=10)


def test_main_window_renders_chinese_on_a_demo_county(xvfb_display, demo_book, tmp_path):  # type: ignore[no-untyped-def]
    from PIL import Image

    book = tmp_path / "county.db"
    shutil.copyfile(demo_book, book)
    ARTIFACT.parent.mkdir(exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb_display,
           "BIANZHI_SETTINGS": str(tmp_path / "s.ini")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--gui", "--db", str(book), "--page", "roster",
                             "--screenshot", str(ARTIFACT)], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "covers_cjk=True" in result.stdout, result.stdout
    image = Image.open(ARTIFACT).convert("RGB")
    width, height = image.size
    assert width >= 800 and height >= 500
    assert len(image.getcolors(1 << 24) or []) > 50  # not blank
    tree = image.crop((10, 120, 260, height - 60))
    table = image.crop((320, 120, width - 20, height - 60))
    for area in (tree, table):
        colors = area.getcolors(1 << 24) or []
        assert len(colors) > 20  # antialiased glyphs, not a flat fill
        darkest = min(sum(color) for _count, color in colors)
        assert darkest < 200  # some dark text pixels
