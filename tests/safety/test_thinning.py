"""GFS thinning on a synthetic 400-day series of backups (manifests only, no real SQLite needed)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest

from bianzhi_app.safety.backup import list_backups, thin_backups
from bianzhi_app.safety.retention import select_kept

NOW = dt.datetime(2026, 11, 29, 18, 0)  # a Sunday, ISO week 2026-W48


def fake_backup(folder: Path, when: dt.datetime, *, stem: str = "book", pinned: bool = False) -> Path:
    path = folder / f"{stem}-{when:%Y%m%d-%H%M%S}.bak"
    path.write_bytes(b"x")
    manifest = {"format": "bianzhi-backup/1", "created": when.astimezone().isoformat(), "size": 1,
                "sha256": "0" * 64, "tables": {}, "source": f"{stem}.db", "pinned": pinned, "extra": {}}
    path.with_name(path.name + ".json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


def _series(folder: Path, stem: str = "book") -> int:
    """One backup a day at 17:00 for 400 days; the last 8 days also have one at 09:00."""
    day0 = NOW.date() - dt.timedelta(days=399)
    for i in range(400):
        day = dt.datetime.combine(day0 + dt.timedelta(days=i), dt.time())
        if i >= 392:
            fake_backup(folder, day.replace(hour=9), stem=stem)
        fake_backup(folder, day.replace(hour=17), stem=stem)
    return 408


def _names(days: list[str], hour: int = 17) -> set[str]:
    return {f"book-{d.replace('-', '')}-{hour:02d}0000.bak" for d in days}


EXPECTED = (
    # keep_daily=7: the newest (17:00) of each of the last 7 days
    _names(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"])
    # keep_within=24h before 18:00 on the 29th: this morning's too
    | _names(["2026-11-29"], hour=9)
    # keep_weekly=4: the Sundays of W48 (above), W47, W46, W45
    | _names(["2026-11-22", "2026-11-15", "2026-11-08"])
    # keep_monthly=12: the last day of each month, December 2025 .. November 2026
    | _names(["2026-10-31", "2026-09-30", "2026-08-31", "2026-07-31", "2026-06-30", "2026-05-31",
              "2026-04-30", "2026-03-31", "2026-02-28", "2026-01-31", "2025-12-31"])
)


def test_thinning_a_400_day_series_keeps_the_gfs_set(tmp_path: Path) -> None:
    total = _series(tmp_path)
    assert len(list_backups(tmp_path)) == total
    removed = thin_backups(tmp_path, now=NOW)
    kept = {b.path.name for b in list_backups(tmp_path)}
    assert kept == EXPECTED and len(kept) == 22
    assert len(removed) == total - 22 and not any(p.exists() for p in removed)
    assert removed[0].name == "book-20251026-170000.bak"  # oldest first
    assert "book-20261128-090000.bak" in {p.name for p in removed}  # not the newest of its day
    # every remaining file still has its manifest; no orphan manifests
    assert len(list(tmp_path.glob("*.json"))) == 22
    assert thin_backups(tmp_path, now=NOW) == []  # idempotent


def test_thinning_never_deletes_the_newest_pinned_future_or_foreign(tmp_path: Path) -> None:
    old = dt.datetime(2020, 1, 1, 12)
    newest = fake_backup(tmp_path, old)
    pinned = fake_backup(tmp_path, old - dt.timedelta(days=900), pinned=True)
    plain = fake_backup(tmp_path, old - dt.timedelta(days=1))
    future = fake_backup(tmp_path, NOW + dt.timedelta(days=30), stem="other")
    other_old = fake_backup(tmp_path, old, stem="other")
    stranger = tmp_path / "notes.txt"
    stranger.write_text("留着", encoding="utf-8")
    removed = thin_backups(tmp_path, keep_daily=0, keep_weekly=0, keep_monthly=0, now=NOW)
    assert removed == [plain, other_old]
    assert newest.exists() and pinned.exists() and future.exists() and stranger.exists()


def test_interrupted_temp_files_are_cleaned_after_a_day(tmp_path: Path) -> None:
    stale = tmp_path / ".bianzhi-tmp-abc.tmp"
    fresh = tmp_path / ".bianzhi-tmp-def.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    old = time.time() - 2 * 86400
    os.utime(stale, (old, old))
    thin_backups(tmp_path, now=NOW)
    assert not stale.exists() and fresh.exists()


def test_select_kept_counts_periods_that_have_backups() -> None:
    # Three days of use, then a two-month holiday: nothing more is thinned because time passed.
    stamps = {n: dt.datetime(2026, 9, 1 + n, 10) for n in range(3)}
    kept = select_kept(stamps, now=dt.datetime(2026, 11, 29), keep_daily=3, keep_weekly=0, keep_monthly=0)
    assert kept == {0, 1, 2}
    assert select_kept({}, now=NOW) == set()
    with pytest.raises(ValueError):
        select_kept(stamps, now=NOW, keep_daily=-1)
