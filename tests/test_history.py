"""`--as-of` rebuilds the figures and roster of any past day from the history kept by the ops."""

import datetime as dt

import pytest
from bookhelpers import person_id

from bianzhi_app.book import Book
from bianzhi_app.ops import approvals, posts, quotas, region, staff, units
from bianzhi_app.queries import roster, status

DOC = "杨编发〔2026〕8号"


def comparable(data):
    return {k: v for k, v in data.items() if k not in ("ledger_head", "as_of", "as_of_ledger_head")}


@pytest.mark.both_backends
def test_every_past_day_is_rebuilt_exactly(db_path):
    start = dt.date.today() - dt.timedelta(days=10)
    day = {"value": start}
    book = Book.open(db_path, clock=lambda: dt.datetime.combine(day["value"], dt.time(10)).astimezone())
    snapshots = {}

    def end_of_day():
        with book.read() as conn:
            snapshots[day["value"]] = (comparable(status(conn, book.catalog)),
                                       sorted(r["id_number"] + r["unit"] + str(r["post"])
                                              for r in roster(conn, book.catalog)))
        day["value"] += dt.timedelta(days=1)

    with book.transact() as tx:
        region.init_region(tx, name="测试区", code="610403")
        region.set_pool(tx, "xz", 30, doc=DOC)
        units.add_unit(tx, "甲局", category="政府工作部门", rank="正科", doc=DOC)
        units.add_unit(tx, "乙局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        quotas.set_quota(tx, "甲局", "xz", 5, doc=DOC)
        quotas.set_quota(tx, "乙局", "xz", 4, doc=DOC)
        quotas.set_post_limit(tx, "甲局", "zz", 1, doc=DOC)
    end_of_day()
    number = book.run(approvals.add_approval, "甲局", "xz", 3, method="公开招录", doc=DOC,
                      valid_until=start + dt.timedelta(days=4)).result
    end_of_day()
    for i in range(2):
        book.run(staff.enter_person, "甲局", "xz", name=f"人{i}", id_number=person_id(i))
    book.run(staff.enter_person, "乙局", "xz", name="人9", id_number=person_id(9))
    end_of_day()
    book.run(posts.appoint, person_id(0), "zz")
    book.run(quotas.transfer_quota, "乙局", "甲局", "xz", 1, doc=DOC)
    end_of_day()
    book.run(staff.transfer_person, person_id(0), "乙局")
    end_of_day()
    book.approvals.expire_due()  # the approval ran out yesterday: its last slot is released
    book.run(staff.leave_person, person_id(1), reason="退休")
    end_of_day()
    book.run(units.merge_units, ["甲局", "乙局"], "甲乙联合局", doc=DOC)
    book.run(region.set_pool, "xz", 40, doc=DOC)
    end_of_day()

    with book.read() as conn:
        for when, (figures, names) in snapshots.items():
            rebuilt = comparable(status(conn, book.catalog, as_of=when))
            assert rebuilt == figures, when
            assert sorted(r["id_number"] + r["unit"] + str(r["post"])
                          for r in roster(conn, book.catalog, as_of=when)) == names, when
        assert status(conn, book.catalog, as_of=start - dt.timedelta(days=1))["units"] == []
    assert number
    book.close()
