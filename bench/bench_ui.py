"""Desktop benchmarks on a province book (~40,000 units, ~1,500,000 persons).

    .venv/bin/python bench/bench_ui.py --cache CACHE_DIR [--scale province] [--runs 5]

Builds the book once into CACHE_DIR/<scale>.db (several minutes for a province), compiles the
project's bytecode (as the packaged app ships it: a run with PYTHONDONTWRITEBYTECODE would otherwise
recompile every module at every start), then prints, each measured in the same run, runs interleaved:
- start-up: time from spawning the process to the main window painted with the roster open (the
  child prints the monotonic clock at its first paint), as a ratio against a bare QMainWindow with an
  empty QTableView started the same way, and against the same screen written plainly in PySide6 with
  no application code (the target: Bianzhi's first paint ≤ 1.5× that plain screen); the child's CPU time to its
  first paint; and the time until the Book behind the window is open (ready);
- peak RSS of the window process (target < 400 MB);
- roster: jump to the end (last page, keyset in reverse), scrolling 50 pages, and a name search, in ms.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, demo_book

ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}

# Both reference windows end the same way: print the clocks at the first paint of the table, quit.
PAINT_PROBE = r"""
class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.done)
        return False
    def done(self):
        print(f"painted 0 at={time.monotonic():.4f} cpu={time.process_time():.4f}", flush=True)
        app.quit()
probe = Probe()
view.viewport().installEventFilter(probe)
window.resize(1360, 840)
window.show()
app.exec()
"""

BASELINE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
view = QTableView()
window.setCentralWidget(view)
""" + PAINT_PROBE

# The same first screen in plain PySide6, with no application code: menus (40 actions), toolbar, a tree
# (9 categories, 50 units), 7 tabs, a roster page (search, unit picker, 2 combos, button, a 200-row
# table read with sqlite3 through a Python model), status bar, the bundled font: what the screen costs
# written the plain way (`Qt` enums, a Python headerData), with no application code.
FLOOR = r"""
import sys, time, sqlite3
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QFontDatabase, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPushButton,
                               QSplitter, QTableView, QTabWidget, QToolBar, QTreeView, QVBoxLayout, QWidget)
app = QApplication(sys.argv)
font = QFont(QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(sys.argv[2]))[0])
font.setPointSize(10)
app.setFont(font)
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
rows = conn.execute(
    "SELECT p.name, p.gender, p.id_region || '********' || p.id_tail, p.birth_year, u.name, s.kind_id,"
    " a.post_kind_id, s.start_date"
    " FROM staffing_periods s JOIN persons p ON p.id = s.person_id JOIN units u ON u.id = s.unit_id"
    " LEFT JOIN appointments a ON a.person_id = s.person_id AND a.end_date IS NULL"
    " WHERE s.end_date IS NULL ORDER BY s.person_id LIMIT 200").fetchall()
units = conn.execute("SELECT name FROM units WHERE status = 'active' ORDER BY id LIMIT 50").fetchall()
DISPLAY = Qt.ItemDataRole.DisplayRole
HEAD = ["姓名", "性别", "身份证号", "出生年份", "单位", "编制类型", "职务", "入编日期"]
class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(rows)
    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 8
    def data(self, index, role=DISPLAY):
        if role == DISPLAY and index.isValid():
            value = rows[index.row()][index.column()]
            return "" if value is None else str(value)
        return None
    def headerData(self, section, orientation, role=DISPLAY):
        return HEAD[section] if role == DISPLAY and orientation == Qt.Orientation.Horizontal else None
window = QMainWindow()
toolbar = QToolBar("常用操作", window)
window.addToolBar(toolbar)
for m in range(8):
    menu = window.menuBar().addMenu("菜单%d(&F)" % m)
    for a in range(5):
        action = QAction("操作%d…" % a, window)
        menu.addAction(action)
        if a == 0:
            toolbar.addAction(action)
tree = QTreeView()
tree.setHeaderHidden(True)
categories = QStandardItemModel()
for c in range(9):
    category = QStandardItem("党委工作机关 (%d)" % (c * 100))
    categories.appendRow(category)
    for (name,) in (units if c == 0 else []):
        category.appendRow(QStandardItem(name))
tree.setModel(categories)
tree.expand(categories.index(0, 0))
left = QWidget()
left_layout = QVBoxLayout(left)
left_layout.addWidget(QLineEdit())
left_layout.addWidget(tree)
tabs = QTabWidget()
page = QWidget()
page_layout = QVBoxLayout(page)
bar = QHBoxLayout()
for widget in (QLineEdit(), QLineEdit(), QComboBox(), QComboBox(), QPushButton("导出Excel")):
    bar.addWidget(widget)
page_layout.addLayout(bar)
view = QTableView()
model = Model()
view.setModel(model)
view.verticalHeader().setVisible(False)
page_layout.addWidget(view)
page_layout.addWidget(QLabel("已载入200人,向下滚动载入更多"))
for title in ("概览", "单位", "人员", "用编", "台账", "文件", "报表"):
    tabs.addTab(page if title == "人员" else QWidget(), title)
tabs.setCurrentWidget(page)
splitter = QSplitter()
splitter.addWidget(left)
splitter.addWidget(tabs)
splitter.setSizes([300, 1000])
window.setCentralWidget(splitter)
for text in ("book.db", "经办人:root", "台账 #1722229 0123456789ab"):
    window.statusBar().addPermanentWidget(QLabel(text))
""" + PAINT_PROBE

