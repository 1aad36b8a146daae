"""Book building and snapshot helpers for the UI tests (real SQLite books, built with the core ops)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from bianzhi_app.book import Book
from bianzhi_app.idcodes import id_check_digit

DOC = "杨编发〔2026〕1号"


def make_id(serial: int, birth: str = "19850101", region: str = "610403") -> str:
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + id_check_digit(first17)


# Persons of the template book: name → (unit, kind, ID number)
PERSONS = {
    "甲一": ("区农业农村局", "行政编制", make_id(11)),
    "乙二": ("区农业农村局", "行政编制", make_id(12)),
    "丙三": ("区财政局", "行政编制", make_id(13)),
    "丁四": ("区财政局", "行政编制", make_id(14)),
    "戊五": ("区统计局", "行政编制", make_id(15)),
    "己六": ("区教育局", "事业编制", make_id(16)),
    "庚七": ("区教育局", "事业编制", make_id(17)),
}
NEW_ID = make_id(21)  # a valid ID number of nobody in the book


def build_template(path: Path) -> Path:
    """A small region: a unit with a vacancy and no approval needed, units at quota, an approval."""
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="行政编制", total=10, doc=DOC)
        book.region.set_pool(kind="事业编制", total=20, doc=DOC)
        book.units.add(name="区农业农村局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        book.units.add(name="区财政局", category="政府工作部门", rank="正科", doc=DOC)
        book.units.add(name="区统计局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        book.units.add(name="区教育局", category="政府工作部门", rank="正科", doc=DOC)
        book.units.add(name="区档案馆", category="事业单位", rank="正股", doc=DOC, funding="全额拨款")
        book.quotas.set(unit="区农业农村局", kind="行政编制", approved=3, doc=DOC)
        book.quotas.set(unit="区财政局", kind="行政编制", approved=2, doc=DOC)
        book.quotas.set(unit="区统计局", kind="行政编制", approved=1, doc=DOC)
        book.quotas.set(unit="区教育局", kind="事业编制", approved=10, doc=DOC)
        book.posts.set_limit(unit="区农业农村局", post="正职", limit=1, doc=DOC)
        book.posts.set_limit(unit="区农业农村局", post="副职", limit=1, doc=DOC)
        book.approvals.add(unit="区财政局", kind="行政编制", count=2, method="公开招录", doc=DOC)
        book.approvals.add(unit="区教育局", kind="事业编制", count=2, method="公开招聘", doc=DOC)
        book.approvals.add(unit="区教育局", kind="事业编制", count=5, method="公开招聘", doc=DOC)
        for name, (unit, kind, id_number) in PERSONS.items():
            book.staff.enter(unit=unit, kind=kind, name=name, id_number=id_number)
        book.posts.appoint(id_number=PERSONS["甲一"][2], post="正职")
    return path


def snapshot(path: Path) -> dict[str, Any]:
    """Ledger head and every counter, to prove a refused operation changed nothing."""
    with Book.open(path) as book, book.read() as conn:
        return {
            "head": book.head(),
            "quotas": conn.execute(text("SELECT * FROM quotas ORDER BY unit_id, kind_id")).all(),
            "posts": conn.execute(text("SELECT * FROM post_limits ORDER BY unit_id, post_kind_id")).all(),
            "pools": conn.execute(text("SELECT * FROM region_pools ORDER BY kind_id")).all(),
            "units": conn.execute(text("SELECT id, name, status FROM units ORDER BY id")).all(),
            "staffing": conn.execute(text("SELECT COUNT(*) FROM staffing_periods")).scalar(),
            "approvals": conn.execute(text("SELECT number, status, used_count FROM usage_approvals")).all(),
        }


def scalar(path: Path, sql: str, **params: Any) -> Any:
    """One value; a parameter ``id_number`` is bound as its keyed hash ``:id_hash`` (the book holds the numbers
    sealed; the window's test books have no accounts, so their key is open)."""
    with Book.open(path) as book, book.read() as conn:
        if "id_number" in params:
            assert book.personal is not None
            params = {**params}
            params["id_hash"] = book.personal.id_hash(params.pop("id_number"))
        return conn.execute(text(sql), params).scalar()


def wait_idle(qtbot: Any, session: Any) -> None:
    """Wait until the worker finished and its result signals were delivered."""
    qtbot.waitUntil(lambda: not session.worker.busy(), timeout=10_000)


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type like a user: ASCII by key clicks, Chinese as an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication, QComboBox

    target = widget.lineEdit() if isinstance(widget, QComboBox) else widget
    target.setFocus()
    if text.isascii():
        qtbot.keyClicks(target, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(target, event)
