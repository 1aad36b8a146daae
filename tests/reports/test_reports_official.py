"""The 用编核准通知单 (GB/T 9704), the quarterly review with its snapshots, the report CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from bookhelpers import DOC, Cli, with_accounts
from reportlab.lib.units import mm

from bianzhi_app.book import Book
from bianzhi_app.errors import Cancelled
from bianzhi_app.ops.snapshots import Quarter, get_snapshot, list_snapshots
from bianzhi_app.queries import approval_rows, ledger_entries, status
from bianzhi_app.reports.common import ReportOptions
from bianzhi_app.reports.render import render_report

TOL = 1 * mm
LEFT, TOP = 28 * mm, 37 * mm
RIGHT, BOTTOM = LEFT + 156 * mm, TOP + 225 * mm
LAST = Quarter.last_ended(dt.date.today())


def first_approval(book_path: Path) -> dict[str, Any]:
    with Book.open(book_path) as book, book.read() as conn:
        return approval_rows(conn, book.catalog, status=None)[0]


def test_notice_follows_gb9704(render: Callable[..., Any], report_book: Path,
                               assert_fonts_embedded: Callable[[Path], object]) -> None:
    approval = first_approval(report_book)
    result = render("notice", approval=approval["number"])
    assert_fonts_embedded(result.path)
    with Book.open(report_book) as book, book.read() as conn:
        entry = next(e for e in ledger_entries(conn, op="approval.add") if e["detail"]["number"] == approval["number"])
    kind = approval["kind"]
    before, after = entry["before"][kind], entry["after"][kind]
    assert (result.meta.ledger_seq, result.meta.ledger_hash) == (entry["seq"], entry["hash"])
    with pdfplumber.open(result.path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert (round(page.width, 2), round(page.height, 2)) == (595.28, 841.89)
        text = page.extract_text().replace(" ", "")
        flat = text.replace("\n", "")
        assert "〔" in entry["doc"] and entry["doc"] in text
        assert f"{entry['unit']}：" in text
        assert f"关于核准{entry['unit']}使用" in flat
        for figures in (before, after):
            vacancy = figures["approved"] - figures["used"] - figures["reserved"]
            assert (f"核定{figures['approved']}名，实有{figures['used']}名，在途{figures['reserved']}名，"
                    f"空编{vacancy}名") in flat
        assert "抄送：区委组织部，区人力资源和社会保障局，区财政局。" in flat  # 信函格式: 抄送 only
        issued = dt.date.fromisoformat(approval["issued_on"])
        assert f"{issued.year}年{issued.month}月{issued.day}日" in text and "印发" not in text
        lower_line = 841.89 - 20 * mm
        inside = [c for c in page.chars if c["top"] < lower_line]
        for c in inside:  # the text block's width; page one runs down to the lower double line
            assert c["x0"] >= LEFT - TOL and c["x1"] <= RIGHT + TOL, c["text"]
            assert c["top"] >= 30 * mm - TOL and c["bottom"] <= lower_line, c["text"]
        below = "".join(c["text"] for c in page.chars if c["top"] >= lower_line).replace(" ", "")
        assert below == result.meta.ledger_head.replace(" ", ""), "no page number on a letter's first page"
        sizes = {round(c["size"]) for c in inside}
        assert {22, 16, 14} <= sizes  # 2号 title, 3号 body, 4号 抄送
        title = [c for c in inside if round(c["size"]) == 22]
        assert "".join(c["text"] for c in title).startswith("关于核准")
        red = [ln for ln in page.lines if ln.get("stroking_color") in ((0, 1, 1, 0), [0, 1, 1, 0])]
        assert len(red) == 4  # two red double lines


def test_quarterly_compares_with_the_previous_snapshot(render: Callable[..., Any], report_book: Path,
                                                       artifacts: Path) -> None:
    result = render("quarterly", quarter=LAST.label)
    with Book.open(report_book) as book, book.read() as conn:
        current, previous = get_snapshot(conn, LAST), get_snapshot(conn, LAST.previous())
    assert current and previous
    data = result.data
    assert data.frozen.quarter == LAST and data.previous.quarter == LAST.previous()
    head = current.figures["as_of_ledger_head"]
    assert (result.meta.ledger_seq, result.meta.ledger_hash) == (head["seq"], head["hash"])
    with pdfplumber.open(result.path) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
        tables = [t for p in pdf.pages for t in p.extract_tables()]
        first = pdf.pages[0]
        bars = [r for r in first.rects if r.get("non_stroking_color") in ((0.35, 0.5, 0.75), [0.35, 0.5, 0.75])]
    assert f"对比基准：{LAST.previous().label}季末封存数据" in text
    assert "审核人" in text and "日期" in text
    assert len(bars) >= 4, "bar chart of approved per kind/category"
    kinds = {t[0]: t for t in tables[0][1:]}
    for code, name in (("xz", "行政编制"), ("sy", "事业编制")):
        now = [u["quota"][code] for u in current.figures["units"]]
        before = [u["quota"][code] for u in previous.figures["units"]]
        row = kinds[name]
        assert int(row[1]) == current.figures["pool"][code]["total"]
        assert [int(v) for v in row[3:8]] == [sum(f[k] for f in now) for k in
                                             ("approved", "used", "reserved", "vacancy", "overage")]
        assert int(row[8]) == sum(f["approved"] for f in before) and int(row[9]) == sum(f["used"] for f in before)
        change = sum(f["used"] for f in now) - sum(f["used"] for f in before)
        assert row[11] == (f"+{change}" if change > 0 else str(change))
    categories = tables[1] if tables[1][0][0] == "机构类别" else next(t for t in tables if t[0][0] == "机构类别")
    total = next(r for r in categories if r[0] == "合计")
    body = [r for r in categories[1:] if r[0] != "合计"]
    assert sum(int(r[2]) for r in body) == int(total[2])  # approved adds up over categories
    assert sum(int(r[3]) for r in body) == int(total[3])
    over = [u for u in current.figures["units"] for f in u["quota"].values()
            if f["approved"] and f["used"] + f["reserved"] >= f["approved"]]
    assert f"三、超编及满编单位（共{len(over)}项）" in text
    assert len(data.rows) == len(list(_entries(report_book, LAST)))


def _entries(path: Path, q: Quarter) -> list[dict[str, Any]]:
    with Book.open(path) as book, book.read() as conn:
        return list(ledger_entries(conn, since=q.start, until=q.end))


def test_quarterly_without_snapshots_says_so(demo_book: Path, fonts: Any, tmp_path: Path) -> None:
    with Book.open(demo_book) as book:
        result = render_report(book, "quarterly", tmp_path / "q.pdf", options=ReportOptions(), fonts=fonts)
    assert result.data.quarter == LAST and result.data.frozen is None and result.data.previous is None
    with pdfplumber.open(result.path) as pdf:
        text = pdf.pages[0].extract_text().replace("\n", "")
    assert "无上季封存数据" in text and "本季尚未封存" in text


def test_snapshot_command_freezes_once_and_only_ended_quarters(cli: Cli, demo_template: Path, db_path: Path) -> None:
    shutil.copy(demo_template, db_path)
    with_accounts(db_path)
    code, out, err = cli("--json", "snapshot", LAST.label)
    assert code == 0, err
    assert json.loads(out)["op"] == "snapshot"
    code, _out, err = cli("snapshot", LAST.label)
    assert code == 3 and "不能重复封存" in err
    code, _out, err = cli("snapshot", Quarter.containing(dt.date.today()).label)
    assert code == 4 and "尚未结束" in err
    for bad in ("2026Q5", "2026", "Q3-2026"):
        code, _out, err = cli("snapshot", bad)
        assert code == 4 and "格式不正确" in err, bad
    expected = cli.json("status", "--as-of", LAST.end.isoformat())
    with Book.open(db_path) as book, book.read() as conn:
        (record,) = list_snapshots(conn)
        entries = list(ledger_entries(conn, op="snapshot"))
    assert record.figures["units"] == expected["units"] and record.figures["pool"] == expected["pool"]
    assert record.figures["as_of_ledger_head"] == expected["as_of_ledger_head"]
    head = expected["as_of_ledger_head"]
    assert (record.ledger_seq, record.ledger_hash) == (head["seq"], head["hash"])
    assert len(entries) == 1 and entries[0]["detail"]["figures_sha256"] == record.figures_sha256
    assert cli.ok("check")


def test_report_cli_exit_codes(cli: Cli, demo_template: Path, db_path: Path, tmp_path: Path) -> None:
    shutil.copy(demo_template, db_path)
    with_accounts(db_path)
    out_pdf = tmp_path / "r.pdf"
    code, _o, err = cli("report", "notice", "--approval", "1999-9999", "-o", str(out_pdf))
    assert code == 5 and "1999-9999" in err
    code, _o, err = cli("report", "quarterly", "--quarter", "2026Q7", "-o", str(out_pdf))
    assert code == 4
    code, _o, err = cli("report", "summary", "--unit", "没有这个单位", "-o", str(out_pdf))
    assert code == 5
    code, _o, _e = cli("report", "nonsense", "-o", str(out_pdf))
    assert code == 2
    assert not out_pdf.exists()
    result = cli.json("report", "summary", "--as-of", LAST.end.isoformat(), "-o", str(out_pdf))
    expected = cli.json("status", "--as-of", LAST.end.isoformat())["as_of_ledger_head"]
    assert result["ledger_head"] == expected and result["pages"] >= 1 and out_pdf.exists()


def test_missing_glyph_is_an_error_naming_the_character(region: Cli, tmp_path: Path) -> None:
    # (a private-use character is refused at entry since issue 14: an emoji is still no font's)
    region.ok("unit", "add", "区\U0001f600局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)
    code, _o, err = region("report", "summary", "-o", str(tmp_path / "s.pdf"))
    assert code == 4 and "U+1F600" in err
    assert not (tmp_path / "s.pdf").exists()


def test_render_report_reports_progress_and_can_be_cancelled(demo_book: Path, fonts: Any, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    with Book.open(demo_book) as book:
        render_report(book, "summary", tmp_path / "s.pdf", fonts=fonts, progress=lambda *a: calls.append(a))
        assert any(what == "排版" for _d, _t, what in calls)
        with pytest.raises(Cancelled):
            render_report(book, "summary", tmp_path / "c.pdf", fonts=fonts,
                          cancel=lambda: len(calls) > 3, progress=lambda *a: calls.append(a))
        assert not (tmp_path / "c.pdf").exists()
        assert not list(tmp_path.glob(".*partial"))
        with book.read() as conn:  # a connection works as well as a book
            result = render_report(conn, "posts", tmp_path / "p.pdf", fonts=fonts)
            assert result.meta.ledger_seq == status(conn, book.catalog)["ledger_head"]["seq"]
