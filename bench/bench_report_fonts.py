"""Benchmark of the report primitives (not collected by pytest).

    .venv/bin/python bench/bench_report_fonts.py [ROWS ...]

Prints the per-call cost of the font fallback split and the time per row of a long
``data_table`` laid out and written to a PDF (default 1,000 / 10,000 / 40,000 rows).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.units import mm

from bianzhi_app.reports.fonts import get_fonts
from bianzhi_app.reports.page import Column, ReportDocTemplate, ReportHeader, data_table

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "王堃", "张𠮷"]
UNITS = ["区农业农村局", "区财政局", "区教育局", "区卫生健康局", "区人力资源和社会保障局",
         "区农业农村局下属农业技术推广服务中心（事业单位）"]


def columns() -> list[Column]:
    return [Column("序号", 14 * mm), Column("单位", 52 * mm), Column("姓名", 20 * mm),
            Column("性别", 10 * mm), Column("出生日期", 22 * mm), Column("编制类型", 20 * mm),
            Column("入编日期", 22 * mm), Column("身份证号", 36 * mm)]


def make_rows(n: int) -> list[list[object]]:
    return [[i + 1, UNITS[i % len(UNITS)], NAMES[i % len(NAMES)], "男" if i % 2 else "女",
             dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), "事业编制", dt.date(2000 + i % 25, 3, 1),
             f"610403{1970 + i % 30}0101****"] for i in range(n)]


def bench_fallback(loops: int = 200_000) -> None:
    fonts = get_fonts(use_system=False)
    plain = ["区农业农村局", "张伟", "事业编制", "2026-03-31", "王堃", "张𠮷"]
    for role in ("table", "body"):
        chain = fonts.chain(role)
        # a name character the role's first font lacks, so the split really falls back
        rare = min(c for c in chain.faces[1].chars - chain.faces[0].chars if ord(c) >= 0x20000)
        mixed = [f"张{rare}", f"李{rare}明", f"欧阳{rare}"]
        for label, texts in (("first font only", [t for t in plain if chain.covers(t)]),
                             (f"fallback U+{ord(rare):X}", mixed)):
            for fn_name in ("covers", "runs", "markup"):
                fn = getattr(chain, fn_name)
                t = time.perf_counter()
                for i in range(loops):
                    fn(texts[i % len(texts)])
                us = (time.perf_counter() - t) / loops * 1e6
                print(f"{role:5s} {fn_name:7s} {label:22s}: {us:.2f} µs/call")


def bench_naive(n: int) -> float:
    """reportlab's own split of one giant Table, for comparison (quadratic)."""
    from reportlab.platypus import Table

    fonts = get_fonts(use_system=False)
    rows = [[str(v) for v in r] for r in make_rows(n)]
    out = io.BytesIO()
    t = time.perf_counter()
    doc = ReportDocTemplate(out, ReportHeader("对照", "单位", dt.date(2026, 3, 31), "台账 #1"), fonts=fonts)
    style = [("FONTNAME", (0, 0), (-1, -1), fonts.primary("table")), ("FONTSIZE", (0, 0), (-1, -1), 9)]
    table = Table([[c.title for c in columns()], *rows], colWidths=[c.width for c in columns()], repeatRows=1,
                  style=style)
    doc.build([table])
    elapsed = time.perf_counter() - t
    print(f"naive {n:>6} rows: {elapsed:7.2f} s, {elapsed / n * 1e6:6.0f} µs/row")
    return elapsed


def bench_table(n: int) -> float:
    fonts = get_fonts(use_system=False)
    rows = make_rows(n)
    out = io.BytesIO()
    t = time.perf_counter()
    head = ReportHeader("实名制人员花名册", "杨陵区机构编制委员会办公室", dt.date(2026, 3, 31),
                        "台账 #1234 ab12cd34ef56")
    doc = ReportDocTemplate(out, head, fonts=fonts)
    doc.build([data_table(columns(), rows, fonts=fonts)])
    elapsed = time.perf_counter() - t
    print(f"table {n:>6} rows: {elapsed:7.2f} s, {elapsed / n * 1e6:6.0f} µs/row, {doc.page} pages, "
          f"{len(out.getvalue()) / 1e6:.1f} MB")
    return elapsed


if __name__ == "__main__":
    args = sys.argv[1:]
    naive = "--naive" in args
    sizes = [int(a) for a in args if a.isdigit()] or [1_000, 10_000, 40_000]
    bench_fallback()
    for size in sizes:
        bench_naive(size) if naive else bench_table(size)
