"""Online backups of the book, in the manner of Anki's automatic backups and KeePassXC's atomic save.

A backup is one self-contained SQLite file ``<stem>-YYYYMMDD-HHMMSS.bak`` (rollback-journal mode, no
``-wal``) plus a JSON sidecar ``….bak.json`` (the manifest: sha256, size, row count of each table, the
creation time, the app and SQLite versions and whatever the caller adds, e.g. the ledger head).  It is
made with SQLite's online backup API into a temp file in the backup folder, checked, fsync'ed and only
then renamed into place, so a backup that exists is complete; a failure leaves no temp file behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bianzhi_app import __version__
from bianzhi_app.errors import BianzhiError, CheckFailed
from bianzhi_app.safety import _files
from bianzhi_app.safety.check import CheckResult, quick_check
from bianzhi_app.safety.retention import DEFAULT_KEEP_WITHIN, as_local, select_kept

BACKUP_SUFFIX = ".bak"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = "bianzhi-backup/1"
STALE_TEMP_AGE = 24 * 3600.0

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.bak$")

__all__ = [
    "BackupCorrupt", "BackupFailed", "BackupInfo", "CheckResult", "list_backups", "make_backup",
    "manifest_path_for", "quick_check", "thin_backups", "verify_backup",
]


class BackupFailed(BianzhiError):
    """A backup or restore could not be made; nothing was changed (the message says so)."""


class BackupCorrupt(CheckFailed):
    """A backup file is damaged, altered, or lacks its manifest; it must not be restored."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and its manifest.  ``manifest_ok`` is False when the sidecar is missing or
    unreadable (then ``created`` comes from the file name); ``verified`` is True only when this process
    just checked the file (``make_backup``, ``verify_backup``).  ``pre_restore`` is set by
    ``restore_backup``: the backup of the book taken just before it was overwritten."""

    path: Path
    created: dt.datetime
    size: int
    sha256: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    app_version: str = ""
    sqlite_version: str = ""
    pinned: bool = False
    manifest_ok: bool = False
    verified: bool = False
    pre_restore: BackupInfo | None = None

    @property
    def manifest_path(self) -> Path:
        return manifest_path_for(self.path)

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def manifest_path_for(backup: str | os.PathLike[str]) -> Path:
    """``book-20261129-090000.bak`` -> ``book-20261129-090000.bak.json``."""
    p = Path(backup)
    return p.with_name(p.name + MANIFEST_SUFFIX)


def _aware(now: dt.datetime | None) -> dt.datetime:
    return as_local(now) if now is not None else dt.datetime.now().astimezone()


def _target_name(folder: Path, stem: str, created: dt.datetime) -> Path:
    base = f"{stem}-{created.strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while True:
        candidate = folder / (f"{base}{BACKUP_SUFFIX}" if n == 1 else f"{base}-{n}{BACKUP_SUFFIX}")
        if not candidate.exists() and not manifest_path_for(candidate).exists():
            return candidate
        n += 1


def make_backup(
    db_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str],
    *,
    manifest_extra: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    pinned: bool = False,
    immutable_source: bool = False,
) -> BackupInfo:
    """Back up the book at ``db_path`` into ``dest_dir`` (created if needed) and return its info.

    Safe while the app has the book open: the online backup API copies one consistent snapshot,
    including what is still in the ``-wal``.  ``manifest_extra`` (JSON-serialisable, e.g. the ledger
    head ``{"seq": …, "hash": …}``) is stored in the manifest under ``extra``; ``pinned`` backups are
    never thinned.  Refuses with ``BackupFailed`` (and leaves no temp file, the book untouched) when
    the book is missing or damaged, or the folder is full, read-only or otherwise unwritable.
    """
    db = Path(db_path)
    dest = Path(dest_dir)
    if not db.is_file():
        raise BackupFailed(f"备份失败:找不到数据库文件「{db}」。")
    created = _aware(now)
    extra = dict(manifest_extra or {})
    try:
        json.dumps(extra)
    except (TypeError, ValueError) as e:
        raise BackupFailed(f"备份失败:附加的清单信息无法保存为 JSON({e})。") from e
    tmp: Path | None = None
    final: Path | None = None
    try:
        dest.mkdir(parents=True, exist_ok=True)
        tmp = _files.make_temp(dest)
        stats = _files.copy_database(db, tmp, full_check=True, immutable_source=immutable_source)
        _files.fsync_file(tmp)
        digest, size = _files.sha256_file(tmp)
        final = _target_name(dest, db.stem, created)
        manifest = {
            "format": MANIFEST_FORMAT, "file": final.name, "source": db.name,
            "created": created.isoformat(timespec="seconds"), "size": size, "sha256": digest,
            "tables": stats.tables, "page_size": stats.page_size, "page_count": stats.page_count,
            "user_version": stats.user_version, "app_version": __version__,
            "sqlite_version": sqlite3.sqlite_version, "pinned": pinned, "extra": extra,
        }
        _files.write_json_atomic(manifest_path_for(final), manifest)
        os.replace(tmp, final)
        tmp = final  # from here on, a failure removes the placed file too
        _files.fsync_dir(dest)
        remember_folder(dest)
    except _files.SourceCorrupt as e:
        _files.remove_quietly(tmp, final and manifest_path_for(final))
        raise BackupFailed(
            f"备份失败:数据库「{db.name}」没有通过完整性检查({e.problems[0]}),已损坏的数据不做备份。"
            "请先运行数据库检查,必要时从较早的备份恢复。"
        ) from e
    except (OSError, sqlite3.Error) as e:
        _files.remove_quietly(tmp, final and manifest_path_for(final))
        raise BackupFailed(f"备份失败:{_files.explain(e, dest)}。数据库本身没有改动。") from e
    assert final is not None
    return BackupInfo(
        path=final, created=created, size=size, sha256=digest, tables=stats.tables, extra=extra,
        source=db.name, app_version=__version__, sqlite_version=sqlite3.sqlite_version, pinned=pinned,
        manifest_ok=True, verified=True,
    )


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(manifest_path_for(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    return data


def _load_info(path: Path) -> BackupInfo:
    """Info from the manifest, or a bare one from the file name and stat when the manifest is bad."""
    st = path.stat()
    data = _read_manifest(path)
    if data is not None:
        try:
            return BackupInfo(
                path=path, created=as_local(dt.datetime.fromisoformat(str(data["created"]))),
                size=int(data["size"]), sha256=str(data["sha256"]),
                tables={str(k): int(v) for k, v in dict(data.get("tables", {})).items()},
                extra=dict(data.get("extra") or {}), source=str(data.get("source", "")),
                app_version=str(data.get("app_version", "")),
                sqlite_version=str(data.get("sqlite_version", "")),
                pinned=bool(data.get("pinned", False)), manifest_ok=True,
            )
        except (KeyError, TypeError, ValueError):
            pass
    m = _NAME.match(path.name)
    try:
        created = as_local(dt.datetime.strptime(m.group("stamp"), "%Y%m%d-%H%M%S")) if m else None
    except ValueError:
        created = None
    if created is None:
        created = dt.datetime.fromtimestamp(st.st_mtime).astimezone()
    source = m.group("stem") + ".db" if m else path.name
    return BackupInfo(path=path, created=created, size=st.st_size, source=source)


def list_backups(dest_dir: str | os.PathLike[str]) -> list[BackupInfo]:
    """Backups in ``dest_dir`` (files named ``<stem>-YYYYMMDD-HHMMSS.bak``), newest first; an empty list
    when the folder does not exist.  Other files are ignored.  Nothing is verified (see verify_backup)."""
    folder = Path(dest_dir)
    if not folder.is_dir():
        return []
    infos = []
    for p in folder.iterdir():
        if _NAME.match(p.name) and p.is_file():
            try:
                infos.append(_load_info(p))
            except OSError:
                continue  # vanished meanwhile
    infos.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return infos


def verify_backup(path: str | os.PathLike[str], *, require_manifest: bool = True) -> BackupInfo:
    """Check that a backup can be restored: size and sha256 as in its manifest, then a full
    ``integrity_check`` on a read-only connection (the file is never written).

    Refuses with ``BackupCorrupt`` when the file is missing, differs from its manifest, fails the check,
    or has no readable manifest (unless ``require_manifest=False``, for a plain copy of a book).
    """
    p = Path(path)
    if not p.is_file():
        raise BackupCorrupt(f"找不到备份文件「{p}」。")
    info = _load_info(p)
    if not info.manifest_ok and require_manifest:
        raise BackupCorrupt(
            f"备份文件「{p.name}」缺少清单文件「{info.manifest_path.name}」或清单已损坏,无法确认它是否完整。"
        )
    digest, size = _files.sha256_file(p)
    if info.manifest_ok and (size != info.size or digest != info.sha256):
        raise BackupCorrupt(
            f"备份文件「{p.name}」与清单记录不符(大小或校验值不同),文件已被改动或损坏,不能用于恢复。"
        )
    result = quick_check(p, full=True)
    if not result.ok:
        raise BackupCorrupt(f"备份文件「{p.name}」不能用于恢复:{result.message}")
    if not info.manifest_ok:
        info = dataclasses.replace(info, size=size, sha256=digest)
    return dataclasses.replace(info, verified=True)


def thin_backups(
    dest_dir: str | os.PathLike[str],
    *,
    keep_daily: int = 7,
    keep_weekly: int = 4,
    keep_monthly: int = 12,
    keep_within: dt.timedelta = DEFAULT_KEEP_WITHIN,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Delete backups that GFS retention no longer needs (see ``retention``) and return the deleted
    ``.bak`` paths sorted by name (per book, oldest first).  Backups of different books sharing a folder
    are thinned separately.

    Never deletes: the newest backup of each book, backups younger than ``keep_within`` or dated in the
    future, pinned backups (taken before a restore), or files not named like a backup.  Also removes
    temp files of interrupted backups older than a day.  A file that cannot be deleted is skipped.
    """
    folder = Path(dest_dir)
    current = _aware(now)
    groups: dict[str, list[BackupInfo]] = defaultdict(list)
    for b in list_backups(folder):
        groups[b.source].append(b)
    removed: list[Path] = []
    for group in groups.values():
        kept = select_kept(
            {b.path: b.created for b in group}, now=current, keep_daily=keep_daily,
            keep_weekly=keep_weekly, keep_monthly=keep_monthly, keep_within=keep_within,
        )
        for b in group:
            if b.path in kept or b.pinned:
                continue
            try:
                b.path.unlink()
            except OSError:
                continue
            removed.append(b.path)
            manifest_path_for(b.path).unlink(missing_ok=True)
    if folder.is_dir():
        for p in folder.glob(_files.TEMP_PREFIX + "*" + _files.TEMP_SUFFIX):
            try:
                if time.time() - p.stat().st_mtime > STALE_TEMP_AGE:
                    p.unlink()
            except OSError:
                continue
    removed.sort(key=lambda p: p.name)
    return removed


