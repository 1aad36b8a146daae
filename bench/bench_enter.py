"""Cost of one `person enter` (its own transaction, ledger included) on a county vs a province book.

Counters make every check O(1), so the ratio province/county should stay ≤ 1.3.

    python bench/bench_enter.py [--cache DIR] [--n 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from _common import demo_book, working_copy

from bianzhi_app.book import Book
from bianzhi_app.idcodes import id_check_digit
from bianzhi_app.ops import quotas, region, staff, units

DOC = "基准〔2026〕1号"


def prepare(book: Book, n: int) -> None:
    """A unit with room for n more persons and no approval requirement."""
    with book.transact() as tx:
        total = tx.conn.exec_driver_sql("SELECT total FROM region_pools WHERE kind_id = 1").scalar()
        region.set_pool(tx, "xz", total + n + 10, doc=DOC)
        units.add_unit(tx, "基准测试局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        quotas.set_quota(tx, "基准测试局", "xz", n + 10, doc=DOC)


def timed_enter(book: Book, i: int) -> float:
    first17 = f"990000{dt.date(1970, 1, 1) + dt.timedelta(days=i):%Y%m%d}001"
    start = time.perf_counter()
    book.run(staff.enter_person, "基准测试局", "xz", name=f"基准{i}", id_number=first17 + id_check_digit(first17))
    return time.perf_counter() - start


def interleaved(paths: dict[str, Path], n: int) -> dict[str, list[float]]:
    """One op on each book in turn, so background load falls on both alike."""
    books = {name: Book.open(path, actor="bench") for name, path in paths.items()}
    timings: dict[str, list[float]] = {name: [] for name in books}
    try:
        for book in books.values():
            prepare(book, n)
        for i in range(n):
            for name, book in books.items():
                timings[name].append(timed_enter(book, i))
    finally:
        for book in books.values():
            book.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    county, province = demo_book(args.cache, "county"), demo_book(args.cache, "province")
    with tempfile.TemporaryDirectory() as work:
        copies = {"county": working_copy(county, Path(work)), "province": working_copy(province, Path(work))}
        results = {name: statistics.median(t) for name, t in interleaved(copies, args.n).items()}
    ratio = results["province"] / results["county"]
    print(f"person enter, median of {args.n}: county {results['county'] * 1000:.2f} ms, "
          f"province {results['province'] * 1000:.2f} ms, ratio {ratio:.2f} (target ≤ 1.3)")


if __name__ == "__main__":
    main()
