"""The demo build (`main.py demo --scale S`) now vs a baseline revision, as processes run in turn (not collected
by pytest).

    .venv/bin/python bench/bench_demo.py [--baseline REV] [--scales county city province] [--runs 3]

The baseline's tree is taken with `git archive REV` into a temporary folder (the repository is not touched),
both trees are byte-compiled first, then for each scale the two builds run alternately (baseline first in odd
rounds, ours first in even ones) with the same interpreter, each into a new file that is deleted afterwards.
Prints the median wall time of each and the ratio ours / baseline. The default baseline is the commit before
accounts (issue 15: every typed-API call now checks its permission, and the demo gets its five accounts); the
target is ≤ 1.1× on the province. A province build takes several minutes per run: `--runs 1` there.

The demo's accounts cost a fixed ~0.7 s whatever the scale (seven scrypt hashes: five passwords, the recovery
key, the admin's sign-in to add the others). That cost is measured alone (`create_demo_accounts` on an empty
book, in a child process of our tree) and the ratio without it is printed as well, so a small book's ratio
shows what the scale-dependent part costs.
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _common import ROOT

BASELINE = "76b0bc7^"  # the commit before "Accounts core (issue 15)"


def export_tree(rev: str, into: Path) -> str:
    """The tree of ``rev`` extracted into ``into``; returns the commit's short hash."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    data = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return commit


def build(tree: Path, scale: str, work: Path) -> float:
    """Wall time of one demo build from ``tree`` into a new file (deleted afterwards)."""
    db = work / f"{tree.name}-{scale}.db"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("BIANZHI_DB", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(tree / "main.py"), "--db", str(db), "demo", "--scale", scale],
                   cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    for leftover in work.glob(f"{db.name}*"):
        leftover.unlink()
    return seconds


ACCOUNTS_COST = """
import statistics, sys, tempfile, time
from pathlib import Path
from bianzhi_app.book import Book
from bianzhi_app.demo.accounts import create_demo_accounts
times = []
for i in range(3):
    with Book.open(Path(tempfile.mkdtemp()) / "a.db") as book:
        book.region.init(name="杨陵区", code="610403")
        start = time.perf_counter()
        create_demo_accounts(book)
        times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def accounts_cost(tree: Path) -> float:
    """Seconds the demo's accounts take on their own (0 when the tree has none)."""
    done = subprocess.run([sys.executable, "-c", ACCOUNTS_COST], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                          capture_output=True, text=True)
    return float(done.stdout) if done.returncode == 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--scales", nargs="+", default=["county", "city"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        baseline = work / "baseline"
        baseline.mkdir()
        commit = export_tree(args.baseline, baseline)
        for tree in (baseline, ROOT):
            compileall.compile_dir(tree / "bianzhi_app", quiet=1)
        trees = {"baseline": baseline, "ours": ROOT}
        fixed = accounts_cost(ROOT)
        print(f"the demo's accounts alone (ours): {fixed:.2f} s", flush=True)
        for scale in args.scales:
            times: dict[str, list[float]] = {"baseline": [], "ours": []}
            for run in range(args.runs):
                order = ("baseline", "ours") if run % 2 == 0 else ("ours", "baseline")
                for name in order:
                    times[name].append(build(trees[name], scale, work))
            med = {name: statistics.median(t) for name, t in times.items()}
            print(f"demo --scale {scale}, median of {args.runs}: baseline {commit} {med['baseline']:.1f} s, "
                  f"ours {med['ours']:.1f} s, ratio {med['ours'] / med['baseline']:.2f} (target ≤ 1.1), "
                  f"{(med['ours'] - fixed) / med['baseline']:.2f} without the accounts' fixed {fixed:.1f} s; "
                  f"runs baseline {', '.join(f'{t:.1f}' for t in times['baseline'])}, "
                  f"ours {', '.join(f'{t:.1f}' for t in times['ours'])}", flush=True)


if __name__ == "__main__":
    main()
