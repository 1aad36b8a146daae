"""概览 with data: the units over quota, the units at quota and the approvals expiring within 30 days, as the
page shows them and as the core read function it uses (queries.dashboard) returns them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from uihelpers import DOC, make_id

from bianzhi_app.book import Book

TODAY = dt.date.today()
SOON = TODAY + dt.timedelta(days=10)  # within the 30 days
LATER = TODAY + dt.timedelta(days=90)  # beyond them
SOONEST = TODAY + dt.timedelta(days=3)  # within them, but used up


def build(path: Path) -> dict[str, str]:
    """区超编局: 行政 3 persons on a quota cut to 2 (an allowance, 只出不进) → over by 1.
    区满编局: 行政 2 of 2, one entered on an approval now used up (it expires soon, but is not open).
    区在途局: 事业 4, no persons; an approval of 2 expiring within 30 days, one of 1 expiring later.
    区空编局: 行政 5, 1 person: in none of the lists. Returns the approval numbers."""
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="行政编制", total=20, doc=DOC)
        book.region.set_pool(kind="事业编制", total=20, doc=DOC)
        for name in ("区超编局", "区满编局", "区空编局"):
            book.units.add(name=name, category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        book.units.add(name="区在途局", category="事业单位", rank="正股", doc=DOC, funding="全额拨款")
        book.quotas.set(unit="区超编局", kind="行政编制", approved=3, doc=DOC)
        for serial in (1, 2, 3):
            book.staff.enter(unit="区超编局", kind="行政编制", name=f"超{serial}", id_number=make_id(serial))
        book.quotas.set(unit="区超编局", kind="行政编制", approved=2, doc="杨编发〔2026〕8号", as_allowance=True)
        book.quotas.set(unit="区满编局", kind="行政编制", approved=2, doc=DOC)
        used = book.approvals.add(unit="区满编局", kind="行政编制", count=1, method="公开招录", doc=DOC,
                                  valid_until=SOONEST).result
        book.staff.enter(unit="区满编局", kind="行政编制", name="满一", id_number=make_id(4), approval=str(used))
        book.staff.enter(unit="区满编局", kind="行政编制", name="满二", id_number=make_id(5))
        book.quotas.set(unit="区空编局", kind="行政编制", approved=5, doc=DOC)
        book.staff.enter(unit="区空编局", kind="行政编制", name="空一", id_number=make_id(6))
        book.quotas.set(unit="区在途局", kind="事业编制", approved=4, doc=DOC)
        later = book.approvals.add(unit="区在途局", kind="事业编制", count=1, method="公开招聘", doc=DOC,
                                   valid_until=LATER).result
        soon = book.approvals.add(unit="区在途局", kind="事业编制", count=2, method="公开招聘", doc=DOC,
                                  valid_until=SOON).result
    return {"used": str(used), "soon": str(soon), "later": str(later)}


NUMBERS: dict[str, str] = {}


@pytest.fixture
def book_path(tmp_path: Path) -> Path:  # replaces the template book of conftest for `session` and `window`
    path = tmp_path / "dashboard.db"
    NUMBERS.clear()
    NUMBERS.update(build(path))
    return path


def shown(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def headers(table: Any) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_the_page_lists_the_unit_over_quota_the_unit_at_quota_and_the_approval_expiring(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("dashboard")
    page = window.dashboard
    qtbot.waitUntil(lambda: page.loaded, timeout=10_000)  # read on the reader thread
    assert headers(page.over) == headers(page.at) == ["单位", "编制类型", "核定", "实有", "在途"]
    assert shown(page.over) == [["区超编局", "行政编制", "2", "3", "0"]]
    assert shown(page.at) == [["区满编局", "行政编制", "2", "2", "0"]]
    assert headers(page.expiring) == ["单位", "核准编号", "编制类型", "剩余", "有效期至"]
    assert shown(page.expiring) == [["区在途局", NUMBERS["soon"], "事业编制", "2", SOON.isoformat()]]
    assert page.regions_box.isHidden()  # a county's book: no 各县区 section
    pool = {row[0]: row[1:] for row in shown(page.pool)}
    assert pool["行政编制"] == ["20", "9", "11", "6", "0"]  # total, allocated, unallocated, used, reserved
    assert pool["事业编制"] == ["20", "4", "16", "0", "3"]


def test_double_clicking_a_listed_unit_opens_its_page(qtbot, window):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window.show_page("dashboard")
    page = window.dashboard
    qtbot.waitUntil(lambda: page.loaded, timeout=10_000)
    table = page.over
    cell = table.visualItemRect(table.item(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # as a real double click: press first
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.waitUntil(lambda: window.page_key() == "unit", timeout=10_000)
    qtbot.waitUntil(lambda: window.unit_page.title.text() == "区超编局", timeout=10_000)


def test_the_core_read_function_gives_the_same_lists(book_path):  # type: ignore[no-untyped-def]
    from bianzhi_app.queries import dashboard

    with Book.open(book_path) as book, book.read() as conn:
        figures = dashboard(conn, book.catalog, TODAY)
        in_70_days = dashboard(conn, book.catalog, TODAY + dt.timedelta(days=70))
        kinds = {k.id: k.name for k in book.catalog.kinds}

    def quota_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(r["name"], kinds[r["kind_id"]], r["approved"], r["used"], r["reserved"], r["allowance"])
                for r in rows]

    def expiring(figures: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(r["unit"], r["number"], kinds[r["kind_id"]], r["remaining"], r["valid_until"])
                for r in figures["expiring"]]

    assert quota_rows(figures["over"]) == [("区超编局", "行政编制", 2, 3, 0, 1)]
    assert quota_rows(figures["at"]) == [("区满编局", "行政编制", 2, 2, 0, 0)]
    assert expiring(figures) == [("区在途局", NUMBERS["soon"], "事业编制", 2, SOON)]
    # the 30 days run from the day asked: 70 days on, the soon one has passed and the later one is due
    assert expiring(in_70_days) == [("区在途局", NUMBERS["later"], "事业编制", 1, LATER)]
