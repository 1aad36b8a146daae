"""Issue 12 items 24 and 25: the quarterly review anchors the quarter-end state, shows approvals as
they stood that day, prints nothing under 7 pt and embeds every font, charts included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from bookhelpers import person_id

from bianzhi_app.book import Book
from bianzhi_app.ops.snapshots import Quarter
from bianzhi_app.queries import ledger_entries
from bianzhi_app.reports.common import ReportOptions
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.render import render_report

Q = Quarter.last_ended(dt.date.today())
DOC = "杨编发〔2026〕8号"
UNIT = "区农业农村局"


def day(offset: int) -> dt.date:
    """A day counted from the quarter's last day (negative: inside the quarter)."""
    return Q.end + dt.timedelta(days=offset)


@pytest.fixture(scope="module")
def quarter_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A book whose clock walks through the quarter and past its end; approvals (numbers returned):
    0: 3 slots until end+15, 1 used in the quarter, the other 2 after it → used up now;
    1: 2 slots until end+20, cancelled after the quarter;
    2: 1 slot until end+1, expired after the quarter;
    3: 1 slot until end-10, expired inside the quarter (not open at its end);
    4: 1 slot until end+90, outside the 30-day window; 5: issued after the quarter.
    A person entered on end+3 is recorded before one back-dated to end-2, so an entry of the
    next quarter sits before the quarter's head."""
    path = tmp_path_factory.mktemp("quarterly") / "q.db"
    today = {"value": Q.start}
    book = Book.open(path, actor="经办员", clock=lambda: dt.datetime.combine(today["value"], dt.time(10)).astimezone())
    try:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=100, doc=DOC)
        book.units.add(name=UNIT, category="政府工作部门", rank="正科", doc=DOC)
        book.quotas.set(unit=UNIT, kind="xz", approved=20, doc=DOC)
        numbers = [str(book.approvals.add(unit=UNIT, kind="xz", count=count, method="公开招录", doc=DOC,
                                          valid_until=day(until)).result)
                   for count, until in ((3, 15), (2, 20), (1, 1), (1, -10), (1, 90))]
        today["value"] = day(-30)
        book.staff.enter(unit=UNIT, kind="xz", name="甲", id_number=person_id(1), approval=numbers[0])
        today["value"] = day(5)
        book.approvals.expire_due()
        book.staff.enter(unit=UNIT, kind="xz", name="乙", id_number=person_id(2), approval=numbers[0], on=day(3))
        book.staff.enter(unit=UNIT, kind="xz", name="丙", id_number=person_id(3), approval=numbers[4], on=day(-2))
        book.staff.enter(unit=UNIT, kind="xz", name="丁", id_number=person_id(4), approval=numbers[0], on=day(4))
        book.approvals.cancel(number=numbers[1])
        numbers.append(str(book.approvals.add(unit=UNIT, kind="xz", count=1, method="公开招录", doc=DOC,
                                              valid_until=day(25)).result))
    finally:
        book.close()
    return path, numbers


@pytest.fixture(scope="module")
def review(quarter_book: tuple[Path, list[str]], fonts: FontRegistry,
           tmp_path_factory: pytest.TempPathFactory) -> Any:
    later = Q.end + dt.timedelta(days=40)
    with Book.open(quarter_book[0], clock=lambda: dt.datetime.combine(later, dt.time(10)).astimezone()) as book:
        return render_report(book, "quarterly", tmp_path_factory.mktemp("q") / "季报.pdf",
                             options=ReportOptions(quarter=Q.label), fonts=fonts)


def test_the_head_anchors_the_quarter_end_and_says_what_it_holds(review: Any,
                                                                  quarter_book: tuple[Path, list[str]]) -> None:
    with Book.open(quarter_book[0]) as book, book.read() as conn:
        entries = list(ledger_entries(conn))
    head = max((e for e in entries if e["effective_on"] <= Q.end.isoformat()), key=lambda e: e["seq"])
    later = [e for e in entries if e["seq"] < head["seq"] and e["effective_on"] > Q.end.isoformat()]
    assert later, "the scenario records an entry of the next quarter before a back-dated one"
    assert (review.meta.ledger_seq, review.meta.ledger_hash) == (head["seq"], head["hash"])
    with pdfplumber.open(review.path) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert f"季末状态以台账#{head['seq']} {head['hash'][:12]}为锚" in text
    assert f"台账第1至{head['seq']}条中生效日期不晚于{Q.end.year}年{Q.end.month}月{Q.end.day}日的记录" in text
    assert f"其中另有{len(later)}条生效于季末之后" in text


def test_expiring_approvals_as_they_stood_at_the_quarter_end(review: Any,
                                                             quarter_book: tuple[Path, list[str]]) -> None:
    numbers = quarter_book[1]
    with pdfplumber.open(review.path) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
        rows = [r for p in pdf.pages for t in p.extract_tables() for r in t if r and r[0] in numbers]
    assert "季末有效、30日内到期的用编核准（共3项）" in text
    by_number = {r[0]: [(c or "").replace("\n", "") for c in r] for r in rows}
    assert set(by_number) == set(numbers[:3])
    # number, unit, kind, count, left at the quarter end, valid until, what became of it
    assert by_number[numbers[0]][3:] == ["3", "2", day(15).isoformat(), "已用完"]
    assert by_number[numbers[1]][3:] == ["2", "2", day(20).isoformat(), "已撤销"]
    assert by_number[numbers[2]][3:] == ["1", "1", day(1).isoformat(), "已到期"]


def test_no_text_under_7pt_charts_included(review: Any, render: Callable[..., Any]) -> None:
    for result in (review, render("quarterly", quarter=Q.label)):
        with pdfplumber.open(result.path) as pdf:
            sizes = sorted({round(c["size"], 2) for p in pdf.pages for c in p.chars})
            chart_values = [c for c in pdf.pages[0].chars if c["text"].isdigit() and c["size"] < 8]
        assert sizes[0] >= 7, sizes[:5]
        assert chart_values, "the bar and axis labels are text of the page"


def test_every_font_embedded_charts_included(review: Any, render: Callable[..., Any],
                                             assert_fonts_embedded: Callable[[Path], object]) -> None:
    for result in (review, render("quarterly", quarter=Q.label)):
        assert_fonts_embedded(result.path)  # pdffonts: every row emb=yes (the charts declared Helvetica)
