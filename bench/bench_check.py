"""`check` now (chain with replay, schema fingerprint, anchors, every counter) vs a baseline revision from before
issue 14, each on a demo book its own tree built, as processes run in turn (not collected by pytest).

    .venv/bin/python bench/bench_check.py [--baseline REV] [--scales county city province] [--runs 3]
                                          [--cache DIR]

Each tree (the baseline taken with `git archive REV`, ours the working tree) builds its demo book of each scale
once (kept in --cache, named by commit and scale, so a second run skips the minutes a province takes), then
`check` runs on both books alternately (baseline first in odd rounds, ours first in even ones) with the same
interpreter, signed in as the demo's auditor. Prints the median wall time of each and the ratio ours / baseline
(issue 14's target: ≤ 2× on the province). The witness file and backups go to a temporary folder.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT
from bench_demo import export_tree

BASELINE = "6a3b355"  # the last commit before issue 14 (no head check, fingerprint, anchors or replay)
PASSWORD = "Bench-2026"


def environment(tree: Path, work: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "BIANZHI_PASSWORD": PASSWORD, "BIANZHI_USER": "auditor",
           "BIANZHI_WITNESS": str(work / "witness.json"), "BIANZHI_BACKUP_DIR": str(work / "backups")}
    env.pop("BIANZHI_DB", None)
    return env


def book(tree: Path, commit: str, scale: str, cache: Path, work: Path) -> Path:
    """The demo book of ``scale`` built by ``tree`` (once; kept in the cache)."""
    path = cache / f"check-{commit}-{scale}.db"
    if not path.exists():
        print(f"building the {scale} demo with {commit} …", file=sys.stderr, flush=True)
        partial = path.with_name(path.name + ".partial")
        for leftover in cache.glob(f"{partial.name}*"):
            leftover.unlink()
        subprocess.run([sys.executable, str(tree / "main.py"), "--db", str(partial), "demo", "--scale", scale],
                       cwd=tree, env=environment(tree, work), check=True, stdout=subprocess.DEVNULL)
        partial.rename(path)
    return path


def check(tree: Path, path: Path, work: Path) -> float:
    """Wall time of one `check` of ``path`` by ``tree`` (which must pass)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(tree / "main.py"), "--db", str(path), "check"], cwd=tree,
                          env=environment(tree, work), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"check failed ({done.returncode}) on {path.name}: {done.stderr.strip()[-400:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--scales", nargs="+", default=["county", "city"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench-check")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        baseline = work / "baseline"
        baseline.mkdir()
        commit = export_tree(args.baseline, baseline)
        from bianzhi_app.db import SCHEMA_HEAD

        ours = f"schema{SCHEMA_HEAD}"  # any build of ours at this schema serves (the cache outlives commits)
        for tree in (baseline, ROOT):
            compileall.compile_dir(tree / "bianzhi_app", quiet=1)
        trees = {"baseline": (baseline, commit), "ours": (ROOT, ours)}
        for scale in args.scales:
            books = {name: book(tree, rev, scale, args.cache, work) for name, (tree, rev) in trees.items()}
            times: dict[str, list[float]] = {"baseline": [], "ours": []}
            for run in range(args.runs):
                order = ("baseline", "ours") if run % 2 == 0 else ("ours", "baseline")
                for name in order:
                    times[name].append(check(trees[name][0], books[name], work))
            med = {name: statistics.median(t) for name, t in times.items()}
            print(f"check --scale {scale}, median of {args.runs}: baseline {commit} {med['baseline']:.1f} s, "
                  f"ours {med['ours']:.1f} s, ratio {med['ours'] / med['baseline']:.2f} (target ≤ 2); "
                  f"runs baseline {', '.join(f'{t:.1f}' for t in times['baseline'])}, "
                  f"ours {', '.join(f'{t:.1f}' for t in times['ours'])}", flush=True)


if __name__ == "__main__":
    main()
