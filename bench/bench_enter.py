"""Cost of one `person enter` (its own transaction, ledger included) on a county vs a province book.

Counters make every check O(1), so the ratio province/county should stay ≤ 1.3.

Since accounts (issue 15) every typed-API method checks its permission (@operation in areas.py). The books'
working copies get accounts and the Book signs in as a clerk; beside the op itself (`book.run`, no check, as
before) each round also enters one person through `book.staff.enter` (the check, then the same op), so the
script prints both ratios province/county and, per book, typed API / op: the cost of the check.

Since personal data is sealed (issue 16) each 入编 seals the ID number (SM4-GCM) and hashes it (HMAC-SM3) for
一人一编. Each round also enters one person through the op with the book's keys swapped for `PlainKeys`, which
store the number as it is (the cost of the same code path before sealing), and the script prints the ratio
sealed / plain per book (target ≤ 1.2).

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

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.idcodes import id_check_digit
from bianzhi_app.ops import quotas, region, staff, units

DOC = "基准〔2026〕1号"
ADMIN = Credentials("admin", "Guanli-2026a")
CLERK = Credentials("jingban", "Jingban-2026a")


def give_accounts(path: Path) -> None:
    """The first admin and a clerk, through the core (a demo book from the cache may have none yet)."""
    with Book.open(path) as book:
        if not book.has_accounts:
            book.accounts.create_first(name=ADMIN.name, password=ADMIN.password)
    with Book.open(path, account=ADMIN) as book:
        if CLERK.name not in {a.name for a in book.accounts.list()}:
            book.accounts.add(name=CLERK.name, roles=["clerk"], password=CLERK.password, must_change=False)


class PlainKeys:
    """The keys' interface without cryptography: the number as it is, as the book held it before issue 16."""

    cipher, mac = "plain", "plain"

    def encrypt_id(self, id_number: str) -> bytes:
        return id_number.encode()

    def decrypt_id(self, sealed: bytes) -> str:
        return bytes(sealed).decode()

    def id_hash(self, id_number: str) -> bytes:
        return id_number.encode()

    def person_columns(self, id_number: str, id_hash: bytes | None = None) -> dict[str, object]:
        from bianzhi_app.personal.crypto import clear_columns

        return {**clear_columns(id_number), "id_cipher": self.encrypt_id(id_number),
                "id_hash": id_hash if id_hash is not None else self.id_hash(id_number)}


def prepare(book: Book, n: int) -> None:
    """A unit with room for n more persons and no approval requirement."""
    with book.transact() as tx:
        total = tx.conn.exec_driver_sql("SELECT total FROM region_pools WHERE kind_id = 1").scalar()
        region.set_pool(tx, "xz", total + n + 10, doc=DOC)
        units.add_unit(tx, "基准测试局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False)
        quotas.set_quota(tx, "基准测试局", "xz", n + 10, doc=DOC)


def timed_enter(book: Book, i: int, typed: bool = False, plain: bool = False) -> float:
    """One 入编: the op through `book.run` (no permission check), or with ``typed`` through the typed API, or
    with ``plain`` through the op with `PlainKeys` (no sealing, no keyed hash)."""
    prefix = "97" if plain else "98" if typed else "99"
    first17 = f"{prefix}0000{dt.date(1970, 1, 1) + dt.timedelta(days=i):%Y%m%d}001"
    id_number = first17 + id_check_digit(first17)
    keys = book.personal
    if plain:
        book.personal = PlainKeys()  # type: ignore[assignment]
    start = time.perf_counter()
    if typed:
        book.staff.enter(unit="基准测试局", kind="xz", name=f"基准乙{i}", id_number=id_number)
    else:
        book.run(staff.enter_person, "基准测试局", "xz", name=f"基准{i}", id_number=id_number)
    seconds = time.perf_counter() - start
    book.personal = keys
    return seconds


def interleaved(paths: dict[str, Path], n: int) -> dict[str, list[float]]:
    """One op on each book in turn, each way in turn, so background load falls on all alike. Keys: the
    book's name (the op), and name + " typed" (the typed API signed in as a clerk)."""
    for path in paths.values():
        give_accounts(path)
    books = {name: Book.open(path, account=CLERK) for name, path in paths.items()}
    timings: dict[str, list[float]] = {key: [] for name in books
                                       for key in (name, f"{name} typed", f"{name} plain")}
    try:
        for book in books.values():
            prepare(book, 3 * n)
        for i in range(n):
            for name, book in books.items():
                timings[name].append(timed_enter(book, i))
                timings[f"{name} typed"].append(timed_enter(book, i, typed=True))
                timings[f"{name} plain"].append(timed_enter(book, i, plain=True))
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
    typed = results["province typed"] / results["county typed"]
    print(f"through book.staff.enter signed in as a clerk: county {results['county typed'] * 1000:.2f} ms, "
          f"province {results['province typed'] * 1000:.2f} ms, ratio {typed:.2f} (target ≤ 1.3); "
          f"typed API / op: county {results['county typed'] / results['county']:.2f}, "
          f"province {results['province typed'] / results['province']:.2f}")
    print(f"sealed (SM4-GCM + HMAC-SM3) / plain numbers, the op: county {results['county plain'] * 1000:.2f} → "
          f"{results['county'] * 1000:.2f} ms, ratio {results['county'] / results['county plain']:.2f}; province "
          f"{results['province plain'] * 1000:.2f} → {results['province'] * 1000:.2f} ms, ratio "
          f"{results['province'] / results['province plain']:.2f} (target ≤ 1.2)")


if __name__ == "__main__":
    main()
