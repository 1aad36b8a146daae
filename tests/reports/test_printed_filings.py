"""Issue 12, the printed filings: what a filed page must and must not show, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from bookhelpers import with_accounts
from pypdf import PdfReader

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput
from bianzhi_app.ops.snapshots import Quarter
from bianzhi_app.queries import ledger_entries, roster, status
from bianzhi_app.reports.builders import (
    DisclosureReport,
    DisclosureRow,
    FigureRow,
    LedgerReport,
    LedgerRow,
    SummaryReport,
)
from bianzhi_app.reports.common import QUOTA_FIELDS, ReportMeta, ReportOptions
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.render import render_report
from bianzhi_app.reports.render_tables import render_disclosure, render_ledger, render_summary

LAST = Quarter.last_ended(dt.date.today())
KINDS = [("xz", "行政编制"), ("zf", "政法专项编制"), ("sy", "事业编制"), ("gq", "机关工勤编制")]
POST_KINDS = [("zz", "正职"), ("fz", "副职"), ("nz", "内设机构正职"), ("nf", "内设机构副职")]
META = ReportMeta("机构编制情况总表", "某某市", "某某市机构编制委员会办公室", dt.date(2026, 9, 30), 4242,
                  "0123456789abcdef" * 4)


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def table_rows(path: Path) -> list[list[str | None]]:
    with pdfplumber.open(path) as pdf:
        return [row for page in pdf.pages for row in (page.extract_table() or [])]


# --------------------------------------------------------------------------- 19 花名册


def _birth_forms(birth: str) -> list[str]:
    day = dt.date.fromisoformat(birth)
    return [birth, day.strftime("%Y%m%d"), f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y.%m.%d")]


def test_masked_roster_prints_no_birth_date(render: Callable[..., Any], report_book: Path) -> None:
    result = render("roster", unit="区委办公室")
    with Book.open(report_book) as book, book.read() as conn:
        people = list(roster(conn, book.catalog, unit="区委办公室", keys=book.personal, full_id=True))
    assert people
    text = "".join(page_texts(result.path))
    assert "出生日期" not in text
    for p in people:
        masked = p["id_number"][:6] + "********" + p["id_number"][-4:]
        assert masked in text and p["id_number"] not in text
        for form in _birth_forms(p["birth_date"]):
            assert form not in text, "a birth date beside a masked ID gives back what the mask hides"
    assert all(r.birth_date == "" for r in result.data.rows), "the masked roster's data holds no birth date"


def test_full_id_roster_is_marked_confidential_on_every_page(render: Callable[..., Any], report_book: Path) -> None:
    with Book.open(report_book) as book, book.read() as conn:
        units = status(conn, book.catalog)["units"]
    biggest = max(units, key=lambda u: sum(q["used"] for q in u["quota"].values()))
    result = render("roster", "roster-full-marked", unit=biggest["name"], full_id=True, reason="核对")
    texts = page_texts(result.path)
    assert len(texts) >= 2, "the marking must be checked on more than one page"
    for text in texts:
        assert "内部资料 注意保密 含公民身份号码" in text
        assert "出生日期" in text  # with full IDs the birth date may stay
    assert "内部资料" in (PdfReader(result.path).metadata.subject or "")


# --------------------------------------------------------------------------- 21 wide figures


def _big_summary() -> SummaryReport:
    """A province-sized summary: six- and seven-digit totals."""
    rows = []
    for i, (approved, used) in enumerate([(119537, 117211), (98765, 97001), (1234, 1200)]):
        figures = {code: {"approved": approved, "used": used, "reserved": 13, "vacancy": approved - used - 13,
                          "overage": 0} for code, _n in KINDS}
        name = f"某某县第{i + 1}片区机构编制汇总"
        rows.append(FigureRow("unit", name, "事业单位", "未定级", "全额拨款", figures, i + 1))
    total = {code: {f: sum(r.figures[code][f] for r in rows) for f in QUOTA_FIELDS} for code, _n in KINDS}
    rows.append(FigureRow("subtotal", "事业单位小计", "事业单位", figures=total))
    rows.append(FigureRow("total", "合计", figures=total))
    blank: dict[str, int | None] = dict.fromkeys(QUOTA_FIELDS)
    rows.append(FigureRow("pool", "编制总额", figures={c: {**blank, "approved": 1500000} for c, _n in KINDS}))
    return SummaryReport(META, KINDS, rows, {})


def test_wide_figures_never_wrap_inside_their_cells(fonts: FontRegistry, tmp_path: Path) -> None:
    data = _big_summary()
    path = tmp_path / "big.pdf"
    render_summary(data, path, fonts=fonts)
    printed = [r for r in table_rows(path) if r[1] and r[1].replace("\n", "") in
               {"合计", "编制总额", "事业单位小计"} | {r.name for r in data.rows}]
    assert len(printed) == len(data.rows)
    for row in printed:
        for cell in row[5:]:
            assert cell is None or "\n" not in cell, f"a figure wraps: {cell!r}"
    total = next(r for r in printed if r[1] == "合计")
    expected = [data.rows[-2].figures[c][f] for c, _n in KINDS for f in QUOTA_FIELDS]
    assert [int(c) for c in total[5:]] == expected


# --------------------------------------------------------------------------- 22 page furniture


@pytest.mark.parametrize("kind", ["summary", "posts", "ledger", "disclosure", "roster"])
def test_table_reports_say_page_x_of_y_and_name_the_region(render: Callable[..., Any], kind: str) -> None:
    options: dict[str, Any] = {"unit": "区委办公室"} if kind == "roster" else {}
    result = render(kind, **options)
    texts = page_texts(result.path)
    assert len(texts) == result.pages
    with pdfplumber.open(result.path) as pdf:
        for page, text in zip(pdf.pages, texts, strict=True):
            assert f"第 {page.page_number} 页 共 {result.pages} 页" in text
            title = "".join(c["text"] for c in sorted(page.chars, key=lambda c: c["x0"])
                            if c["size"] == pytest.approx(16) and c["top"] < 20 * 72 / 25.4)
            assert title == "杨陵区(演示)" + result.meta.title  # a demo book says so in its region name


# --------------------------------------------------------------------------- 23 台账


def test_ledger_report_shows_each_entrys_hash_and_actor(render: Callable[..., Any], report_book: Path) -> None:
    result = render("ledger", quarter=LAST.label)
    with Book.open(report_book) as book, book.read() as conn:
        entries = list(ledger_entries(conn, since=LAST.start, until=LAST.end))
    rows = [[(c or "").replace("\n", "") for c in r] for r in table_rows(result.path) if r[0] and r[0].isdigit()]
    header = next(r for r in table_rows(result.path) if r[0] == "台账序号")
    assert "经办人" in header and "哈希" in header
    actor_col, hash_col = header.index("经办人"), header.index("哈希")
    assert [int(r[0]) for r in rows] == [e["seq"] for e in entries]
    for r, e in zip(rows, entries, strict=True):
        assert r[actor_col] == e["actor"]
        assert len(r[hash_col]) == 8 and e["hash"].startswith(r[hash_col])


def test_ledger_report_prints_the_document_of_a_leave(fonts: FontRegistry, tmp_path: Path) -> None:
    rows = [LedgerRow(7, "2026-09-01", "区农业农村局", "出编 张三(退休)", "行政 核定12 实有12", "行政 核定12 实有11",
                      "杨编发〔2026〕31号", "经办员", "ab" * 32),
            LedgerRow(8, "2026-09-02", "区农业农村局", "出编 李四(辞职)", "行政 核定12 实有11", "行政 核定12 实有10",
                      "", "经办员", "cd" * 32)]
    path = tmp_path / "ledger.pdf"
    render_ledger(LedgerReport(META, dt.date(2026, 7, 1), dt.date(2026, 9, 30), rows), path, fonts=fonts)
    printed = {r[0]: [(c or "").replace("\n", "") for c in r] for r in table_rows(path) if r[0] in ("7", "8")}
    assert "杨编发〔2026〕31号" in printed["7"] and printed["7"][-1] == "abababab"
    assert printed["8"][-3:] == ["经办员", "", "cdcdcdcd"]  # 经办人, no 审核人 (not a reviewed change), hash


# --------------------------------------------------------------------------- 26 信息公开表


def test_disclosure_post_limits_wrap_only_between_items(fonts: FontRegistry, tmp_path: Path) -> None:
    posts = {"zz": 1, "fz": 4, "nz": 12, "nf": 6}
    rows = [DisclosureRow(f"区第{i}局", "政府工作部门", "正科", "", {"xz": 30, "zf": 0, "sy": 12, "gq": 2}, posts)
            for i in range(3)]
    path = tmp_path / "disclosure.pdf"
    render_disclosure(DisclosureReport(META, KINDS, POST_KINDS, rows), path, fonts=fonts)
    items = {f"{name}{posts[code]}名" for code, name in POST_KINDS}
    cells = [r[-1] for r in table_rows(path) if r[0] and r[0].isdigit()]
    assert len(cells) == 3
    for cell in cells:
        assert cell is not None
        lines = cell.split("\n")
        assert len(lines) > 1, "the test needs a cell that wraps"
        for line in lines:
            assert set(line.rstrip("、").split("、")) <= items, f"a post kind split across lines: {cell!r}"


# --------------------------------------------------------------------------- 27 output paths


def _fifo(tmp_path: Path) -> Path:
    """A non-regular file that is safe to aim at (a test must never risk /dev/null itself)."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _read_only_target(tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root ignores the mode bits: /sys refuses even root
        return Path("/sys/bianzhi-report-test.pdf")
    return folder / "r.pdf"


