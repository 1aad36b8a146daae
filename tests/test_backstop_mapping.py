"""A refusal by the database backstop (a trigger's counter CHECK, the 一人一编 unique index) reaches the
caller as the same domain error, with the same field, as the op's own check of that rule; and it leaves
the book exactly as it was.

Each test makes the op refuse first (the rule as the core checks it), then writes raw SQL through a
Book's own transaction that breaks the same rule, so that only SQLite can stop it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bookhelpers import DOC, fingerprint, person_id, raw_person

from bianzhi_app.book import Book
from bianzhi_app.errors import (
    BianzhiError,
    OnePersonOneSlot,
    PoolExceeded,
    PostLimitExceeded,
    QuotaExceeded,
)

UNIT = "区司法局"
OTHER = "区财政局"


pytestmark = pytest.mark.both_backends


def driver_sql(conn, sql: str, params: tuple):  # type: ignore[no-untyped-def]
    """exec_driver_sql with ``?`` placeholders on either driver (psycopg's are ``%s``)."""
    return conn.exec_driver_sql(sql.replace("?", "%s") if conn.dialect.name == "postgresql" else sql, params)


@pytest.fixture
def book(db_path: Path) -> Iterator[Book]:
    """行政 pool 5; 区司法局 (no approval needed) 行政 2 approved, 2 persons on it, 正职 limit 1 held by
    person 0; 区财政局 行政 2 approved, 1 person, so it has one vacancy."""
    with Book.open(db_path, actor="测试员") as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=5, doc=DOC)
        for name in (UNIT, OTHER):
            book.units.add(name=name, category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
            book.quotas.set(unit=name, kind="xz", approved=2, doc=DOC)
        for i in range(2):
            book.staff.enter(unit=UNIT, kind="xz", name=f"人员{i}", id_number=person_id(i))
        book.staff.enter(unit=OTHER, kind="xz", name="人员2", id_number=person_id(2))
        book.posts.set_limit(unit=UNIT, post="zz", limit=1, doc=DOC)
        book.posts.appoint(id_number=person_id(0), post="zz")
        yield book


def refused_by_op(book: Book, attempt) -> BianzhiError:  # type: ignore[no-untyped-def]
    before = fingerprint(book)
    with pytest.raises(BianzhiError) as caught:
        attempt()
    assert fingerprint(book) == before
    return caught.value


def refused_by_backstop(book: Book, *statements: tuple[str, tuple]) -> BianzhiError:
    """Run raw SQL in one of the book's write transactions; it must be refused and change nothing."""
    before = fingerprint(book)
    with pytest.raises(BianzhiError) as caught, book.transact() as tx:
        for sql, params in statements:
            driver_sql(tx.conn, sql, params)
    assert fingerprint(book) == before, "a refused transaction changed the book"
    assert isinstance(caught.value.__cause__, Exception) and "IntegrityError" in type(caught.value.__cause__).__name__
    return caught.value


def ids(book: Book, person: int) -> tuple[int, int, int]:
    """(person id, unit id of the person's open slot, kind id) of test person n."""
    with book.read() as conn:
        row = driver_sql(
            conn, "SELECT p.id, s.unit_id, s.kind_id FROM persons p JOIN staffing_periods s ON s.person_id = p.id "
            "AND s.end_date IS NULL WHERE p.id_hash = ?", (book.personal.id_hash(person_id(person)),)).one()
    return row[0], row[1], row[2]


def unit_id(book: Book, name: str) -> int:
    with book.read() as conn:
        return driver_sql(conn, "SELECT id FROM units WHERE name = ?", (name,)).scalar_one()


def same_error(op_error: BianzhiError, backstop_error: BianzhiError, cls: type[BianzhiError]) -> None:
    assert type(op_error) is cls, op_error
    assert type(backstop_error) is cls, f"the backstop gave {type(backstop_error).__name__}: {backstop_error}"
    assert backstop_error.field == op_error.field
    assert backstop_error.exit_code == op_error.exit_code == 3


def test_quota_backstop_is_quota_exceeded(book: Book) -> None:
    """Rule 1: a third person on 区司法局's 2 行政 slots."""
    op_error = refused_by_op(book, lambda: book.staff.enter(unit=UNIT, kind="xz", name="人员9",
                                                           id_number=person_id(9)))
    assert op_error.field == "count" and "核定2名,实有2名" in op_error.message
    backstop = refused_by_backstop(book, ("UPDATE quotas SET used = used + 1 WHERE unit_id = ? AND kind_id = 1",
                                          (unit_id(book, UNIT),)))
    same_error(op_error, backstop, QuotaExceeded)


def test_quota_backstop_on_a_staffing_row_is_quota_exceeded(book: Book) -> None:
    """The same rule when the trigger counts a raw staffing row: a new person inserted into the full unit."""
    op_error = refused_by_op(book, lambda: book.staff.enter(unit=UNIT, kind="xz", name="人员9",
                                                           id_number=person_id(9)))
    backstop = refused_by_backstop(
        book,
        raw_person("偷偷", person_id(9), book.personal),
        ("INSERT INTO staffing_periods (person_id, unit_id, kind_id, start_date) "
         "SELECT id, ?, 1, '2026-01-01' FROM persons WHERE name = '偷偷'", (unit_id(book, UNIT),)))
    same_error(op_error, backstop, QuotaExceeded)


def test_post_limit_backstop_is_post_limit_exceeded(book: Book) -> None:
    """Rule 3: a second 正职 where the limit is 1."""
    op_error = refused_by_op(book, lambda: book.posts.appoint(id_number=person_id(1), post="zz"))
    assert op_error.field == "post"
    pid, uid, _kind = ids(book, 1)
    backstop = refused_by_backstop(book, ("INSERT INTO appointments (person_id, unit_id, post_kind_id, start_date) "
                                          "VALUES (?, ?, 1, '2026-01-01')", (pid, uid)))
    same_error(op_error, backstop, PostLimitExceeded)


def test_pool_backstop_is_pool_exceeded(book: Book) -> None:
    """Rule 2: the units' quotas past the region pool of 5 (4 allocated)."""
    op_error = refused_by_op(book, lambda: book.quotas.set(unit=OTHER, kind="xz", approved=4, doc=DOC))
    assert op_error.field == "count"
    backstop = refused_by_backstop(book, ("UPDATE quotas SET approved = 4 WHERE unit_id = ? AND kind_id = 1",
                                          (unit_id(book, OTHER),)))
    same_error(op_error, backstop, PoolExceeded)
    backstop = refused_by_backstop(book, ("UPDATE region_pools SET total = 3 WHERE kind_id = 1", ()))
    same_error(refused_by_op(book, lambda: book.region.set_pool(kind="xz", total=3, doc=DOC)), backstop,
               PoolExceeded)


def test_one_person_one_slot_backstop_is_one_person_one_slot(book: Book) -> None:
    """Rule 4: person 0, on establishment at 区司法局, takes 区财政局's vacancy as well."""
    op_error = refused_by_op(book, lambda: book.staff.enter(unit=OTHER, kind="xz", name="人员0",
                                                           id_number=person_id(0)))
    assert op_error.field == "id_number" and "一人一编" in op_error.message
    pid, _uid, _kind = ids(book, 0)
    backstop = refused_by_backstop(book, ("INSERT INTO staffing_periods (person_id, unit_id, kind_id, start_date) "
                                          "VALUES (?, ?, 1, '2026-01-01')", (pid, unit_id(book, OTHER))))
    same_error(op_error, backstop, OnePersonOneSlot)
    assert "一人一编" in backstop.message


def test_a_second_person_row_with_the_same_id_number_is_one_person_one_slot(book: Book) -> None:
    """Rule 4, second half: an ID number belongs to one person."""
    backstop = refused_by_backstop(book, raw_person("冒名", person_id(0), book.personal))  # the same keyed hash
    assert type(backstop) is OnePersonOneSlot and backstop.field == "id_number"


def test_the_book_still_works_after_the_refusals(book: Book) -> None:
    """A backstop refusal rolls back the whole transaction and the book carries on."""
    refused_by_backstop(book, ("UPDATE quotas SET used = used + 1 WHERE unit_id = ? AND kind_id = 1",
                               (unit_id(book, UNIT),)))
    change = book.staff.enter(unit=OTHER, kind="xz", name="人员5", id_number=person_id(5))
    assert change.seq == book.head().seq
