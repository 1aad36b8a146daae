"""Helpers shared by the benchmarks: cached demo books and timing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def demo_book(cache: Path, scale: str) -> Path:
    """A demo book of `scale` in the cache folder, generated once (province takes minutes)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{scale}.db"
    if not path.exists():
        print(f"generating {scale} demo into {path} …", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), "demo", "--scale", scale],
                       check=True)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    return path


def working_copy(path: Path, workdir: Path) -> Path:
    target = workdir / path.name
    shutil.copy(path, target)
    return target


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
