"""Kill -9 a writer at random moments; after every kill the book is whole and nothing committed is lost.

A forked child (it inherits the imported modules, so each run costs milliseconds) opens the book and
writes in a loop, acknowledging each commit on a pipe; the parent kills it after a random delay and
checks: integrity_check ok, foreign_key_check empty, counters equal a recount and the ledger chain is
intact (run_check), every person has its staffing row and its ledger entry, a bulk batch is all or
none, and every acknowledged operation is present.  BIANZHI_CRASH_RUNS sets the number of kills (200).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest
from bookhelpers import DOC, valid_id

from bianzhi_app.book import Book
from bianzhi_app.check import run_check

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")]

RUNS = int(os.environ.get("BIANZHI_CRASH_RUNS", "200"))
UNIT = "区测试局"
BATCH = 2000
RESET_EVERY = 8  # bulk runs on one book before it is replaced by a fresh copy (keeps checks fast)


def crash_id(n: int) -> str:
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000)
    return valid_id(f"610403{born:%Y%m%d}{n % 1000:03d}")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bianzhi_app.ops.quotas import set_quota
    from bianzhi_app.ops.region import init_region, set_pool
    from bianzhi_app.ops.units import add_unit

    path = tmp_path_factory.mktemp("crash") / "template.db"
    with Book.open(path, actor="crash") as book:
        book.run(init_region, name="杨陵区", code="610403")
        book.run(set_pool, "xz", 5_000_000, doc=DOC)
        book.run(add_unit, UNIT, category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        book.run(set_quota, UNIT, "xz", 1_000_000, doc=DOC)  # the largest quota a unit may have (issue 14)
    return path


def _child(path: Path, mode: str, first: int, ack: int) -> None:
    """Runs in the forked child and never returns."""
    try:
        from bianzhi_app.ops.staff import EnterRequest, enter_person, enter_persons

        book = Book.open(path, actor="crash")
        os.write(ack, b"R\n")
        n = first
        while True:
            if mode == "single":
                book.run(enter_person, UNIT, "xz", name=f"单{n}", id_number=crash_id(n))
            else:
                with book.transact() as tx:
                    enter_persons(tx, [EnterRequest(UNIT, "xz", f"批{n}-{i}", crash_id(n * BATCH + i))
                                       for i in range(BATCH)])
            os.write(ack, f"{n}\n".encode())
            n += 1
    except BaseException as error:  # report, never fall back into pytest
        os.write(ack, f"E {error!r}\n".encode())
    finally:
        os._exit(1)


def _run_once(path: Path, mode: str, first: int, delay: float) -> list[str]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(path, mode, first, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "r") as lines:
        assert lines.readline().strip() == "R", "child did not open the book"
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return [line.strip() for line in lines]


def _verify(path: Path, mode: str) -> tuple[list[str], set[int]]:
    """Problems found (empty when whole) and the operation numbers present."""
    problems: list[str] = []
    conn = sqlite3.connect(path)  # a normal connection: recovers the WAL left by the killed writer
    try:
        if [r[0] for r in conn.execute("PRAGMA integrity_check")] != ["ok"]:
            return ["integrity_check failed"], set()
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check not empty")
        orphans = conn.execute("SELECT count(*) FROM persons p WHERE NOT EXISTS "
                               "(SELECT 1 FROM staffing_periods s WHERE s.person_id = p.id)").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} persons without a staffing row")
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM ledger WHERE op = 'person.enter'").fetchone()[0]
        if persons != entries:
            problems.append(f"{persons} persons but {entries} person.enter ledger entries")
        if mode == "single":
            present = {int(r[0][1:]) for r in conn.execute("SELECT name FROM persons")}
        else:
            sizes = conn.execute("SELECT substr(name, 2, instr(name, '-') - 2), count(*) FROM persons "
                                 "GROUP BY 1").fetchall()
            present = {int(b) for b, _n in sizes}
            problems += [f"batch {b} has {n} of {BATCH} persons" for b, n in sizes if n != BATCH]
    finally:
        conn.close()
    with Book.open(path, actor="crash") as book, book.read() as read:
        report = run_check(read, book.catalog, full_integrity=False)
    problems += report.problems
    return problems, present


@pytest.mark.parametrize("mode", ["single", "bulk"])
def test_kill_minus_nine_never_loses_or_corrupts(mode: str, template: Path, tmp_path: Path) -> None:
    rng = random.Random(f"crash-{mode}")
    runs = RUNS // 2
    path = tmp_path / "book.db"
    first = 0
    figures = {"runs": 0, "committed": 0, "losses": 0, "corruptions": 0, "partial": 0}
    failures: list[str] = []
    started = time.perf_counter()
    for run in range(runs):
        if mode == "bulk" and run % RESET_EVERY == 0:  # a fresh book at a new path: the template copied over
            path = tmp_path / f"book-{run // RESET_EVERY}.db"  # the old one is a cut chain to its witness
        if not path.exists():
            shutil.copyfile(template, path)
        delay = rng.uniform(0.005, 0.3) if mode == "single" else rng.uniform(0.02, 1.0)
        acks = _run_once(path, mode, first, delay)
        errors = [a for a in acks if a.startswith("E ")]
        assert not errors, errors
        acknowledged = {int(a) for a in acks}
        problems, present = _verify(path, mode)
        figures["runs"] += 1
        figures["committed"] += len(acknowledged)
        lost = acknowledged - present
        if lost:
            figures["losses"] += len(lost)
        if any("integrity" in p or "foreign_key" in p for p in problems):
            figures["corruptions"] += 1
        elif problems:
            figures["partial"] += 1
        if lost or problems:
            failures.append(f"run {run} (delay {delay:.3f}s): lost {sorted(lost)[:5]}, {problems[:3]}")
        first = max(present | acknowledged | {first - 1}) + 1  # fresh ids for the next child
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"\ncrash[{mode}]: {figures} in {elapsed:.1f}s\n")
    assert not failures, failures[:5]
    assert figures["committed"] > 0
