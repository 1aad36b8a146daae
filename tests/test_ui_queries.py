"""The read side (bianzhi_app.queries) on real SQLite books."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bianzhi_app import queries as q  # noqa: E402
from bianzhi_app.book import Book  # noqa: E402
from bianzhi_app.idcodes import id_check_digit  # noqa: E402
from bianzhi_app.queries import persons as roster_queries  # noqa: E402

DOC = "杨编发〔2026〕1号"


def make_id(serial: int) -> str:
    first17 = f"61040319850101{serial:03d}"
    return first17 + id_check_digit(first17)


NAMES = ["王伟", "王芳", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵军", "黄勇", "周杰", "吴婷", "徐强"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("uiq") / "book.db"
    with Book.open(path) as b:
        b.region.init(name="杨陵区", code="610403")
        b.region.set_pool(kind="行政编制", total=30, doc=DOC)
        b.units.add(name="区农业农村局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        b.units.add(name="区财政局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        b.units.add(name="区水利站", category="事业单位", rank="正股", doc=DOC, parent="区农业农村局")
        b.quotas.set(unit="区农业农村局", kind="行政编制", approved=10, doc=DOC)
        b.quotas.set(unit="区财政局", kind="行政编制", approved=2, doc=DOC)
        b.posts.set_limit(unit="区农业农村局", post="正职", limit=1, doc=DOC)
        for i, name in enumerate(NAMES):
            b.staff.enter(unit="区农业农村局" if i < 10 else "区财政局", kind="行政编制", name=name,
                          id_number=make_id(i + 1))
        b.posts.appoint(id_number=make_id(1), post="正职")
        b.staff.leave(id_number=make_id(2), reason="退休")
    with Book.open(path) as b:
        yield b


def all_pages(conn, flt, size=3):  # type: ignore[no-untyped-def]
    rows, after = [], None
    while True:
        page = q.roster_page(conn, flt, after, size)
        rows += page
        if len(page) < size:
            return rows
        after = page[-1].key(flt.sort)


@pytest.mark.parametrize("sort", q.ROSTER_SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_roster_pages_by_key_in_every_order(book, sort, descending):  # type: ignore[no-untyped-def]
    flt = q.RosterFilter(sort=sort, descending=descending)
    with book.read() as conn:
        rows = all_pages(conn, flt)
    assert len(rows) == 11 and len({r.person_id for r in rows}) == 11  # the leaver is gone
    keys = [r.key(sort) for r in rows]
    assert keys == sorted(keys, reverse=descending)


def test_roster_search_by_name_prefix_and_id_number(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        assert [r.name for r in q.roster_page(conn, q.RosterFilter(search="王"))] == ["王伟"]  # 王芳 left
        assert [r.name for r in q.roster_page(conn, q.RosterFilter(search=make_id(3)[:-1].lower() + "x"))] == []
        assert [r.name for r in q.roster_page(conn, q.RosterFilter(search=make_id(3)))] == ["李娜"]  # region+tail
        assert len(q.roster_page(conn, q.RosterFilter(search="610403"))) == 11  # a region code's start
        assert q.roster_page(conn, q.RosterFilter(search="6104031985")) == []  # the middle digits are sealed
        exact = q.RosterFilter(search=make_id(3)).with_keys(book.personal)
        assert exact.id_hash is not None and [r.name for r in q.roster_page(conn, exact)] == ["李娜"]
        row = q.roster_page(conn, exact)[0]
        assert row.id_number == make_id(3)[:6] + "********" + make_id(3)[-4:]
        assert book.personal.decrypt_id(row.id_cipher) == make_id(3)


@pytest.mark.parametrize("sort", q.ROSTER_SORTS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("term", ["王", "李", "610403", make_id(5)])
def test_roster_search_pages_the_same_whether_it_walks_or_reads_the_range(book, monkeypatch, sort, descending,
                                                                           term):  # type: ignore[no-untyped-def]
    """A common prefix walks the page's order and filters (DENSE_MATCHES), a rare one reads its index range:
    the pages are the same rows in the same order either way, with or without a unit filter."""
    with book.read() as conn:
        everyone = all_pages(conn, q.RosterFilter(sort=sort, descending=descending), size=50)
        finance = q.person_slot(conn, make_id(11))["unit_id"]
        for unit_id in (None, finance):
            flt = q.RosterFilter(search=term, sort=sort, descending=descending, unit_id=unit_id)
            if len(term) == 18:
                def matches(r, term=term):  # type: ignore[no-untyped-def]
                    return r.id_region == term[:6] and r.id_tail == term[-4:]
            else:
                def matches(r, term=term):  # type: ignore[no-untyped-def]
                    return (r.id_region if q.looks_like_id(term) else r.name).startswith(term)
            expected = [r for r in everyone if matches(r) and (unit_id is None or r.unit_id == unit_id)]
            monkeypatch.setattr(roster_queries, "DENSE_MATCHES", 1)
            walked = all_pages(conn, flt, size=2)
            monkeypatch.setattr(roster_queries, "DENSE_MATCHES", 10**9)
            ranged = all_pages(conn, flt, size=2)
            assert walked == ranged == expected and (expected or unit_id is not None)


def test_roster_search_walks_only_for_a_common_prefix_out_of_the_pages_order(book, monkeypatch):  # type: ignore[no-untyped-def]
    def walks(term: str, column: str = "p.name", **kw: object) -> bool:
        return roster_queries._walk_instead(conn, q.RosterFilter(search=term, **kw), column, term,  # type: ignore[arg-type]
                                            term + roster_queries._TOP)

    monkeypatch.setattr(roster_queries, "DENSE_MATCHES", 2)
    with book.read() as conn:
        assert walks("李") is False  # 1 person: the range
        assert walks("李", unit_id=1) is True  # one unit's persons are fewer than any range
        assert walks("610403", "p.id_region") is True  # 12 persons: walk
        assert walks("610403", "p.id_region", sort="id_number") is False  # the range is in the page's order


def test_roster_filters_by_unit_and_post(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        finance = q.person_slot(conn, make_id(11))["unit_id"]
        assert {r.name for r in q.roster_page(conn, q.RosterFilter(unit_id=finance))} == {"吴婷", "徐强"}
        head = q.roster_page(conn, q.RosterFilter(post_kind_id=book.catalog.post_kind("正职").id))
        assert [r.name for r in head] == ["王伟"]


def test_person_slot(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        assert q.person_slot(conn, make_id(1))["post_kind_id"] == book.catalog.post_kind("正职").id
        assert q.person_slot(conn, make_id(2))["on_establishment"] is False
        assert q.person_slot(conn, make_id(99)) is None


def test_unit_tree_marks_units_at_quota(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        nodes = {n.name: n for n in q.unit_tree_rows(conn)}
    assert nodes["区财政局"].state == "at"
    assert nodes["区农业农村局"].state == ""
    assert nodes["区水利站"].parent_id == nodes["区农业农村局"].id


def test_dashboard_figures(book):  # type: ignore[no-untyped-def]
    xz = book.catalog.kind("行政编制").id
    with book.read() as conn:
        figures = q.dashboard(conn, book.catalog, dt.date.today())
    assert figures["pool"][xz] == (30, 12)
    assert figures["per_kind"][xz] == (12, 11, 0)
    assert figures["per_category"]["政府工作部门"] == (12, 11)
    assert [r["name"] for r in figures["at"]] == ["区财政局"]
    assert figures["over"] == [] and figures["expiring"] == []


def test_unit_detail_has_quota_posts_and_holders(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        agri = q.person_slot(conn, make_id(1))["unit_id"]
        detail = q.unit_detail(conn, book.catalog, agri)
    figures = dict((k.name, f) for k, f in detail["kinds"])["行政编制"]
    assert (figures.approved, figures.used, figures.vacancy) == (10, 9, 1)
    head = next(p for p in detail["posts"] if p["kind"].name == "正职")
    assert head["holders"] == ["王伟"] and head["limit"] == 1


def test_ledger_pages_newest_first_with_filters(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        first = q.ledger_page(conn, q.LedgerFilter(), None, 5)
        second = q.ledger_page(conn, q.LedgerFilter(), first[-1]["seq"], 5)
        leaves = q.ledger_page(conn, q.LedgerFilter(op="person.leave"))
    assert [r["seq"] for r in first + second] == list(range(book.head().seq, book.head().seq - 10, -1))
    assert len(leaves) == 1 and "退休" in leaves[0]["summary"] and leaves[0]["detail"]["reason"] == "退休"


def test_documents_and_approvals(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        docs = q.documents_page(conn, "编发")
        assert [d["number"] for d in docs] == [DOC]
        assert q.approvals_list(conn) == []


def test_lazy_tree_queries_page_categories_children_and_search(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        assert q.unit_categories(conn) == [("政府工作部门", 2), ("事业单位", 1)]
        top = q.unit_children(conn, category="政府工作部门")
        assert [(n.name, n.state, n.has_children) for n in top] == [("区农业农村局", "", True),
                                                                   ("区财政局", "at", False)]
        assert q.unit_children(conn, category="事业单位") == []  # 区水利站 sits under its parent
        first = q.unit_children(conn, category="政府工作部门", limit=1)
        assert [n.name for n in q.unit_children(conn, category="政府工作部门", after_id=first[0].id)] == ["区财政局"]
        water = q.unit_children(conn, parent_id=top[0].id)
        assert [n.name for n in water] == ["区水利站"]
        assert [n.name for n in q.unit_search(conn, "局")] == ["区农业农村局", "区财政局"]
        page = q.unit_search(conn, "局", limit=1)
        assert [n.name for n in q.unit_search(conn, "局", after=(page[0].name, page[0].id))] == ["区财政局"]
        assert [n.name for n in q.unit_path(conn, water[0].id)] == ["区农业农村局", "区水利站"]
        assert q.unit_nodes(conn, {top[1].id})[top[1].id].state == "at"


def test_unit_completions_and_exact_lookup(book):  # type: ignore[no-untyped-def]
    with book.read() as conn:
        assert [name for _id, name in q.unit_completions(conn, "财政")] == ["区财政局"]
        assert [name for _id, name in q.unit_completions(conn, "区")] == ["区水利站", "区财政局", "区农业农村局"]
        assert q.unit_completions(conn, "  ") == []
        unit = q.active_unit_id(conn, " 区财政局 ")
        assert unit is not None and q.unit_name(conn, unit) == "区财政局"
        assert q.active_unit_id(conn, "区财政") is None
