"""The office server against a file: one `person enter` on PostgreSQL vs on SQLite, in the same process, on the same
county book (target: server/file ≤ 3×), and entries per second with 8 concurrent clients on each.

The county demo (from the cache) is copied into a fresh database on a PostgreSQL cluster (`copy`, timed), so both
books hold the same data; both get a clerk account and a unit with room. The single-enter timings interleave the two
books (background load falls on both alike). The server is a throw-away cluster started from the installed
programs with its durable defaults (fsync on, as SQLite's synchronous=FULL), on 127.0.0.1, unless --url names one
(--url is the database of the server book, which must be empty).

    python bench/bench_server.py [--cache DIR] [--n 200] [--clients 8] [--seconds 10] [--url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, Timer, demo_book, working_copy
from bench_enter import CLERK, give_accounts, prepare

from bianzhi_app.book import Book
from bianzhi_app.copying import copy_book
from bianzhi_app.db.engine import make_engine
from bianzhi_app.idcodes import id_check_digit

sys.path.insert(0, str(ROOT / "tests"))


def id_number(series: int, i: int) -> str:
    first17 = f"{series:02d}0000{dt.date(1940, 1, 1) + dt.timedelta(days=i):%Y%m%d}001"
    return first17 + id_check_digit(first17)


def timed_enter(book: Book, series: int, i: int) -> float:
    start = time.perf_counter()
    book.staff.enter(unit="基准测试局", kind="xz", name=f"基准{series}-{i}", id_number=id_number(series, i))
    return time.perf_counter() - start


def client(target: str, series: int, start: mp.synchronize.Event, stop_at: mp.sharedctypes.Synchronized,
           done: mp.Queue) -> None:  # type: ignore[type-arg]
    book = Book.open(target, account=CLERK)
    start.wait()
    count = 0
    while time.time() < stop_at.value:
        book.staff.enter(unit="基准测试局", kind="xz", name=f"并发{series}-{count}", id_number=id_number(series, count))
        count += 1
    book.close()
    done.put(count)


def concurrent_rate(target: str, clients: int, seconds: float, first_series: int) -> float:
    """Entries per second, all clients together, each entering persons for ``seconds``."""
    ctx = mp.get_context("spawn")
    start, done = ctx.Event(), ctx.Queue()
    stop_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=client, args=(target, first_series + c, start, stop_at, done)) for c in range(clients)]
    for p in procs:
        p.start()
    time.sleep(3)  # every client imported and signed in
    began = time.time()
    stop_at.value = began + seconds
    start.set()
    counts = [done.get(timeout=seconds + 120) for _ in procs]
    elapsed = time.time() - began
    for p in procs:
        p.join()
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--url", help="an empty PostgreSQL database for the server book (default: a new cluster)")
    args = parser.parse_args()

    import pgcluster

    cluster = None
    url = args.url
    if url is None:
        cluster = pgcluster.start(durable=True)
        with pgcluster.admin(cluster) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench")
    try:
        with tempfile.TemporaryDirectory() as work:
            path = working_copy(demo_book(args.cache, "county"), Path(work))
            give_accounts(path)
            source = make_engine(path)
            with Timer() as copying:
                result = copy_book(source, url)
            source.dispose()
            print(f"copy county file → server: {sum(result.rows.values())} rows in {copying.seconds:.2f} s")
            room = args.n * 2 + args.clients * 20000
            books = {"file": Book.open(path, account=CLERK), "server": Book.open(url, account=CLERK)}
            for book in books.values():
                prepare(book, room)
            timings: dict[str, list[float]] = {name: [] for name in books}
            for i in range(args.n):
                for series, (name, book) in enumerate(books.items()):
                    timings[name].append(timed_enter(book, 10 + series, i))
            for book in books.values():
                book.close()
            med = {name: statistics.median(t[len(t) // 10:]) for name, t in timings.items()}  # first 10 %: warm-up
            print(f"one person enter (median of {args.n}): file {med['file'] * 1000:.2f} ms, "
                  f"server {med['server'] * 1000:.2f} ms, ratio server/file {med['server'] / med['file']:.2f} "
                  "(target ≤ 3)")
            for name, target in (("file", str(path)), ("server", url)):
                rate = concurrent_rate(target, args.clients, args.seconds, 20 if name == "file" else 50)
                print(f"{args.clients} concurrent clients, {name}: {rate:.0f} entries/s")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
