"""One read side: the command line, the window's lists and the reports read the same rows through the
same functions, with the same search and the same post, on a plain sqlite3 reader and on the Book's; on a file
and on the server (both_backends: the server's window reads on the Book's connection)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, is_server, person_id

from bianzhi_app import queries as q
from bianzhi_app.book import Book

pytestmark = pytest.mark.both_backends


def _pages(fetch, key) -> list:  # type: ignore[no-untyped-def]
    """Every row of a keyset-paged list, read in pages of 3."""
    found, after = [], None
    while True:
        page = fetch(after, 3)
        found += page
        if len(page) < 3:
            return found
        after = key(page[-1])


def _book(region: Cli) -> None:
    """Two units; persons entered, one appointed, one transferred, one gone; an approval left open."""
    region.ok("unit", "add", "区财政局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC,
              "--no-approval-required")
    region.ok("quota", "set", "区财政局", "xz", "6", "--doc", DOC)
    region.ok("posts", "set", "区农业农村局", "zz", "1", "--doc", DOC)
    region.ok("approval", "add", "区农业农村局", "xz", "6", "--method", "公开招录", "--doc", DOC)
    names = ["王一", "王二", "李三", "王四", "赵五", "王六"]
    for n, name in enumerate(names):
        unit = "区农业农村局" if n < 4 else "区财政局"
        region.ok("person", "enter", unit, "xz", "--name", name, "--id", person_id(n))
    region.ok("person", "appoint", person_id(0), "zz")
    region.ok("person", "transfer", person_id(3), "区财政局")
    region.ok("person", "leave", person_id(2), "--reason", "退休")


def test_cli_roster_is_the_windows_roster_with_the_same_posts(region: Cli, db_path: Path) -> None:
    _book(region)
    cli_rows = region.json("roster")["persons"]
    with Book.open(db_path) as book, book.read() as conn:
        flt = q.RosterFilter(sort="unit")
        window = _pages(lambda after, n: q.roster_page(conn, flt, after, n), lambda r: r.key("unit"))
        catalog = book.catalog
    assert [(r["name"], r["unit"], r["kind"], r["post"]) for r in cli_rows] == [
        (r.name, r.unit, catalog.kind_by_id(r.kind_id).code,
         catalog.post_kind_by_id(r.post_kind_id).code if r.post_kind_id else None) for r in window]
    assert [r["name"] for r in cli_rows if r["post"]] == ["王一"]
    assert "李三" not in {r["name"] for r in cli_rows}


def test_search_means_the_same_for_the_window_and_the_reports(region: Cli, db_path: Path) -> None:
    _book(region)
    def window_pages(reader) -> list:  # type: ignore[no-untyped-def]
        return _pages(lambda after, n: q.roster_page(reader, q.RosterFilter(search="王", sort="unit"), after, n),
                      lambda r: r.key("unit"))

    if is_server(db_path):  # the window reads a server book on the Book's own connection
        with Book.open(db_path) as book, book.read() as conn:
            window = window_pages(conn)
    else:
        reader = sqlite3.connect(db_path)  # the window's first page of a file is read on a plain sqlite3 connection
        try:
            window = window_pages(reader)
        finally:
            reader.close()
    with Book.open(db_path) as book, book.read() as conn:
        streamed = list(q.roster(conn, book.catalog, search="王"))
        by_region = list(q.roster(conn, book.catalog, search=person_id(4)[:6]))
        by_id = list(q.roster(conn, book.catalog, search=person_id(4)))  # a full number: region and last four
    assert [r.name for r in window] == [r["name"] for r in streamed]
    assert sorted(r["name"] for r in streamed) == ["王一", "王二", "王六", "王四"]
    assert "王" not in "".join(r["name"][1:] for r in streamed)  # the start of a name, not anywhere in it
    assert {r["id_number"][:6] for r in by_region} == {person_id(4)[:6]} and len(by_region) > 1
    assert [r["id_number"] for r in by_id] == [person_id(4)[:6] + "********" + person_id(4)[-4:]]  # masked


def test_cli_ledger_is_the_windows_ledger_oldest_first(region: Cli, db_path: Path) -> None:
    _book(region)
    cli_entries = region.json("ledger")["entries"]
    with Book.open(db_path) as book, book.read() as conn:
        window = _pages(lambda before, n: q.ledger_page(conn, q.LedgerFilter(), before, n), lambda e: e["seq"])
        unit_id = q.resolve_unit_id(conn, "区财政局")
        unit_only = _pages(lambda before, n: q.ledger_page(conn, q.LedgerFilter(unit_id=unit_id), before, n),
                           lambda e: e["seq"])
    assert [e["seq"] for e in cli_entries] == [e["seq"] for e in reversed(window)]
    assert [e["hash"] for e in cli_entries] == [e["hash"] for e in reversed(window)]
    assert [e["seq"] for e in region.json("ledger", "--unit", "区财政局")["entries"]] == \
        [e["seq"] for e in reversed(unit_only)]


def test_cli_approvals_and_documents_are_the_windows(region: Cli, db_path: Path) -> None:
    _book(region)
    listed = region.json("approval", "list")["approvals"]
    documents = region.json("document", "list")["documents"]
    with Book.open(db_path) as book, book.read() as conn:
        window = q.approvals_list(conn, status="active")
        window_documents = _pages(lambda after, n: q.documents_page(conn, "", after, n), lambda d: d["id"])
    assert [a["number"] for a in listed] == [a["number"] for a in reversed(window)]
    assert [(a["remaining"], a["count"]) for a in listed] == [(2, 6)]  # four of six used by the entries
    assert [d["number"] for d in documents] == [d["number"] for d in window_documents] == [DOC]


def test_figures_are_read_by_one_function_for_ops_dialogs_and_status(region: Cli, db_path: Path) -> None:
    _book(region)
    status = region.json("status")
    with Book.open(db_path) as book, book.read() as conn:
        unit_id = q.resolve_unit_id(conn, "区农业农村局")
        live = q.live_quota(conn, unit_id, book.catalog.kind("xz").id)
        post = q.live_post(conn, unit_id, book.catalog.post_kind("zz").id)
        pool = q.live_pool(conn, book.catalog.kind("xz").id)
    shown = next(u for u in status["units"] if u["name"] == "区农业农村局")
    assert (live.approved, live.used, live.reserved, live.vacancy) == tuple(
        shown["quota"]["xz"][k] for k in ("approved", "used", "reserved", "vacancy"))
    assert (post.limit, post.used) == (shown["posts"]["zz"]["limit"], shown["posts"]["zz"]["used"]) == (1, 1)
    assert (pool.total, pool.allocated, pool.unallocated) == tuple(
        status["pool"]["xz"][k] for k in ("total", "allocated", "unallocated"))


def test_the_roster_count_is_the_number_of_rows_the_pages_give(region: Cli, db_path: Path) -> None:
    _book(region)
    with Book.open(db_path) as book, book.read() as conn:
        unit_id = q.resolve_unit_id(conn, "区财政局")
        zz = book.catalog.post_kind("zz").id
        for flt in (q.RosterFilter(), q.RosterFilter(search="王"), q.RosterFilter(unit_id=unit_id),
                    q.RosterFilter(post_kind_id=zz), q.RosterFilter(kind_id=book.catalog.kind("xz").id),
                    q.RosterFilter(search=person_id(0)[:6], unit_id=unit_id)):
            pages = _pages(lambda after, n, flt=flt: q.roster_page(conn, flt, after, n),
                           lambda r, flt=flt: r.key(flt.sort))
            assert q.roster_count(conn, flt) == len(pages), flt
        assert q.roster_count(conn, q.RosterFilter()) == 5
