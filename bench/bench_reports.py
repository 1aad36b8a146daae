"""Benchmark of the 机构编制情况总表 (`report summary`) on big demo books (not collected by pytest).

    .venv/bin/python bench/bench_reports.py CACHE_DIR [--scales city province]

CACHE_DIR holds the demo books (`city.db`, `province.db`), generated on first use through
`main.py demo --scale …` (the province takes many minutes). For each scale two child
processes run, so that each peak memory is its own:

* ours – `render_report(book, "summary", …)`: query, data builder, layout, PDF written;
* bare – the same rows (taken from the builder beforehand, untimed), already as strings, laid
  out as plain reportlab ``Table``s of one page each with the same font, size and column
  widths, on a plain landscape A4 ``SimpleDocTemplate``: the cost of reportlab alone.

It prints time and peak RSS of both, the ratio ours / bare (target ≤ 1.5×), and the time per
row of each scale, whose ratio between the province and the city shows whether the cost grows
faster than the rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, demo_book  # bench/ is the script's folder


def peak_rss_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    except ImportError:  # Windows
        import psutil

        return float(psutil.Process().memory_info().peak_wset) / 2**20


def child_ours(book_path: str, out: str) -> dict[str, Any]:
    from bianzhi_app.book import Book
    from bianzhi_app.reports.fonts import get_fonts
    from bianzhi_app.reports.render import render_report

    fonts = get_fonts(use_system=False)
    start = time.perf_counter()
    with Book.open(book_path) as book:
        result = render_report(book, "summary", out, fonts=fonts)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "rows": len(result.data.rows), "pages": result.pages,
            "bytes": Path(out).stat().st_size}


def child_bare(book_path: str, out: str) -> dict[str, Any]:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

    from bianzhi_app.book import Book
    from bianzhi_app.reports.builders import build_summary
    from bianzhi_app.reports.common import QUOTA_FIELDS, QUOTA_LABELS, ReportOptions
    from bianzhi_app.reports.fonts import get_fonts
    from bianzhi_app.reports.page import format_cell

    fonts = get_fonts(use_system=False)
    with Book.open(book_path) as book, book.read() as conn:
        data = build_summary(conn, book.catalog, ReportOptions())
    codes = [c for c, _n in data.kinds]
    rows = [[str(i), r.name, r.category, r.rank, r.funding,
             *[format_cell(r.figures[c][f]) for c in codes for f in QUOTA_FIELDS]]
            for i, r in enumerate(data.rows, start=1)]
    head = [["序号", "单位名称", "机构类别", "规格", "经费形式", *[n for _c, n in data.kinds for _f in QUOTA_FIELDS]],
            ["", "", "", "", "", *[QUOTA_LABELS[f] for _c in codes for f in QUOTA_FIELDS]]]
    lead = [9 * mm, 38 * mm, 19 * mm, 10 * mm, 13 * mm]
    per = (landscape(A4)[0] - 33 * mm - sum(lead)) / (len(codes) * len(QUOTA_FIELDS))
    widths = lead + [per] * (len(codes) * len(QUOTA_FIELDS))
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.primary("table")), ("FONTSIZE", (0, 0), (-1, -1), 7),
                        ("LEADING", (0, 0), (-1, -1), 8.75), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                        ("ALIGN", (5, 2), (-1, -1), "RIGHT")])
    per_page = 34
    start = time.perf_counter()
    story: list[Any] = []
    for i in range(0, len(rows), per_page):
        story += [Table(head + rows[i:i + per_page], colWidths=widths, style=style, repeatRows=2), PageBreak()]
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=18 * mm, rightMargin=15 * mm,
                            topMargin=27 * mm, bottomMargin=16 * mm)
    doc.build(story)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "rows": len(rows), "pages": doc.page,
            "bytes": Path(out).stat().st_size}


def run_child(mode: str, book: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(book), str(out)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache", type=Path, nargs="?")
    parser.add_argument("--scales", nargs="+", default=["city", "province"])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "BOOK", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, book, out = args.child
        print(json.dumps((child_ours if mode == "ours" else child_bare)(book, out)))
        return
    if args.cache is None:
        parser.error("CACHE_DIR is required")
    per_row: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            book = demo_book(args.cache, scale)
            ours = run_child("ours", book, Path(tmp) / f"{scale}-ours.pdf")
            bare = run_child("bare", book, Path(tmp) / f"{scale}-bare.pdf")
            per_row[scale] = ours["seconds"] / ours["rows"]
            print(f"{scale:9s} ours: {ours['rows']:6d} rows {ours['pages']:5d} pages {ours['seconds']:7.2f} s "
                  f"peak {ours['peak_mb']:6.0f} MB {ours['bytes'] / 1e6:6.1f} MB pdf | "
                  f"bare: {bare['pages']:5d} pages {bare['seconds']:7.2f} s peak {bare['peak_mb']:6.0f} MB | "
                  f"ratio {ours['seconds'] / bare['seconds']:.2f}x (target <= 1.5x), "
                  f"{per_row[scale] * 1e6:.0f} µs/row")
    if "city" in per_row and "province" in per_row:
        growth = per_row["province"] / per_row["city"]
        print(f"per-row time province / city: {growth:.2f} (about 1 = linear)")
    print(f"(python {sys.version.split()[0]}, {ROOT.name})")


if __name__ == "__main__":
    main()
