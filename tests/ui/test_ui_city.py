"""A city's window (issue 18): the unit tree has a read-only level per county (its units and figures from its held
data package, labelled with the package's day) below the city's own units; the dashboard adds per-county bars, the
counties over quota and the packages older than a quarter. A county's book looks as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from uihelpers import DOC, make_id

from bianzhi_app.book import Book

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=200)
OLD = TODAY - dt.timedelta(days=120)  # more than a quarter ago


def county(path: Path, name: str, code: str, *, over: bool) -> None:
    """A county with one 局 of 3 行政 persons; ``over``: its quota then cut to 2 (an allowance) → over by 1."""
    with Book.open(path) as book:
        book.region.init(name=name, code=code, on=START)
        book.region.set_pool(kind="行政编制", total=20, doc=DOC, on=START)
        book.units.add(name=f"{name}财政局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False,
                       on=START, quotas={"行政编制": 3})
        for serial in (1, 2, 3):
            book.staff.enter(unit=f"{name}财政局", kind="行政编制", name=f"{name}{serial}",
                             id_number=make_id(serial, region=code), on=START)
        book.units.add(name=f"{name}财政局信息中心", category="事业单位", rank="正股", doc=DOC, on=START,
                       parent=f"{name}财政局", funding="全额拨款", requires_approval=False)
        if over:
            book.quotas.set(unit=f"{name}财政局", kind="行政编制", approved=2, doc="咸编发〔2026〕8号",
                            as_allowance=True)


@pytest.fixture
def book_path(tmp_path: Path) -> Path:  # replaces the template book of conftest: a city with two counties
    city = tmp_path / "city.db"
    with Book.open(city) as book:
        book.region.init(name="咸阳市", code="610400", on=START)
        book.region.set_pool(kind="行政编制", total=10, doc=DOC, on=START)
        book.units.add(name="市财政局", category="政府工作部门", rank="正处", doc=DOC, requires_approval=False,
                       on=START, quotas={"行政编制": 5})
        city_key = book.packages.public_keys().text()
    # 兴平市's package dated TODAY (as the tests read it), not the day of export: a run across midnight holds
    for name, code, over, as_of in (("兴平市", "610481", True, TODAY), ("武功县", "610431", False, OLD)):
        path = tmp_path / f"{code}.db"
        county(path, name, code, over=over)
        with Book.open(path) as book:
            key = book.packages.public_keys().text()
            book.packages.export(path=tmp_path / f"{code}.bzp", to_key_text=city_key, as_of=as_of)
        with Book.open(city) as book:
            book.regions.register(name=name, code=code, key_text=key)
            assert book.packages.import_package(tmp_path / f"{code}.bzp").imported
    return city


def texts(model, parent) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_the_tree_has_a_read_only_level_per_county(qtbot, window):  # type: ignore[no-untyped-def]
    from ui.first_paint import TOOLTIP, USER

    tree, model = window.tree, window.tree.model
    top = texts(model, model.index(-1, 0))
    assert top[0].startswith("政府工作部门")  # the city's own units, as before
    today = TODAY.isoformat()
    assert top[1:] == [f"武功县(数据包截至{OLD.isoformat()},只读)", f"兴平市(数据包截至{today},只读)"]
    own = model.index(0, 0)
    assert texts(model, own) == ["市财政局"]
    # the city's own categories open at start, each county closed (so that every county's level shows)
    assert tree.tree.isExpanded(own)
    assert not tree.tree.isExpanded(model.index(1, 0)) and not tree.tree.isExpanded(model.index(2, 0))
    xingping = model.index(2, 0)
    assert texts(model, xingping) == ["▲ 兴平市财政局"]  # over quota by its package's figures
    held = model.index(0, 0, xingping)
    assert texts(model, held) == ["兴平市财政局信息中心"]  # by parent, as the county's own tree
    assert model.index(0, 0, held).data(USER) is None
    assert "兴平市数据包" in model.index(0, 0, held).data(TOOLTIP)
    assert held.data(USER) is None  # no unit id: no page or dialog acts on it
    assert not model.hasChildren(model.index(0, 0, held)) and not model.canFetchMore(held)
    shown_unit = window.unit_page.unit_id if window.built("unit") else None
    tree.tree.setCurrentIndex(held)
    assert tree.current_unit() is None
    assert window.context().get("unit_id") is None
    assert not tree.held_view.isHidden()
    text = tree.held_view.text()
    assert "兴平市财政局" in text and f"数据包截至{today}" in text and "核定2 实有3" in text and "超编1" in text
    assert (window.unit_page.unit_id if window.built("unit") else None) == shown_unit  # no unit page for it
    tree.tree.setCurrentIndex(own)
    assert tree.held_view.isHidden()


def test_the_dashboard_shows_each_county(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("dashboard")
    page = window.dashboard
    qtbot.waitUntil(lambda: page.loaded, timeout=10_000)
    assert not page.regions_box.isHidden()
    assert page.region_chart.rows == [("武功县", 3, 3), ("兴平市", 3, 2)]  # (name, 实有, 核定)
    rows = [[page.region_over.item(r, c).text() for c in range(page.region_over.columnCount())]
            for r in range(page.region_over.rowCount())]
    assert rows == [["兴平市", "行政编制", "2", "3", "1"]]
    packages = [[page.region_packages.item(r, c).text() for c in range(3)]
                for r in range(page.region_packages.rowCount())]
    assert packages == [["武功县", OLD.isoformat(), "超过一个季度"], ["兴平市", TODAY.isoformat(), ""]]
