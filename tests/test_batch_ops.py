"""The batch operations `add_units` and `appoint_many`: the same rules, refusals and history as one at a time."""

import datetime as dt
import json

import pytest
from bookhelpers import person_id

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput, NotFound, PoolExceeded, PostLimitExceeded, StateRefused
from bianzhi_app.idcodes import uscc_check_char
from bianzhi_app.ops import posts, quotas, region, staff, units
from bianzhi_app.ops.posts import AppointRequest
from bianzhi_app.ops.units import UnitRefusal, UnitRequest
from bianzhi_app.queries import status

DOC = "杨编发〔2026〕8号"
DAY = dt.date.today() - dt.timedelta(days=30)

pytestmark = pytest.mark.both_backends


@pytest.fixture
def where(backend, tmp_path, request):  # type: ignore[no-untyped-def]
    """Makes the place of a new book: a file in tmp_path, or (postgresql) a fresh server database, dropped after."""
    made = []

    def place(name):  # type: ignore[no-untyped-def]
        if backend == "sqlite":
            return tmp_path / name
        pg_server = request.getfixturevalue("pg_server")
        made.append(pg_server.new_database())
        return made[-1]

    yield place
    for url in made:
        request.getfixturevalue("pg_server").drop(url)


def new_book(path):
    book = Book.open(path)
    with book.transact() as tx:
        region.init_region(tx, name="测试区", code="610403", on=DAY)
        region.set_pool(tx, "xz", 20, doc=DOC, on=DAY)
        region.set_pool(tx, "sy", 50, doc=DOC, on=DAY)
    return book


def comparable(data):
    return {k: v for k, v in data.items() if k not in ("ledger_head", "as_of", "as_of_ledger_head")}


def test_batch_history_equals_one_operation_at_a_time(where):
    one, batch = new_book(where("one.db")), new_book(where("batch.db"))
    with one.transact() as tx:
        units.add_unit(tx, "甲局", category="政府工作部门", rank="正科", doc=DOC, on=DAY)
        quotas.set_quota(tx, "甲局", "xz", 5, doc=DOC, on=DAY)
        quotas.set_post_limit(tx, "甲局", "zz", 1, doc=DOC, on=DAY)
        units.add_unit(tx, "甲局中心", category="事业单位", rank="正股", parent="甲局", doc=DOC, on=DAY)
        quotas.set_quota(tx, "甲局中心", "sy", 7, doc=DOC, on=DAY)
    with batch.transact() as tx:
        changes = units.add_units(tx, [
            UnitRequest("甲局", "政府工作部门", "正科", DOC, on=DAY, quotas={"xz": 5}, post_limits={"zz": 1}),
            UnitRequest("甲局中心", "事业单位", "正股", DOC, parent="甲局", on=DAY, quotas={"sy": 7}),
        ])
    assert [c.seq for c in changes] == [4, 5]
    for day in (DAY - dt.timedelta(days=1), DAY, None):
        with one.read() as a, batch.read() as b:
            assert comparable(status(a, one.catalog, as_of=day)) == comparable(status(b, batch.catalog, as_of=day))
    with batch.read() as conn:
        entries = conn.exec_driver_sql("SELECT op, after FROM ledger WHERE op = 'unit.add' ORDER BY seq").all()
    after = json.loads(entries[0][1])
    assert after["quota"] == {"xz": {"approved": 5, "used": 0, "reserved": 0, "allowance": 0}}
    assert after["posts"] == {"zz": {"limit": 1, "used": 0, "allowance": 0}}
    assert "posts" not in json.loads(entries[1][1])
    one.close()
    batch.close()


def test_batch_refusals_per_unit(where):
    book = new_book(where("b.db"))
    code = "12610403MB" + "0000001"
    code += uscc_check_char(code)
    with book.transact() as tx:
        units.add_unit(tx, "已有局", category="政府工作部门", rank="正科", doc=DOC, on=DAY)
    errors: list[UnitRefusal] = []
    with book.transact() as tx:
        changes = units.add_units(tx, [
            UnitRequest("甲局", "政府工作部门", "正科", DOC, quotas={"xz": 15}),      # 0 ok
            UnitRequest("乙局", "政府工作部门", "正科", DOC, quotas={"xz": 6}),       # 1 pool: 20 - 15 < 6
            UnitRequest("甲局", "政府工作部门", "正科", DOC),                         # 2 name taken in the batch
            UnitRequest("已有局", "政府工作部门", "正科", DOC),                       # 3 name taken in the book
            UnitRequest("丙中心", "事业单位", "正股", DOC, parent="无此局"),           # 4 unknown parent
            UnitRequest("丁中心", "事业单位", "正股", DOC, parent="甲局", quotas={"sy": 3}),  # 5 ok
            UnitRequest("戊局", "外星机构", "正科", DOC),                             # 6 category
            UnitRequest("己局", "政府工作部门", "正科", DOC, quotas={"xz": 5}, uscc=code),  # 7 ok: 15 + 5 = 20
            UnitRequest("庚局", "政府工作部门", "正科", DOC, uscc=code.lower()),      # 8 USCC taken in the batch
            UnitRequest("辛局", "政府工作部门", "正科", DOC, post_limits={"zz": -1}),  # 9 negative limit
        ], errors=errors)
    assert [(e.index, type(e.error), e.part) for e in errors] == [
        (1, PoolExceeded, "quota:xz"), (2, StateRefused, None), (3, StateRefused, None), (4, NotFound, None),
        (6, InvalidInput, None), (8, StateRefused, None), (9, InvalidInput, "limit:zz")]
    assert "已被其他单位使用" in errors[5].error.message
    assert "已分配15名" in errors[0].error.message
    assert [c.result for c in changes] == [2, 3, 4]
    with book.read() as conn:
        data = status(conn, book.catalog)
    by_name = {u["name"]: u for u in data["units"]}
    assert by_name["丁中心"]["parent_id"] == by_name["甲局"]["id"]
    assert data["pool"]["xz"]["allocated"] == 20
    with pytest.raises(PoolExceeded), book.transact() as tx:
        units.add_unit(tx, "庚局", category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 1})
    book.close()


def test_appoint_many(where):
    book = new_book(where("a.db"))
    with book.transact() as tx:
        units.add_units(tx, [UnitRequest("甲局", "政府工作部门", "正科", DOC, on=DAY, requires_approval=False,
                                         quotas={"xz": 5}, post_limits={"zz": 1, "fz": 1})])
        for i in range(4):
            staff.enter_person(tx, "甲局", "xz", name=f"人{i}", id_number=person_id(i), on=DAY)
    errors: list[tuple[int, object]] = []
    with book.transact() as tx:
        changes = posts.appoint_many(tx, [
            AppointRequest(person_id(0), "zz"),    # ok
            AppointRequest(person_id(1), "zz"),    # no vacancy left by the first
            AppointRequest(person_id(0), "fz"),    # already holds zz (this batch)
            AppointRequest(person_id(9), "fz"),    # unknown person
            AppointRequest(person_id(2), "fz"),    # ok
        ], errors=errors)
    assert [(i, type(e)) for i, e in errors] == [(1, PostLimitExceeded), (2, StateRefused), (3, NotFound)]
    assert "须先免职" in str(errors[1][1])
    assert len(changes) == 2
    with book.read() as conn:
        data = status(conn, book.catalog)
    assert data["units"][0]["posts"]["zz"]["used"] == 1 and data["units"][0]["posts"]["fz"]["used"] == 1
    with pytest.raises(StateRefused), book.transact() as tx:
        posts.appoint(tx, person_id(2), "zz")
    book.close()