# --- temporary copies left by a killed backup or restore ---------------------------------------------
# A backup is copied into a private (0600) temp file in its folder and renamed when verified; a process killed
# meanwhile leaves a full copy of the book's personal data behind. Every folder a backup went to is remembered
# (in the default backup folder), and at each start the temp copies older than SWEEP_AGE there and beside the
# book are removed; a younger one may belong to a backup still running in another process.
FOLDERS_FILE = ".bianzhi-backup-folders"
SWEEP_AGE = 3600.0


def remember_folder(folder: Path) -> None:
    """Add a folder a backup was written to to the list swept at start (never raises)."""
    from bianzhi_app.settings import backup_dir

    try:
        folder = folder.absolute()
        default = backup_dir()
        if folder == default.absolute():
            return
        listing = default / FOLDERS_FILE
        known = listing.read_text(encoding="utf-8").splitlines() if listing.exists() else []
        if str(folder) not in known:
            default.mkdir(parents=True, exist_ok=True)
            with listing.open("a", encoding="utf-8") as handle:
                handle.write(str(folder) + "\n")
    except OSError:
        pass


def backup_folders() -> list[Path]:
    """The default backup folder and every other folder a backup was written to."""
    from bianzhi_app.settings import backup_dir

    default = backup_dir()
    folders = [default]
    try:
        listing = default / FOLDERS_FILE
        if listing.exists():
            folders += [Path(line) for line in listing.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError:
        pass
    return folders


def sweep_temp_copies(folders: list[Path], *, older_than: float = SWEEP_AGE) -> list[Path]:
    """Remove the temp copies (.bianzhi-tmp-*.tmp and their sidecars) older than ``older_than`` seconds in
    ``folders``; returns what was removed. Never raises."""
    removed: list[Path] = []
    now = time.time()
    for folder in dict.fromkeys(folders):
        try:
            if not folder.is_dir():
                continue
            for p in folder.glob(_files.TEMP_PREFIX + "*" + _files.TEMP_SUFFIX + "*"):
                if now - p.stat().st_mtime > older_than:
                    p.unlink()
                    removed.append(p)
        except OSError:
            continue
    return removed