ROSTER = r"""
import sys, time
from dataclasses import replace
sys.path.insert(0, sys.argv[2])
from PySide6.QtWidgets import QApplication
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


def timed_process(args: list[str]) -> dict[str, float]:
    """Seconds from spawn to each `painted` / `ready` line the child prints (and the child's CPU seconds by
    then, `painted_cpu`: less disturbed by other load on the machine) and to its exit; peak RSS (MB)."""
    start = time.monotonic()
    child = subprocess.Popen(args, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    times = {"exit": time.monotonic() - start, "rss": usage.ru_maxrss / 1024}
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} exited with {os.waitstatus_to_exitcode(status)}")
    for what, at, cpu in re.findall(r"^(painted|ready) \S+ at=([0-9.]+) cpu=([0-9.]+)", output, re.MULTILINE):
        times[what] = float(at) - start
        times[what + "_cpu"] = float(cpu)
    return times


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, type=Path, help="folder that keeps the built book between runs")
    parser.add_argument("--scale", default="province", choices=("county", "city", "province"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    book = demo_book(args.cache, args.scale)
    for folder in ("bianzhi_app", "ui"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_file(ROOT / "main.py", quiet=1)
    ENV["BIANZHI_SETTINGS"] = str(args.cache / "bench-settings.ini")
    ENV["BIANZHI_BACKUP_DIR"] = str(args.cache / "backups")  # the on-exit backup of the first run goes here
    app_args = [sys.executable, str(ROOT / "main.py"), "--gui", "--db", str(book), "--page", "roster",
                "--exit-after-paint"]
    timed_process(app_args)  # warm the page cache for the book's first pages
    font = str(ROOT / "resources" / "fonts" / "BianzhiSansSC-Regular.ttf")
    baseline, floor, app = [], [], []
    for _ in range(args.runs):
        baseline.append(timed_process([sys.executable, "-c", BASELINE]))
        floor.append(timed_process([sys.executable, "-c", FLOOR, str(book), font]))
        app.append(timed_process(app_args))
    base, painted, ready = median(baseline, "painted"), median(app, "painted"), median(app, "ready")
    plain = median(floor, "painted")
    print(f"start-up to first paint: the same screen written plainly in PySide6 {plain * 1000:.0f} ms, "
          f"bianzhi roster {painted * 1000:.0f} ms, ratio {painted / plain:.2f} (target <= 1.5)")
    print(f"  against a bare window ({base * 1000:.0f} ms): bianzhi {painted / base:.2f}, "
          f"the plain screen {plain / base:.2f}")
    base_cpu, painted_cpu = median(baseline, "painted_cpu"), median(app, "painted_cpu")
    print(f"  CPU time to first paint: bare window {base_cpu * 1000:.0f} ms, bianzhi {painted_cpu * 1000:.0f} ms, "
          f"ratio {painted_cpu / base_cpu:.2f}")
    print(f"book open behind it (every action available): {ready * 1000:.0f} ms, ratio {ready / base:.2f}; "
          f"process exit {median(app, 'exit') * 1000:.0f} ms vs {median(baseline, 'exit') * 1000:.0f} ms")
    peak = max(r["rss"] for r in app)
    print(f"peak RSS of the window process: {peak:.0f} MB (target < 400 MB) {'OK' if peak < 400 else 'OVER'}")
    roster = subprocess.run([sys.executable, "-c", ROSTER, str(book), str(ROOT)], env=ENV, capture_output=True,
                            text=True, check=True)
    print("roster:", roster.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
