"""`run(argv)`: the desktop application (main.py calls it when given no command)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from ui import settings
from ui.first_paint import qt_namespace_loaded, widget_types_walked
from ui.i18n import install_language

STARTED = time.perf_counter()
UI_FONT_FILES = ("BianzhiSansSC-Regular.ttf", "LXGWWenKai-Regular.ttf")


def fonts_dir():  # type: ignore[no-untyped-def]
    from bianzhi_app.resources import resource_path

    return resource_path("fonts")


def load_cjk_font(app: QApplication) -> str | None:
    """Load the first bundled CJK font found and make it the application font; else keep the system's."""
    folder = fonts_dir()
    candidates = [folder / name for name in UI_FONT_FILES] + sorted(folder.glob("*.ttf"))
    for path in candidates:
        if path.is_file():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                font = QFont(families[0])
                font.setPointSize(max(app.font().pointSize(), 10))
                # the bundled fonts carry no hinting, so Qt's default would run FreeType's auto-hinter
                # on every glyph drawn (about 35 µs each, 3.5 ms of the first paint): draw the outlines
                # as designed, as macOS draws all text
                font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
                app.setFont(font)
                return families[0]
    return None


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bianzhi", description="编制台账")
    parser.add_argument("--db", help="数据库文件或URL")
    parser.add_argument("--page", choices=("dashboard", "unit", "roster", "approvals", "ledger", "documents",
                                           "reports", "review", "accounts", "audit"))
    parser.add_argument("--lang", help="界面语言 zh_CN / en")
    parser.add_argument("--demo", action="store_true", help="没有台账时直接生成演示区县并打开")
    parser.add_argument("--exit-after-paint", action="store_true", help="基准测试用:窗口绘制后退出")
    parser.add_argument("--screenshot", help="测试用:绘制后把窗口截图存为PNG并退出")
    args, _unknown = parser.parse_known_args(list(argv))
    return args


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


class _PaintProbe(QObject):
    """Quit right after the first paint of a widget (start-up benchmark, screenshot test).

    Prints ``painted S at=M cpu=C sqlalchemy=0 gc=0 qt=0 walked=0 threads=T`` (S seconds since this
    module was imported, M the monotonic clock, which the benchmark compares with its own at spawn, C the
    process's CPU seconds so far, whether SQLAlchemy is loaded yet, the garbage collector on, PySide's
    `Qt` namespace built, every widget type built (ui.first_paint), T the process's threads where /proc
    tells, else 0),
    then, once the Book is open behind the painted window, the same for ``ready``."""

    def __init__(self, parent: QObject, window: QWidget, screenshot: str | None, session: Any = None):
        super().__init__(parent)
        self.window, self.screenshot, self.session = window, screenshot, session

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._done)
        return False

    @staticmethod
    def _say(what: str) -> None:
        print(f"{what} {time.perf_counter() - STARTED:.3f} at={time.monotonic():.4f} cpu={time.process_time():.4f} "
              f"sqlalchemy={int('sqlalchemy' in sys.modules)} gc={int(gc.isenabled())} qt={int(qt_namespace_loaded())} "
              f"walked={int(widget_types_walked())} threads={_threads()}",
              flush=True)

    def _done(self) -> None:
        self._say("painted")
        if self.screenshot:  # once the Book is open and the page has read its data
            if self.session is not None:
                self.session.when_ready(lambda: QTimer.singleShot(800, self._shoot))
            else:
                QTimer.singleShot(400, self._shoot)
        elif self.session is not None:
            self.session.when_ready(self._ready)
        else:
            QApplication.quit()

    def _ready(self) -> None:
        self._say("ready")
        QApplication.quit()

    def _shoot(self) -> None:
        font = QApplication.font()
        covers = QFontMetrics(font).inFontUcs4(ord("编"))
        print(f"font {font.family()} covers_cjk={covers}", flush=True)
        screen = self.window.screen()
        image = screen.grabWindow(self.window.winId()) if screen is not None else self.window.grab()
        image.save(self.screenshot, "PNG")
        QApplication.quit()


RESUME_GC_AFTER_MS = 5000  # collection resumes by then whatever happens (a failed open, a dialog)


def resume_gc() -> None:
    """Resume the garbage collection that main.py paused for start-up, with the objects made so far
    moved out of its way (they live as long as the window); a second call does nothing."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _resume_gc_when_started(launcher: Any) -> None:
    QTimer.singleShot(RESUME_GC_AFTER_MS, resume_gc)
    if launcher.window is None:
        QTimer.singleShot(0, resume_gc)
        return
    session = launcher.window.session
    session.open_failed.connect(lambda _error: resume_gc())
    session.when_ready(resume_gc)


# Qt platforms that draw without a display server (tests, benchmarks, remote framebuffers)
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay")
NO_DISPLAY_MESSAGE = (
    "无法打开窗口:没有可用的图形显示(未设置 DISPLAY 或 WAYLAND_DISPLAY)。\n"
    "请在桌面环境中运行;通过 SSH 登录时可用 ssh -X 转发显示,或在无显示器的服务器上用 xvfb-run 运行。\n"
    "命令行功能不需要显示,例如:python main.py --db 台账.db status(全部命令见 python main.py --help)。\n")


def display_problem(environ: Any = None) -> str | None:
    """Why Qt could not open a window here, checked before QApplication exists (Qt would abort with a
    misleading hint about libxcb-cursor0); None when a display is there or not needed."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") and "bsd" not in sys.platform:
        return None  # Windows and macOS always have their own display
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform in HEADLESS_PLATFORMS:
        return None
    if platform.startswith("wayland"):
        return None if env.get("WAYLAND_DISPLAY") else NO_DISPLAY_MESSAGE
    if platform == "xcb":
        return None if env.get("DISPLAY") else NO_DISPLAY_MESSAGE
    return None if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") else NO_DISPLAY_MESSAGE


def run(argv: Sequence[str]) -> int:
    args = parse(argv)
    from bianzhi_app.settings import db_from_environment

    start_path = args.db or db_from_environment() or settings.get("db/last")
    if start_path:  # BIANZHI_USER/BIANZHI_PASSWORD: hash the password beside the start-up (ui.admission)
        from ui.password_check import check_early

        check_early(start_path)
    if QApplication.instance() is None:
        problem = display_problem()
        if problem:
            sys.stderr.write(problem)
            return 2
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "bianzhi"])
    app.setApplicationName("Bianzhi")
    app.setOrganizationName("Bianzhi")
    load_cjk_font(app)
    install_language(app, args.lang or settings.get("ui/language"))
    settings.apply_backup_folder()  # the folder chosen in 设置 (unless BIANZHI_BACKUP_DIR names one)
    from ui.launcher import Launcher

    launcher = Launcher(start_page=args.page)
    shown = launcher.start(args.db, demo=args.demo)
    _resume_gc_when_started(launcher)
    if args.exit_after_paint or args.screenshot:
        session = launcher.window.session if launcher.window is not None else None
        probe = _PaintProbe(app, shown, args.screenshot, session)
        target = shown
        if launcher.window is not None and args.page == "roster":
            target = launcher.window.roster.view  # its rows paint in the same pass; viewport(): ui.first_paint
        target.installEventFilter(probe)
    code = app.exec()
    if launcher.window is not None:
        launcher.window.session.reader.wait()
        launcher.window.session.worker.wait()
    return int(code)
