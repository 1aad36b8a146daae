"""Importing a city-sized workbook (~150,000 persons) vs reading the same file alone.

Target (issue 13): import --initial ≤ 3× the read, peak memory ≤ 400 MB. Measured on the same 2-core
machine: one ledger entry per person (before 建账) 17.0 s against a 3.1 s read (5.5×), peak 595 MB; one 建账
entry per unit 8.0–8.1 s against 2.9–3.1 s (2.6–2.8×), peak 225 MB (3,600 entries instead of ~136,000).

The workbook is made by exporting a city demo book; each measured phase runs in its own process
so that its peak memory (ru_maxrss) is its own:

    python bench/bench_import.py [--cache DIR] [--book CITY.db]

read    read_workbook(file) only
import  import_workbook(empty book, file, initial=True): read + every rule + ledger (one 建账 entry per
        unit), one transaction
export  export_book(city book, file) (reported for information)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, Timer, demo_book


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(phase: str, book: Path, workbook: Path) -> None:
    from bianzhi_app.book import Book

    with Timer() as timer:
        if phase == "export":
            from bianzhi_app.io.export import export_book

            with Book.open(book, actor="bench") as b:
                counts = export_book(b, workbook)
        elif phase == "read":
            from bianzhi_app.io.workbook import read_workbook

            parsed = read_workbook(workbook)
            counts = {"units": len(parsed.units), "persons": len(parsed.persons), "problems": len(parsed.problems)}
        else:
            from bianzhi_app.io.importer import import_workbook

            with Book.open(book, actor="bench") as b:
                result = import_workbook(b, workbook, initial=True)
            counts = {**result.imported, "problems": len(result.problems), "committed": result.committed,
                      "ledger_entries": b.head().seq}
    print(json.dumps({"seconds": timer.seconds, "peak_mb": _peak_mb(), "counts": counts}))


def run(phase: str, book: Path, workbook: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--book", str(book), "--workbook",
                          str(workbook)], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench")
    parser.add_argument("--book", type=Path, help="an existing city book (default: generated into --cache)")
    parser.add_argument("--phase", choices=("read", "import", "export"), help=argparse.SUPPRESS)
    parser.add_argument("--workbook", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args.phase, args.book, args.workbook)
        return
    city = args.book or demo_book(args.cache, "city")
    with tempfile.TemporaryDirectory() as work:
        workbook = Path(work) / "city.xlsx"
        exported = run("export", city, workbook)
        read = run("read", city, workbook)
        imported = run("import", Path(work) / "empty.db", workbook)
    assert imported["counts"]["committed"], imported
    persons = imported["counts"]["persons_entered"]
    ratio = imported["seconds"] / read["seconds"]
    print(f"export of {exported['counts']['persons']:,} persons: {exported['seconds']:.1f} s, "
          f"peak {exported['peak_mb']:.0f} MB, file {workbook.name}")
    print(f"read_workbook alone: {read['seconds']:.1f} s, peak {read['peak_mb']:.0f} MB")
    print(f"import --initial ({imported['counts']['units_added']:,} units, {persons:,} persons, "
          f"{imported['counts']['posts_appointed']:,} posts, {imported['counts']['ledger_entries']:,} ledger "
          f"entries): {imported['seconds']:.1f} s, peak {imported['peak_mb']:.0f} MB (target ≤ 400)")
    print(f"ratio import / read = {ratio:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
