"""Data packages (issue 18): a county's `package export` and a city's `package import` through the core
(not collected by pytest).

    .venv/bin/python bench/bench_packages.py [--cache DIR] [--n 5]

The county is the cached county demo (generated on first use, see _common.demo_book; its clerk jingban signs
in). A new city book (咸阳市 610400, its clerk signed in) registers the county's key. Then, n times: export a
package to the city's key (figures, approvals, every person's ID number decrypted and sealed to the city, the
signature over the file, the export event); and import it into a fresh copy of the registered city book
(verify the signature and content, open every ID number and seal it again under the city's data key, one ledger
entry). Prints the medians and the target (≤ 2 s each on this machine).

Then the city with ``--counties`` (default 12) counties: copies of the county demo, each given its own region
code and name by SQL in the copy (a benchmark shortcut: the copies' ledgers still say 杨陵区, which no package
reads) and its own keys, each exporting to the city; the city registers them all and imports the twelve packages
one after another in one process (target ≤ 20 s in all, peak memory ≤ 400 MB: ru_maxrss of this process, which
includes the exports, so an upper bound), then `status --by-region` through the core (target ≤ 1 s) and
`duplicates` (every person of the copies is in all of them: the worst case).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from _common import demo_book, working_copy

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.demo.accounts import DEMO_PASSWORD

COUNTY_CLERK = Credentials("jingban", DEMO_PASSWORD)
CITY_ADMIN = Credentials("admin", "Guanli-2026a")
CITY_CLERK = Credentials("jingban", "Jingban-2026a")
TARGET = 2.0  # seconds, each of export and import


def make_city(path: Path) -> None:
    with Book.open(path) as book:
        book.region.init(name="咸阳市", code="610400")
        book.accounts.create_first(name=CITY_ADMIN.name, password=CITY_ADMIN.password)
    with Book.open(path, account=CITY_ADMIN) as book:
        book.accounts.add(name=CITY_CLERK.name, roles=["clerk"], password=CITY_CLERK.password, must_change=False)
        book.accounts.set_policy(name="review", value="off")


def many_counties(work: Path, source: Path, count: int) -> None:
    """The city of ``count`` counties: imports, status --by-region, duplicates."""
    city = work / "city-many.db"
    make_city(city)
    with Book.open(city, account=CITY_CLERK) as book:
        city_key = book.packages.public_keys().text()
    packages = []
    for i in range(count):
        county = work / f"county-{i:02d}.db"
        shutil.copy(source, county)
        conn = sqlite3.connect(county)
        conn.execute("UPDATE regions SET code = :c, name = :n", {"c": f"6104{i + 10:02d}", "n": f"演示县{i + 1:02d}"})
        conn.commit()
        conn.close()
        with Book.open(county, account=COUNTY_CLERK) as book:
            public = book.packages.public_keys()
            book.packages.export(path=work / f"many-{i:02d}.bzp", to_key_text=city_key)
        with Book.open(city, account=CITY_CLERK) as book:
            book.regions.register(name=public.name, code=public.code, key_text=public.text())
        packages.append(work / f"many-{i:02d}.bzp")
        county.unlink()
    with Book.open(city, account=CITY_CLERK) as book:
        start = time.perf_counter()
        persons = sum(book.packages.import_package(p).persons for p in packages)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        by_region = book.packages.by_region()
        status_seconds = time.perf_counter() - start
        start = time.perf_counter()
        duplicates = book.packages.duplicates()
        duplicates_seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"city of {count} counties: {persons} persons imported in {imported:.2f} s "
          f"(target ≤ 20 s: {'met' if imported <= 20 else 'MISSED'}); peak RSS {peak:.0f} MB "
          f"(target ≤ 400 MB: {'met' if peak <= 400 else 'MISSED'})")
    print(f"status --by-region (core) {status_seconds:.3f} s over {len(by_region['regions'])} regions "
          f"(target ≤ 1 s: {'met' if status_seconds <= 1 else 'MISSED'}); "
          f"duplicates {duplicates_seconds:.2f} s ({len(duplicates)} persons in several regions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench-packages")
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--counties", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        county = working_copy(demo_book(args.cache, "county"), work)
        city = work / "city.db"
        make_city(city)
        with Book.open(city, account=CITY_CLERK) as book:
            city_key = book.packages.public_keys().text()
        with Book.open(county, account=COUNTY_CLERK) as book:
            county_key = book.packages.public_keys()
        with Book.open(city, account=CITY_CLERK) as book:
            book.regions.register(name=county_key.name, code=county_key.code, key_text=county_key.text())
        exports, imports = [], []
        persons = 0
        for i in range(args.n):
            package = work / f"county-{i}.bzp"
            with Book.open(county, account=COUNTY_CLERK) as book:
                start = time.perf_counter()
                manifest = book.packages.export(path=package, to_key_text=city_key)
                exports.append(time.perf_counter() - start)
            persons = manifest["counts"]["persons"]
            copy = work / f"city-{i}.db"
            shutil.copy(city, copy)
            with Book.open(copy, account=CITY_CLERK) as book:
                start = time.perf_counter()
                result = book.packages.import_package(package)
                imports.append(time.perf_counter() - start)
            assert result.imported and result.persons == persons
        size = (work / "county-0.bzp").stat().st_size
        for i in range(args.n):
            (work / f"city-{i}.db").unlink()
        export_median, import_median = statistics.median(exports), statistics.median(imports)
        print(f"county package: {persons} persons, {manifest['counts']['units']} units, {size / 1024:.0f} KiB")
        print(f"export  median {export_median:.3f} s  (min {min(exports):.3f}, max {max(exports):.3f}, n={args.n})")
        print(f"import  median {import_median:.3f} s  (min {min(imports):.3f}, max {max(imports):.3f}, n={args.n})")
        print(f"target ≤ {TARGET:.1f} s each: export {'met' if export_median <= TARGET else 'MISSED'}, "
              f"import {'met' if import_median <= TARGET else 'MISSED'}")
        if args.counties:
            many_counties(work, demo_book(args.cache, "county"), args.counties)


if __name__ == "__main__":
    main()