@pytest.mark.parametrize("case", ["folder", "fifo", "fifo-with-suffix", "read-only", "empty"])
def test_bad_output_paths_are_refused_in_chinese(demo_book: Path, fonts: FontRegistry, tmp_path: Path,
                                                 case: str) -> None:
    target: Any = {"folder": lambda: tmp_path, "fifo": lambda: _fifo(tmp_path),
                   "fifo-with-suffix": lambda: _fifo(tmp_path).rename(tmp_path / "pipe.pdf"),
                   "read-only": lambda: _read_only_target(tmp_path), "empty": lambda: ""}[case]()
    before = sorted(p.name for p in tmp_path.iterdir())
    with Book.open(demo_book) as book, pytest.raises(InvalidInput) as refused:
        render_report(book, "posts", target, fonts=fonts)
    message = str(refused.value)
    assert re.search(r"[\u4e00-\u9fff]", message) and "Errno" not in message, message
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written, nothing replaced"
    if case.startswith("fifo"):
        assert stat.S_ISFIFO(Path(target).stat().st_mode), "the pipe is still a pipe"


def test_a_name_without_pdf_gets_it(demo_book: Path, fonts: FontRegistry, tmp_path: Path) -> None:
    with Book.open(demo_book) as book:
        result = render_report(book, "posts", tmp_path / "职数表", fonts=fonts)
        other = render_report(book, "posts", tmp_path / "职数表.2026", fonts=fonts,
                              options=ReportOptions(as_of=LAST.end))
    assert result.path == tmp_path / "职数表.pdf" and result.path.is_file()
    assert other.path == tmp_path / "职数表.2026.pdf" and other.path.is_file()
    assert not (tmp_path / "职数表").exists()
    assert PdfReader(result.path).pages


def test_report_cli_refuses_a_device_with_exit_4(cli: Any, demo_template: Path, db_path: Path,
                                                 tmp_path: Path) -> None:
    import shutil

    shutil.copy(demo_template, db_path)
    with_accounts(db_path)
    pipe = _fifo(tmp_path)
    code, _out, err = cli("report", "posts", "-o", str(pipe))
    assert code == 4 and "不是普通文件" in err and "Traceback" not in err
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    code, _out, err = cli("report", "posts", "-o", str(tmp_path))
    assert code == 4 and "文件夹" in err
    code, out, err = cli("report", "posts", "-o", str(tmp_path / "职数表"))
    assert code == 0, err
    assert (tmp_path / "职数表.pdf").is_file() and "职数表.pdf" in out
