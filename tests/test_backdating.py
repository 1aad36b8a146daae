"""Back-dating (issue 14): an operation dated D is checked against the book as it stood on D and on every later
day. The case from the issue: quota 1; A enters on 2026-02-01 and leaves on 2026-11-01; then B entered `--on
2026-03-01` was accepted and `status --as-of 2026-06-30` showed 核定1 实有2 超编1 while `check` passed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bookhelpers import fingerprint, person_id

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput, PoolExceeded, PostLimitExceeded, QuotaExceeded
from bianzhi_app.queries import status

DOC = "杨编发〔2026〕8号"


@pytest.fixture
def dated(tmp_path: Path) -> Any:
    """A book whose clock the test moves: 测试区 from 2026-01-05, 甲局 行政 1, 乙局 行政 2, no approvals needed."""
    day = {"value": dt.date(2026, 1, 5)}
    book = Book.open(tmp_path / "d.db", clock=lambda: dt.datetime.combine(day["value"], dt.time(10)).astimezone())
    with book.batch() as b:
        b.region.init(name="测试区", code="610403")
        b.region.set_pool(kind="xz", total=10, doc=DOC)
        b.units.add(name="甲局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        b.units.add(name="乙局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        b.quotas.set(unit="甲局", kind="xz", approved=1, doc=DOC)
        b.quotas.set(unit="乙局", kind="xz", approved=2, doc=DOC)

    def on(date: dt.date) -> None:
        day["value"] = date

    yield book, on, tmp_path / "d.db"
    book.close()


def figures(book: Book, unit: str, when: dt.date) -> dict[str, int]:
    with book.read() as conn:
        data = status(conn, book.catalog, as_of=when)
    return next(u["quota"]["xz"] for u in data["units"] if u["name"] == unit)


def test_a_back_dated_entry_may_not_make_any_later_day_over_quota(dated: Any) -> None:
    book, on, path = dated
    on(dt.date(2026, 2, 1))
    book.staff.enter(unit="甲局", kind="xz", name="张甲", id_number=person_id(1))
    on(dt.date(2026, 11, 1))
    book.staff.leave(id_number=person_id(1), reason="调出")
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(QuotaExceeded) as refused:
        book.staff.enter(unit="甲局", kind="xz", name="李乙", id_number=person_id(2), on=dt.date(2026, 3, 1))
    assert "2026-03-01当天将超编" in str(refused.value) and "核定1名,实有2名" in str(refused.value)
    assert fingerprint(path) == before  # refused: nothing changed
    assert figures(book, "甲局", dt.date(2026, 6, 30))["used"] == 1
    book.staff.enter(unit="甲局", kind="xz", name="李乙", id_number=person_id(2), on=dt.date(2026, 11, 1))  # free
    assert figures(book, "甲局", dt.date(2026, 11, 1))["used"] == 1


def test_a_back_dated_approval_transfer_and_quota_cut_are_checked_the_same_way(dated: Any) -> None:
    book, on, path = dated
    on(dt.date(2026, 2, 1))
    book.staff.enter(unit="甲局", kind="xz", name="张甲", id_number=person_id(1))
    book.staff.enter(unit="乙局", kind="xz", name="王丙", id_number=person_id(3))
    book.staff.enter(unit="乙局", kind="xz", name="赵丁", id_number=person_id(4))
    on(dt.date(2026, 11, 1))
    book.staff.leave(id_number=person_id(1), reason="调出")
    book.staff.leave(id_number=person_id(4), reason="辞职")
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(QuotaExceeded, match="2026-02-15当天将超编"):  # 甲局 was full on 2-15: nothing to reserve
        book.approvals.add(unit="甲局", kind="xz", count=1, method="公开招录", doc=DOC, on=dt.date(2026, 2, 15))
    with pytest.raises(QuotaExceeded, match="2026-03-01当天将超编"):  # 乙局 held two of two then
        book.staff.enter(unit="乙局", kind="xz", name="钱戊", id_number=person_id(5), on=dt.date(2026, 3, 1))
    with pytest.raises(QuotaExceeded, match="2026-03-01当天将超编"):  # a cut dated back below who was there
        book.quotas.set(unit="乙局", kind="xz", approved=1, doc=DOC, on=dt.date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="设立日期"):  # before the units existed
        book.quotas.transfer(source="乙局", target="甲局", kind="xz", count=1, doc=DOC, on=dt.date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="设立日期"):
        book.staff.transfer(id_number=person_id(3), unit="甲局", on=dt.date(2026, 1, 2))
    assert fingerprint(path) == before  # every refusal left the book as it was
    book.staff.transfer(id_number=person_id(3), unit="甲局", on=dt.date(2026, 12, 1))  # 甲局 empty since 11-01
    book.quotas.set(unit="乙局", kind="xz", approved=1, doc=DOC, on=dt.date(2026, 11, 15))  # one there then
    with book.read() as conn:
        from bianzhi_app.check import run_check

        assert run_check(conn, book.catalog).ok


def test_a_merge_dated_before_what_it_moves_is_refused_in_words(dated: Any) -> None:
    """Today `unit merge --on` before a person's start gave a raw 'CHECK constraint failed: staffing_dates'."""
    book, on, path = dated
    on(dt.date(2026, 2, 1))
    book.staff.enter(unit="甲局", kind="xz", name="张甲", id_number=person_id(1))
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(InvalidInput, match="日期2026-01-20早于被合并单位最近一次人员、职务或编制变动的日期") as refused:
        book.units.merge(sources=["甲局", "乙局"], into="甲乙联合局", doc=DOC, on=dt.date(2026, 1, 20))
    assert refused.value.field == "date"
    with pytest.raises(InvalidInput, match="设立日期"):
        book.units.merge(sources=["甲局", "乙局"], into="甲乙联合局", doc=DOC, on=dt.date(2026, 1, 1))
    assert fingerprint(path) == before
    book.units.merge(sources=["甲局", "乙局"], into="甲乙联合局", doc=DOC, on=dt.date(2026, 2, 2))
    assert figures(book, "甲乙联合局", dt.date(2026, 6, 30))["used"] == 1


