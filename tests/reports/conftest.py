"""Fixtures of the report tests; makes the checkout importable when pytest runs from anywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bianzhi_app.reports.fonts import FontRegistry, get_fonts  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def fonts() -> FontRegistry:
    """The bundled fonts only, so results do not depend on the machine's fonts."""
    return get_fonts(use_system=False)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pdffonts(path: Path) -> list[dict[str, str]]:
    exe = shutil.which("pdffonts")
    if exe is None:
        pytest.fail("pdffonts is missing: apt-get install -y poppler-utils")
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()[2:]
    fonts = []
    for line in lines:
        # name type… encoding emb sub uni object-id generation
        m = re.match(r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert m, line
        fonts.append({"name": m[1], "type": m[2], "emb": m[4], "sub": m[5], "uni": m[6]})
    return fonts


def _assert_fonts_embedded(path: Path) -> list[dict[str, str]]:
    fonts = pdffonts(path)
    assert fonts
    for f in fonts:
        assert f["emb"] == "yes" and f["sub"] == "yes", f
        assert f["type"].startswith("TrueType"), f
        assert re.match(r"^[A-Z]{6}\+", f["name"]), f
    return fonts


@pytest.fixture(scope="session")
def assert_fonts_embedded() -> Callable[[Path], list[dict[str, str]]]:
    """pdffonts (poppler-utils) says every font is an embedded TrueType subset."""
    return _assert_fonts_embedded


# --------------------------------------------------------------------------- report books


@pytest.fixture(scope="session")
def report_book(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo county with the last two ended quarters frozen (snapshot)."""
    import datetime as dt

    from bianzhi_app.book import Book
    from bianzhi_app.ops.snapshots import Quarter, take_snapshot

    path = tmp_path_factory.mktemp("reports") / "county.db"
    shutil.copy(demo_template, path)
    last = Quarter.last_ended(dt.date.today())
    with Book.open(path, actor="审核员") as book:
        book.run(take_snapshot, last.previous())
        book.run(take_snapshot, last.label)
    return path


@pytest.fixture(scope="session")
def render(report_book: Path, fonts: FontRegistry, artifacts: Path) -> Callable[..., object]:
    """render(kind, name, **options) → RenderResult; PDFs land in test-artifacts/reports/ and are
    rendered once per session (same kind and options)."""
    from bianzhi_app.book import Book
    from bianzhi_app.reports.common import ReportOptions
    from bianzhi_app.reports.render import render_report

    cache: dict[tuple[object, ...], object] = {}
    folder = artifacts / "reports"
    folder.mkdir(exist_ok=True)

    used: dict[str, tuple[object, ...]] = {}

    def run(kind: str, name: str | None = None, **options: object) -> object:
        key = (kind, tuple(sorted(options.items())))
        if key not in cache:
            stem = name or "-".join([kind, *(re.sub(r"\W", "", f"{k}{v}") for k, v in key[1])])
            while used.setdefault(stem, key) != key:  # one file per report: a cached result's PDF stays its own
                stem += "+"
            with Book.open(report_book) as book:
                cache[key] = render_report(book, kind, folder / f"{stem}.pdf",
                                           options=ReportOptions(**options), fonts=fonts)  # type: ignore[arg-type]
        return cache[key]

    return run
