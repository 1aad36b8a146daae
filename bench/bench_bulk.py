"""Entering 100,000 persons through the ops layer in one transaction vs a raw sqlite3 executemany of
the very same rows (persons, staffing periods, ledger entries) into an identical book. Target ≤ 3×.
The ops layer seals each ID number and hashes it (issue 16); the baseline writes the sealed rows as they are.

    python bench/bench_bulk.py [--n 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path

from _common import Timer

from bianzhi_app.book import Book
from bianzhi_app.idcodes import id_check_digit
from bianzhi_app.ops import quotas, region, staff, units
from bianzhi_app.ops.staff import EnterRequest

DOC = "基准〔2026〕2号"


def prepare(path: Path, n: int) -> None:
    with Book.open(path, actor="bench") as book, book.transact() as tx:
        region.init_region(tx, name="基准区", code="610403")
        region.set_pool(tx, "xz", n, doc=DOC)
        units.add_unit(tx, "基准测试局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        quotas.set_quota(tx, "基准测试局", "xz", n, doc=DOC)


def requests(n: int) -> list[EnterRequest]:
    result = []
    for i in range(n):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 1000)
        first17 = f"610403{birth:%Y%m%d}{i % 1000:03d}"
        result.append(EnterRequest("基准测试局", "xz", f"人员{i}", first17 + id_check_digit(first17)))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        ops_path, raw_path = Path(work) / "ops.db", Path(work) / "raw.db"
        prepare(ops_path, args.n)
        shutil.copy(ops_path, raw_path)  # identical book, same ledger head
        batch = requests(args.n)
        with Book.open(ops_path, actor="bench") as book:
            with Timer() as ops_time, book.transact() as tx:
                staff.enter_persons(tx, batch)
        # The baseline writes exactly the rows the ops layer wrote.
        src = sqlite3.connect(ops_path)
        head = sqlite3.connect(raw_path).execute("SELECT MAX(seq) FROM ledger").fetchone()[0]
        person_columns = "id, name, id_region, id_tail, gender, birth_year, id_cipher, id_hash"
        persons = src.execute(f"SELECT {person_columns} FROM persons").fetchall()
        slots = src.execute("SELECT person_id, unit_id, kind_id, start_date FROM staffing_periods").fetchall()
        ledger_columns = ("seq, at, effective_on, actor, op, unit_id, unit_name, document_number, before, after, "
                          "detail, prev_hash, hash, approver")
        ledger = src.execute(f"SELECT {ledger_columns} FROM ledger WHERE seq > ?", (head,)).fetchall()
        src.close()
        raw = sqlite3.connect(raw_path, isolation_level=None)
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("PRAGMA foreign_keys=ON")
        with Timer() as raw_time:
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(f"INSERT INTO persons ({person_columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", persons)
            raw.executemany("INSERT INTO staffing_periods (person_id, unit_id, kind_id, start_date) "
                            "VALUES (?, ?, ?, ?)", slots)
            raw.executemany(f"INSERT INTO ledger ({ledger_columns}) VALUES ({', '.join('?' * 14)})", ledger)
            raw.execute("COMMIT")
        raw.close()
    ratio = ops_time.seconds / raw_time.seconds
    print(f"bulk enter of {args.n:,} persons: ops layer {ops_time.seconds:.2f} s, raw executemany "
          f"{raw_time.seconds:.2f} s, ratio {ratio:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
