"""Is the book's folder a safe place for an SQLite file?

SQLite relies on the operating system's file locks and on ``fsync`` for its atomic commit; network file
systems break the first and cloud-sync clients (OneDrive, 坚果云, 百度网盘 …) copy or roll back the file
behind SQLite's back.  ``classify_location`` looks only at the path and the mount table, never opens the
file, and returns a verdict the app shows before opening or creating a book there.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

LocationKind = Literal["local", "network", "cloud_sync", "removable"]

# GetDriveTypeW results (winbase.h).
DRIVE_REMOVABLE = 2
DRIVE_REMOTE = 4
DRIVE_CDROM = 5

NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "davfs", "9p", "fuse",
    "afs", "ceph", "glusterfs", "lustre", "ncpfs", "coda", "vboxsf", "prl_fs",
    "afpfs", "webdav", "macfuse", "osxfuse",  # macOS names, as psutil reports them
})

# Folder names of sync clients, compared case-insensitively (casefold) on every platform.
CLOUD_FOLDER_NAMES: Mapping[str, str] = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "iclouddrive": "iCloud 云盘",
    "icloud drive": "iCloud 云盘",
    "com~apple~clouddocs": "iCloud 云盘",
    "mobile documents": "iCloud 云盘",
    "坚果云": "坚果云",
    "我的坚果云": "坚果云",
    "nutstore": "坚果云",
    "nutstore files": "坚果云",
    "百度网盘": "百度网盘",
    "百度云同步盘": "百度网盘",
    "baidunetdisk": "百度网盘",
    "baidunetdiskworkspace": "百度网盘",
    "baidusyncdisk": "百度网盘",
    "腾讯微云": "腾讯微云",
    "微云同步盘": "腾讯微云",
    "weiyunsync": "腾讯微云",
    "阿里云盘": "阿里云盘",
    "adrive": "阿里云盘",
    "seafile": "Seafile",
    "seadrive": "Seafile",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "box sync": "Box",
}
# Prefixes for folders that carry an account or company name ("OneDrive - 某某公司", "Dropbox (个人)").
CLOUD_FOLDER_PREFIXES: Sequence[tuple[str, str]] = (
    ("onedrive - ", "OneDrive"),
    ("onedrive-", "OneDrive"),  # macOS: ~/Library/CloudStorage/OneDrive-Personal
    ("dropbox (", "Dropbox"),
    ("dropbox-", "Dropbox"),
    ("googledrive-", "Google Drive"),
    ("box-", "Box"),
)
# Names that mean a sync root only directly under a drive root (Google Drive for desktop mounts G:\My Drive).
CLOUD_ROOT_NAMES: Mapping[str, str] = {"my drive": "Google Drive", "我的云端硬盘": "Google Drive"}
ONEDRIVE_ENV_VARS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")

_UNC_EXTENDED = re.compile(r"^[\\/]{2}[?.][\\/]UNC[\\/]", re.IGNORECASE)
_EXTENDED = re.compile(r"^[\\/]{2}[?.][\\/]")
_MOUNT_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True, slots=True)
class LocationVerdict:
    """``safe`` is False for network shares, cloud-sync folders and removable disks; ``reason`` says why
    and how to fix it, in Chinese, for the user; ``detail`` names what matched (share, mount, folder)."""

    safe: bool
    kind: LocationKind
    reason: str
    detail: str = ""


def classify_location(
    path: str | os.PathLike[str],
    *,
    platform: str = sys.platform,
    mounts: list[tuple[str, str]] | None = None,
    env: Mapping[str, str] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> LocationVerdict:
    """Say whether ``path`` (the book file, or the folder it would go in) is on a local disk.

    Refuses (``safe=False``): Windows UNC paths (``\\\\server\\share``, ``//server/share``,
    ``\\\\?\\UNC\\…``), mapped network drives (``GetDriveTypeW`` == DRIVE_REMOTE), removable drives,
    POSIX mounts of a network or FUSE file system (nfs, cifs, smb3, sshfs, fuse.*, 9p …), and folders of
    cloud-sync clients (OneDrive, Dropbox, 坚果云, 百度网盘, 腾讯微云, 阿里云盘, iCloud …), including
    the folders named by the ``OneDrive*`` environment variables.

    ``mounts`` is a list of (mount point, fs type), ``drive_type`` maps ``"Z:\\\\"`` to a
    ``GetDriveTypeW`` code, ``env`` replaces ``os.environ``; each defaults to the running system's, and
    a fake ``platform`` with no injected source simply skips that source.  Symlinks (and on Windows
    junctions, which may reveal a share behind a drive letter) are resolved only when nothing is
    injected, i.e. against the live system; the file itself is never opened.
    """
    windows = platform.startswith("win")
    env = os.environ if env is None else env
    raw = os.fspath(path)
    native = platform == sys.platform  # symlinks are resolved only against the live system
    if windows:
        verdict, norm = _classify_windows(raw, native and drive_type is None, drive_type)
    else:
        if mounts is None:
            norm = os.path.realpath(raw) if native else posixpath.normpath(raw)
            mounts = _system_mounts(platform) if native else []
        else:
            norm = posixpath.normpath(posixpath.join("/", raw))
        verdict = _classify_mount(norm, mounts, windows)
    if verdict is not None:
        return verdict
    cloud = _cloud_folder(norm, windows, env)
    if cloud is not None:
        return cloud
    return LocationVerdict(True, "local", "数据库文件位于本机磁盘,可以安全使用。")


def _suggest(windows: bool) -> str:
    if windows:
        return "本机磁盘上不被同步的文件夹,例如 D:\\编制数据"
    return "本机磁盘上不被同步的文件夹,例如用户主目录下的「文档」(Documents)"


def _network(detail: str, windows: bool) -> LocationVerdict:
    reason = (
        f"数据库文件位于网络位置({detail})。数据库放在网络共享盘上时文件锁不可靠,"
        f"断网或多人同时打开都可能损坏数据。请把文件移到{_suggest(windows)},再用本程序打开。"
    )
    return LocationVerdict(False, "network", reason, detail)


def _removable(detail: str, windows: bool) -> LocationVerdict:
    reason = (
        f"数据库文件位于可移动磁盘({detail},如 U 盘、移动硬盘或光盘)上。写入时拔出磁盘或接触不良会损坏数据。"
        f"请把文件复制到{_suggest(windows)},U 盘只用来存放备份。"
    )
    return LocationVerdict(False, "removable", reason, detail)


def _cloud(name: str, folder: str, windows: bool) -> LocationVerdict:
    reason = (
        f"数据库文件位于 {name} 的同步文件夹「{folder}」内。同步软件会在程序写入时复制或回退文件,"
        f"可能损坏数据或产生冲突副本。请把文件移到{_suggest(windows)};"
        "需要异地保存时,请用“备份”功能把备份文件存进同步文件夹。"
    )
    return LocationVerdict(False, "cloud_sync", reason, folder)


# --- Windows ---------------------------------------------------------------------------------------------

def _classify_windows(
    raw: str, native: bool, drive_type: Callable[[str], int] | None
) -> tuple[LocationVerdict | None, str]:
    if native:
        raw = os.path.realpath(raw)  # resolves symlinks/junctions; a mapped drive may come back as UNC
    if _UNC_EXTENDED.match(raw):
        rest = raw[8:].replace("/", "\\")
        return _network("\\\\" + "\\".join(rest.split("\\")[:2]), True), raw
    if _EXTENDED.match(raw):
        raw = raw[4:]  # \\?\C:\… is the plain C:\…; \\?\Volume{…}\ stays local
    norm = ntpath.normpath(raw)
    drive, _ = ntpath.splitdrive(norm)
    if drive[:2] in ("\\\\", "//"):
        return _network(drive.replace("/", "\\"), True), norm
    if len(drive) == 2 and drive[1] == ":":
        if drive_type is None and native:
            drive_type = _windows_drive_type
        code = drive_type(drive.upper() + "\\") if drive_type is not None else 0
        if code == DRIVE_REMOTE:
            return _network(f"映射的网络驱动器 {drive.upper()}", True), norm
        if code in (DRIVE_REMOVABLE, DRIVE_CDROM):
            return _removable(f"驱动器 {drive.upper()}", True), norm
    return None, norm


def _windows_drive_type(root: str) -> int:  # pragma: no cover - only runs on Windows
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return 0
    return int(windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


# --- POSIX mounts ----------------------------------------------------------------------------------------

def _system_mounts(platform: str) -> list[tuple[str, str]]:
    """(mount point, fs type) of the running system; an empty list when it cannot be read."""
    if platform.startswith("linux"):
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="surrogateescape") as f:
                return parse_proc_mounts(f.read())
        except OSError:
            pass
    try:
        import psutil

        return [(p.mountpoint, p.fstype) for p in psutil.disk_partitions(all=True)]
    except Exception:
        return []


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """Parse /proc/self/mounts text (octal escapes such as ``\\040`` for a space are decoded)."""
    result = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mount_point = _MOUNT_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[1])
            result.append((mount_point, fields[2]))
    return result


def is_network_fstype(fstype: str) -> bool:
    """True for network file systems and FUSE ones (``fuse.sshfs``, ``fuse.rclone`` …)."""
    t = fstype.lower()
    return t in NETWORK_FSTYPES or t.startswith(("fuse.", "nfs"))


def _classify_mount(path: str, mounts: list[tuple[str, str]], windows: bool) -> LocationVerdict | None:
    best: tuple[str, str] | None = None
    for mount_point, fstype in mounts:
        mp = mount_point.rstrip("/") or "/"
        inside = mp == "/" or path == mp or path.startswith(mp + "/")
        if inside and (best is None or len(mp) >= len(best[0])):  # >=: a later mount hides an earlier one
            best = (mp, fstype)
    if best is not None and is_network_fstype(best[1]):
        return _network(f"{best[1]} 挂载点 {best[0]}", windows)
    return None


# --- cloud-sync folders ----------------------------------------------------------------------------------

def _components(path: str, windows: bool) -> tuple[str, list[str]]:
    if windows:
        drive, rest = ntpath.splitdrive(path)
        return drive, [p for p in re.split(r"[\\/]+", rest) if p]
    return "", [p for p in path.split("/") if p]


def _cloud_folder(path: str, windows: bool, env: Mapping[str, str]) -> LocationVerdict | None:
    drive, parts = _components(path, windows)
    for i, part in enumerate(parts):
        key = part.casefold().strip()
        name = CLOUD_FOLDER_NAMES.get(key)
        if name is None:
            name = next((n for prefix, n in CLOUD_FOLDER_PREFIXES if key.startswith(prefix)), None)
        if name is None and i == 0:
            name = CLOUD_ROOT_NAMES.get(key)
        if name is None and key == "cloudstorage" and i > 0 and parts[i - 1].casefold() == "library":
            name = "macOS 云存储"
        if name is not None:
            return _cloud(name, part, windows)
    for var in ONEDRIVE_ENV_VARS:
        root = env.get(var, "").strip()
        if not root:
            continue
        root_drive, root_parts = _components(ntpath.normpath(root) if windows else posixpath.normpath(root),
                                             windows)
        fold = str.casefold if windows else str
        prefix = [fold(p) for p in parts[: len(root_parts)]]
        if root_parts and fold(root_drive) == fold(drive) and prefix == [fold(p) for p in root_parts]:
            return _cloud("OneDrive", root_parts[-1], windows)
    return None
