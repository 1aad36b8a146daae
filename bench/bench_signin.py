"""Signing in (issue 15): `Book.open(path, account=Credentials(…))` on a book with accounts vs `Book.open(path)`
on the same file, interleaved in one process (not collected by pytest).

    .venv/bin/python bench/bench_signin.py [--cache DIR] [--scales county province] [--n 20]

A working copy of each cached demo book (generated on first use, see _common.demo_book) has the demo's
accounts; an older cached book without them gets a first admin (create_first) and the clerk through the
core. Then, n times each, alternating: open and close
without signing in; open signed in as the clerk (the password checked with scrypt, the failure counter reset
and the sign-in appended to the chained security log, in one write transaction) and close; and
`book.sign_in` alone on a book already open. Prints the medians, the sign-in's cost over a plain open and the
ratio; the target is sign-in ≤ 0.5 s on this machine: the time signing in adds to opening the book, and
`book.sign_in` alone. `Book.open` itself runs the bounded start-up quick_check (up to 0.6 s on a big book,
BIANZHI_STARTUP_CHECK_SECONDS) unless ``--startup-check fast`` (as the window opens, running it behind).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import demo_book, working_copy

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.demo.accounts import DEMO_PASSWORD

ADMIN = Credentials("admin", "Guanli-2026a")
CLERK = Credentials("jingban", DEMO_PASSWORD)  # a demo book has it; an older cached book gets it
TARGET = 0.5  # seconds


def give_accounts(path: Path) -> None:
    """The demo's accounts are there since issue 15; a book cached before that gets an admin and the clerk."""
    with Book.open(path) as book:
        if book.has_accounts:
            return
        book.accounts.create_first(name=ADMIN.name, password=ADMIN.password)
    with Book.open(path, account=ADMIN) as book:
        book.accounts.add(name=CLERK.name, roles=["clerk"], password=CLERK.password, must_change=False)


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def measure(path: Path, n: int, check: str) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"open": [], "open_signed_in": [], "sign_in": []}
    timed(lambda: Book.open(path, account=CLERK).close())  # warm the page cache and the imports alike
    with Book.open(path) as book:
        for _ in range(n):
            times["open"].append(timed(lambda: Book.open(path, startup_check=check).close()))
            times["open_signed_in"].append(timed(lambda: Book.open(path, account=CLERK, startup_check=check).close()))
            times["sign_in"].append(timed(lambda: book.sign_in(CLERK.name, CLERK.password)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench")
    parser.add_argument("--scales", nargs="+", default=["county"])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--startup-check", choices=["full", "fast"], default="full")
    args = parser.parse_args()
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as work:
            path = working_copy(demo_book(args.cache, scale), Path(work))
            give_accounts(path)
            med = {name: statistics.median(t) for name, t in measure(path, args.n, args.startup_check).items()}
        extra = med["open_signed_in"] - med["open"]
        verdict = "ok" if max(extra, med["sign_in"]) <= TARGET else "OVER"
        print(f"{scale}, startup check {args.startup_check}, median of {args.n}: Book.open {med['open'] * 1000:.0f} ms,"
              f" signed in {med['open_signed_in'] * 1000:.0f} ms (ratio {med['open_signed_in'] / med['open']:.2f});"
              f" signing in adds {extra * 1000:.0f} ms, book.sign_in alone {med['sign_in'] * 1000:.0f} ms"
              f" (target ≤ {TARGET * 1000:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
