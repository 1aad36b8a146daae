"""UI test harness (after Picard/OpenLP): offscreen Qt, one QApplication per session (pytest-qt's
qapp), a temporary settings file, and a template book built once with the core ops and copied
per test."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt loads; the screenshot test uses xcb in a subprocess

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from uihelpers import build_template  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _settings_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("settings") / "bianzhi.ini"
    os.environ["BIANZHI_SETTINGS"] = str(path)
    # the window backs up on exit and daily: never into the user's data folder
    os.environ["BIANZHI_BACKUP_DIR"] = str(tmp_path_factory.mktemp("backups"))
    from ui import settings

    settings.reset()
    yield path
    settings.reset()


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["bianzhi-tests"]


@pytest.fixture(scope="session", autouse=True)
def _app_font(qapp):  # type: ignore[no-untyped-def]
    from ui.app import load_cjk_font

    load_cjk_font(qapp)
    return qapp


@pytest.fixture(scope="session")
def template_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A county demo region (about 150 units, 5,500 persons), built once."""
    from bianzhi_app.book import Book
    from bianzhi_app.demo import generate

    path = tmp_path_factory.mktemp("demo") / "county.db"
    with Book.open(path) as book:
        generate(book, scale="county", seed=1)
    return path


@pytest.fixture
def book_path(tmp_path: Path, template_book: Path) -> Path:
    path = tmp_path / "book.db"
    shutil.copyfile(template_book, path)
    return path


@pytest.fixture
def session(book_path: Path) -> Iterator[object]:
    from bianzhi_app.book import Book
    from ui.session import Session

    session = Session(Book.open(book_path), str(book_path))
    yield session
    session.close()


@pytest.fixture
def window(qtbot, session):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window

