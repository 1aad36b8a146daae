"""Desktop benchmarks on a province book (~40,000 units, ~1,500,000 persons).

    .venv/bin/python bench/bench_ui.py --cache CACHE_DIR [--scale province] [--runs 3]

Builds the book once into CACHE_DIR/<scale>.db with `main.py --db X demo --scale <scale>` (several
minutes for a province), then prints, each measured in the same run:
- start-up: wall time from process start to the main window painted with the roster open,
  as a ratio against a bare QMainWindow with an empty QTableView started the same way;
- peak RSS of the window process (target < 400 MB);
- roster: jump to the end (last page, keyset in reverse), scrolling 50 pages, and a name search, in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}

BASELINE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
view = QTableView()
window.setCentralWidget(view)
class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
probe = Probe()
view.viewport().installEventFilter(probe)
window.resize(1360, 840)
window.show()
app.exec()
"""

ROSTER = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from PySide6.QtWidgets import QApplication
from dataclasses import replace
app = QApplication([])
from bianzhi_app.book import Book
from ui.session import Session
from ui.pages.roster import RosterPage
session = Session(Book.open(sys.argv[1]), sys.argv[1])
page = RosterPage(session)
page.resize(1200, 800)
page.show()
page.ensure_loaded()
app.processEvents()
model, view = page.model, page.view
def timed(action):
    start = time.perf_counter()
    action()
    view.viewport().repaint()
    app.processEvents()
    return (time.perf_counter() - start) * 1000
end = timed(lambda: (model.set_filter(replace(model.filter, descending=True)), view.scrollToBottom()))
model.set_filter(replace(model.filter, descending=False))
start = time.perf_counter()
for _ in range(50):
    view.scrollToBottom()
    app.processEvents()
scroll = (time.perf_counter() - start) * 1000
search = timed(lambda: model.set_filter(replace(model.filter, search="王")))
rows = len(model.rows)
print(f"end_ms={end:.1f} scroll50_ms={scroll:.1f} search_ms={search:.1f} search_rows={rows} loaded={len(model.rows)}")
session.close()
"""


def build(cache: Path, scale: str) -> Path:
    path = cache / f"{scale}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{scale}.partial.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    print(f"building {scale} book into {path} (once) …", file=sys.stderr)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(partial), "demo", "--scale", scale],
                   check=True, env=ENV)
    os.replace(partial, path)
    print(f"built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def timed_process(args: list[str]) -> tuple[float, float]:
    """(wall seconds from spawn to exit, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{args} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, type=Path, help="folder that keeps the built book between runs")
    parser.add_argument("--scale", default="province", choices=("county", "city", "province"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    book = build(args.cache, args.scale)
    settings = args.cache / "bench-settings.ini"
    ENV["BIANZHI_SETTINGS"] = str(settings)
    baseline = [timed_process([sys.executable, "-c", BASELINE]) for _ in range(args.runs)]
    app = [timed_process([sys.executable, str(ROOT / "main.py"), "--gui", "--db", str(book), "--page", "roster",
                          "--exit-after-paint"]) for _ in range(args.runs)]
    base_s = statistics.median(w for w, _ in baseline)
    app_s = statistics.median(w for w, _ in app)
    peak = max(r for _, r in app)
    print(f"startup: bare window {base_s * 1000:.0f} ms, bianzhi roster {app_s * 1000:.0f} ms, "
          f"ratio {app_s / base_s:.2f}")
    print(f"peak RSS of the window process: {peak:.0f} MB (target < 400 MB) {'OK' if peak < 400 else 'OVER'}")
    roster = subprocess.run([sys.executable, "-c", ROSTER, str(book), str(ROOT)], env=ENV, capture_output=True,
                            text=True, check=True)
    print("roster:", roster.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