def test_a_back_dated_appointment_or_post_limit_cut_may_not_make_any_later_day_over_the_post_limit(dated: Any) -> None:
    book, on, path = dated
    book.posts.set_limit(unit="乙局", post="fz", limit=1, doc=DOC)
    on(dt.date(2026, 2, 1))
    book.staff.enter(unit="乙局", kind="xz", name="王丙", id_number=person_id(3))
    book.staff.enter(unit="乙局", kind="xz", name="赵丁", id_number=person_id(4))
    book.posts.appoint(id_number=person_id(3), post="fz")
    on(dt.date(2026, 11, 1))
    book.posts.dismiss(id_number=person_id(3))
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(PostLimitExceeded) as refused:  # 王丙 held the one 副职 from 2-01 to 11-01
        book.posts.appoint(id_number=person_id(4), post="fz", on=dt.date(2026, 3, 1))
    assert "乙局 副职补登2026-03-01的变动后,2026-03-01当天将超职数:职数1名,已配2名" in str(refused.value)
    assert refused.value.field == "date"
    with pytest.raises(PostLimitExceeded, match="2026-02-01当天将超职数:职数0名,已配1名"):  # a cut dated back
        book.posts.set_limit(unit="乙局", post="fz", limit=0, doc=DOC, on=dt.date(2026, 1, 20))
    assert fingerprint(path) == before  # refused: nothing changed
    book.posts.appoint(id_number=person_id(4), post="fz", on=dt.date(2026, 11, 1))  # free again that day
    book.posts.set_limit(unit="甲局", post="fz", limit=0, doc=DOC, on=dt.date(2026, 3, 1))  # nobody held it


def test_a_back_dated_pool_cut_or_quota_rise_may_not_make_any_later_day_over_the_pool(dated: Any) -> None:
    book, on, path = dated
    on(dt.date(2026, 6, 1))
    book.quotas.set(unit="甲局", kind="xz", approved=8, doc=DOC)  # allocated 10 of 10
    on(dt.date(2026, 11, 1))
    book.quotas.set(unit="甲局", kind="xz", approved=1, doc=DOC)  # allocated 3 again
    book.region.set_pool(kind="xz", total=20, doc=DOC)
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(PoolExceeded) as refused:  # today 3 ≤ 5, but 6-01 held 10
        book.region.set_pool(kind="xz", total=5, doc=DOC, on=dt.date(2026, 3, 1))
    assert "行政编制编制总额补登2026-03-01的变动后,2026-06-01当天将超出:编制总额5名,已分配各单位10名" \
        in str(refused.value)
    with pytest.raises(PoolExceeded, match="2026-03-01当天将超出:编制总额10名,已分配各单位17名"):
        book.quotas.set(unit="乙局", kind="xz", approved=16, doc=DOC, on=dt.date(2026, 3, 1))  # 20 came 11-01
    assert fingerprint(path) == before  # refused: nothing changed
    book.quotas.set(unit="乙局", kind="xz", approved=16, doc=DOC, on=dt.date(2026, 11, 1))
    book.region.set_pool(kind="xz", total=17, doc=DOC, on=dt.date(2026, 11, 2))


def test_a_unit_added_back_dated_with_quotas_may_not_take_a_later_day_over_the_pool(dated: Any) -> None:
    book, on, path = dated
    on(dt.date(2026, 6, 1))
    book.quotas.set(unit="甲局", kind="xz", approved=8, doc=DOC)  # allocated 10 of 10 from 6-01
    on(dt.date(2026, 11, 1))
    book.quotas.set(unit="甲局", kind="xz", approved=1, doc=DOC)  # 3 again
    on(dt.date(2026, 12, 6))
    before = fingerprint(path)
    with pytest.raises(PoolExceeded, match="2026-06-01当天将超出:编制总额10名,已分配各单位15名"):
        book.units.add(name="丙局", category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 5},
                       on=dt.date(2026, 3, 1))
    assert fingerprint(path) == before
    book.units.add(name="丙局", category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 5},
                   on=dt.date(2026, 11, 1))
