"""The tabular reports of a real demo book, read back from the PDF: the figures equal the
queries' figures for the same as-of day, totals add up, every page carries its furniture."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest

from bianzhi_app.book import Book
from bianzhi_app.ops.snapshots import Quarter
from bianzhi_app.queries import ledger_entries, roster, status

A4 = (595.28, 841.89)
QUOTA = ("approved", "used", "reserved", "vacancy", "overage")
POSTS = ("limit", "used", "vacancy", "over")
LAST_QUARTER = Quarter.last_ended(dt.date.today())
AS_OF = LAST_QUARTER.end


def figures(book_path: Path, **kw: Any) -> dict[str, Any]:
    with Book.open(book_path) as book, book.read() as conn:
        return status(conn, book.catalog, **kw)


def rows_of(path: Path) -> Iterator[list[str]]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for row in page.extract_table() or []:
                yield [(c or "").replace("\n", "") for c in row]


def number(text: str) -> int | None:
    return int(text) if text.strip().lstrip("-").isdigit() else None


def test_every_report_is_a4_with_embedded_fonts_and_furniture(render: Callable[..., Any], artifacts: Path,
                                                              assert_fonts_embedded: Callable[[Path], object]
                                                              ) -> None:
    for kind, landscape in (("summary", True), ("posts", True), ("ledger", True), ("disclosure", True),
                            ("roster", False)):
        options: dict[str, Any] = {"as_of": AS_OF}
        if kind == "roster":
            options["unit"] = "区委办公室"
        result = render(kind, **options)
        assert_fonts_embedded(result.path)
        office = "杨陵区机构编制委员会办公室"
        head = f"台账 #{result.meta.ledger_seq} {result.meta.ledger_hash[:12]}"
        with pdfplumber.open(result.path) as pdf:
            assert len(pdf.pages) == result.pages
            for page in pdf.pages:
                size = (round(page.width, 2), round(page.height, 2))
                assert size == (A4[::-1] if landscape else A4), kind
                text = page.extract_text()
                assert result.meta.title in text
                assert f"制表单位：{office}" in text
                assert f"数据截至{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日" in text
                assert f"第 {page.page_number} 页 共 {result.pages} 页" in text
                assert head in text
        image = pdfium.PdfDocument(str(result.path))[0].render(scale=1).to_pil()
        image.save(artifacts / "reports" / f"{kind}-page1.png")


def test_summary_figures_equal_status_of_the_same_day(render: Callable[..., Any], report_book: Path) -> None:
    result = render("summary", as_of=AS_OF)
    data = figures(report_book, as_of=AS_OF)
    assert result.meta.ledger_seq == data["as_of_ledger_head"]["seq"]
    assert result.meta.ledger_hash == data["as_of_ledger_head"]["hash"]
    codes = list(data["pool"])
    by_name = {u["name"]: u for u in data["units"]}
    seen, unit_sum, category_rows = set(), [0] * (5 * len(codes)), []
    category_sum = [0] * (5 * len(codes))
    special: dict[str, list[int | None]] = {}
    for row in rows_of(result.path):
        values = [number(c) for c in row[5:]]
        if row[0].isdigit():
            unit = by_name[row[1]]
            expected = [unit["quota"][c][f] for c in codes for f in QUOTA]
            assert values == expected, row[1]
            assert row[2] == unit["category"] and row[3] == unit["rank"]
            seen.add(row[1])
            unit_sum = [a + b for a, b in zip(unit_sum, expected, strict=True)]
            category_sum = [a + b for a, b in zip(category_sum, expected, strict=True)]
        elif row[1].endswith("小计"):
            assert values == category_sum, row[1]
            category_rows.append(row[1])
            category_sum = [0] * len(category_sum)
        elif row[1] in ("合计", "编制总额", "未分配编制"):
            special[row[1]] = values
    assert seen == set(by_name), "every unit once"
    assert special["合计"] == unit_sum
    for i, code in enumerate(codes):
        assert special["编制总额"][5 * i] == data["pool"][code]["total"]
        assert special["未分配编制"][5 * i] == data["pool"][code]["unallocated"]
        assert special["合计"][5 * i] == data["pool"][code]["allocated"]
    assert len(category_rows) == len({u["category"] for u in data["units"]})


def test_posts_figures_equal_status(render: Callable[..., Any], report_book: Path) -> None:
    result = render("posts")
    data = figures(report_book)
    codes = [c for c in data["units"][0]["posts"]]
    by_name = {u["name"]: u for u in data["units"]}
    total = [0] * (4 * len(codes))
    seen = 0
    for row in rows_of(result.path):
        values = [number(c) for c in row[4:]]
        if row[0].isdigit():
            p = by_name[row[1]]["posts"]
            expected = []
            for c in codes:
                limit, used = p[c]["limit"], p[c]["used"]
                expected += [limit, used, max(0, limit - used), max(0, used - limit)]
            assert values == expected, row[1]
            total = [a + b for a, b in zip(total, expected, strict=True)]
            seen += 1
        elif row[1] == "合计":
            assert values == total
    assert seen == len(by_name)


@pytest.mark.parametrize(("unit", "rare"), [("区委办公室", "𠮷"), ("区住房和城乡建设局", "堃")])
def test_roster_lists_the_persons_and_prints_rare_names(render: Callable[..., Any], report_book: Path,
                                                        artifacts: Path, unit: str, rare: str) -> None:
    result = render("roster", f"roster-{rare}", unit=unit)
    with Book.open(report_book) as book, book.read() as conn:
        expected = list(roster(conn, book.catalog, unit=unit))
    rows = [r for r in rows_of(result.path) if r[0].isdigit()]
    assert [r[2] for r in rows] == [p["name"] for p in expected]
    assert any(rare in r[2] for r in rows)
    for r, p in zip(rows, expected, strict=True):  # masked by default, so no birth-date column
        assert r[1] == unit and r[6] == p["entered_on"]
        assert r[7] == p["id_number"][:6] + "********" + p["id_number"][-4:]
    with pdfplumber.open(result.path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"] == rare]
            if chars:
                break
        assert chars, "the rare character is in the text layer"
        glyph = chars[0]
        index = page.page_number - 1
    scale = 4
    image = pdfium.PdfDocument(str(result.path))[index].render(scale=scale).to_pil().convert("L")
    image.save(artifacts / "reports" / f"roster-{rare}.png")
    box = [round(v * scale) for v in (glyph["x0"], glyph["top"], glyph["x1"], glyph["bottom"])]
    cell = image.crop(tuple(box))  # type: ignore[arg-type]
    dark = sum(1 for v in cell.tobytes() if v < 128)
    area = cell.width * cell.height
    assert 0.05 * area < dark < 0.6 * area, "the glyph is drawn (not blank, not a filled box)"


def test_roster_full_id_option(render: Callable[..., Any]) -> None:
    result = render("roster", "roster-full", unit="区委办公室", full_id=True, reason="核对")
    ids = [r[8] for r in rows_of(result.path) if r[0].isdigit()]
    assert ids and all(re.fullmatch(r"\d{17}[\dX]", i) for i in ids)


def test_ledger_report_lists_the_period_entries(render: Callable[..., Any], report_book: Path) -> None:
    q = LAST_QUARTER
    result = render("ledger", quarter=q.label)
    with Book.open(report_book) as book, book.read() as conn:
        entries = list(ledger_entries(conn, since=q.start, until=q.end))
    rows = [r for r in rows_of(result.path) if r[0].isdigit()]
    assert [int(r[0]) for r in rows] == [e["seq"] for e in entries]
    assert [r[1] for r in rows] == [e["effective_on"] for e in entries]
    assert [r[6] for r in rows] == [e["doc"] or "" for e in entries]
    for r, e in zip(rows, entries, strict=True):
        if e["op"] in ("person.enter", "person.leave") and len(e["after"]) == 1:
            code, after = next(iter(e["after"].items()))
            assert f"实有{after['used']}" in r[5], r  # before → after figures are printed
            assert f"实有{e['before'][code]['used']}" in r[4], r


def test_disclosure_has_quota_and_posts_but_no_personal_data(render: Callable[..., Any], report_book: Path) -> None:
    result = render("disclosure")
    data = figures(report_book)
    by_name = {u["name"]: u for u in data["units"]}
    codes = list(data["pool"])
    total = [0] * (len(codes) + 1)
    for row in rows_of(result.path):
        if row[0].isdigit():
            quota = [by_name[row[1]]["quota"][c]["approved"] for c in codes]
            values = [number(c) for c in row[5:5 + len(codes) + 1]]
            assert values == [*quota, sum(quota)]
            total = [a + b for a, b in zip(total, values, strict=True)]  # type: ignore[operator]
        elif row[1] == "合计":
            assert [number(c) for c in row[5:5 + len(codes) + 1]] == total
    with pdfplumber.open(result.path) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    with Book.open(report_book) as book, book.read() as conn:
        people = list(roster(conn, book.catalog, unit="区委办公室"))
    assert not re.search(r"\d{6}(\*{8}|\d{8})\d{3}[\dX]", text), "no ID numbers"
    assert not any(p["name"] in text for p in people if len(p["name"]) >= 3), "no names"


def test_unit_filter_lists_one_unit(render: Callable[..., Any], report_book: Path) -> None:
    result = render("summary", "summary-unit", unit="区委办公室")
    rows = [r for r in rows_of(result.path) if r[0].isdigit()]
    assert [r[1] for r in rows] == ["区委办公室"]
    assert all("编制总额" not in r[1] for r in rows_of(result.path))
