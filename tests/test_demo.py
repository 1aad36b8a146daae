"""The demo county: realistic, valid, deterministic, and passes `check`."""

import sqlite3

from bianzhi_app.book import Book
from bianzhi_app.check import run_check
from bianzhi_app.demo import generate
from bianzhi_app.idcodes import id_problem
from bianzhi_app.queries import approval_rows, roster, status


def test_demo_county_is_realistic_and_consistent(demo_book):
    with Book.open(demo_book) as book, book.read() as conn:
        report = run_check(conn, book.catalog)
        assert report.ok, report.problems
        data = status(conn, book.catalog)
        people = list(roster(conn, book.catalog, keys=book.personal, full_id=True))
        open_approvals = approval_rows(conn, book.catalog)
    names = {u["name"] for u in data["units"]}
    assert 140 <= len(data["units"]) <= 170
    assert {"区委办公室", "区发展和改革局", "区教育局", "区人民医院", "区第一中学"} <= names
    assert any(n.endswith("街道办事处") for n in names) and any(n.endswith("镇人民政府") for n in names)
    assert 5000 <= len(people) <= 7000
    assert all(id_problem(p["id_number"]) is None for p in people)
    assert any("𠮷" in p["name"] for p in people) and any("堃" in p["name"] for p in people)
    quotas = [q for u in data["units"] for q in u["quota"].values()]
    assert any(q["overage"] > 0 and q["allowance"] == q["overage"] for q in quotas), "some units over quota"
    assert any(q["approved"] > 0 and q["vacancy"] == 0 and q["overage"] == 0 for q in quotas), "some at quota"
    assert open_approvals, "open approvals"
    for kind, pool in data["pool"].items():
        assert pool["allocated"] <= pool["total"], kind
    assert data["ledger_head"]["seq"] > len(people)
    conn = sqlite3.connect(demo_book)
    first, last = conn.execute("SELECT MIN(effective_on), MAX(effective_on) FROM ledger "
                               "WHERE op NOT IN ('region.init', 'pool.set', 'unit.add', 'quota.set', "
                               "'posts.set', 'person.enter', 'person.appoint')").fetchone()
    ops = {r[0] for r in conn.execute("SELECT DISTINCT op FROM ledger")}
    conn.close()
    assert {"person.leave", "person.transfer", "approval.add", "quota.transfer", "unit.merge", "unit.rename"} <= ops
    assert first < last


def test_demo_is_deterministic(tmp_path):
    """Two builds with the same seed on the same day (one clock for both, so a run across midnight holds) give
    the same ledger head, hash for hash."""
    import datetime as dt

    moment = dt.datetime.now().astimezone()
    heads = []
    for name in ("first.db", "again.db"):
        with Book.open(tmp_path / name, clock=lambda: moment) as book:
            generate(book, scale="county", seed=7)
            heads.append(book.head())
    assert heads[0] == heads[1] and heads[0].seq > 1000
