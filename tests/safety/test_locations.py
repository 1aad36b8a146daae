"""classify_location: a matrix of Windows / Linux / macOS paths, then the real mount table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bianzhi_app.safety.locations import (
    DRIVE_REMOTE,
    DRIVE_REMOVABLE,
    classify_location,
    parse_proc_mounts,
)

DRIVES = {"Z:\\": DRIVE_REMOTE, "Y:\\": DRIVE_REMOTE, "E:\\": DRIVE_REMOVABLE, "C:\\": 3, "D:\\": 3}


def _drive_type(root: str) -> int:
    return DRIVES.get(root, 3)


WINDOWS_CASES = [
    (r"C:\Users\zhang\Documents\book.db", "local"),
    (r"D:\编制数据\book.db", "local"),
    (r"\\server\share\book.db", "network"),
    (r"\\192.168.1.5\编办\book.db", "network"),
    ("//server/share/book.db", "network"),
    (r"\\?\UNC\server\share\book.db", "network"),
    (r"\\?\C:\编制数据\book.db", "local"),
    (r"\\wsl$\Ubuntu\home\zhang\book.db", "network"),
    (r"Z:\编办\book.db", "network"),
    (r"z:\book.db", "network"),
    (r"E:\book.db", "removable"),
    (r"C:\Users\zhang\OneDrive\文档\book.db", "cloud_sync"),
    (r"c:\users\zhang\onedrive\book.db", "cloud_sync"),
    (r"C:\Users\zhang\OneDrive - 某某县委编办\book.db", "cloud_sync"),
    (r"C:\Users\zhang\OneDriveBackup\book.db", "local"),
    (r"C:\Users\zhang\Dropbox\book.db", "cloud_sync"),
    (r"C:\Users\zhang\Dropbox (个人)\book.db", "cloud_sync"),
    (r"C:\Users\zhang\Google Drive\book.db", "cloud_sync"),
    (r"G:\My Drive\编办\book.db", "cloud_sync"),
    (r"D:\docs\my drive\book.db", "local"),
    (r"C:\Users\zhang\iCloudDrive\book.db", "cloud_sync"),
    (r"D:\坚果云\book.db", "cloud_sync"),
    (r"D:\Nutstore\我的坚果云\book.db", "cloud_sync"),
    (r"D:\百度网盘\book.db", "cloud_sync"),
    (r"D:\BaiduNetdiskWorkspace\book.db", "cloud_sync"),
    (r"D:\BaiduSyncdisk\book.db", "cloud_sync"),
    (r"D:\BaiduNetdiskDownload\book.db", "local"),  # the download folder is not synced
    (r"D:\腾讯微云\book.db", "cloud_sync"),
    (r"D:\WeiyunSync\book.db", "cloud_sync"),
    (r"D:\阿里云盘\book.db", "cloud_sync"),
    (r"D:\aDrive\book.db", "cloud_sync"),
    (r"C:\Users\zhang\Seafile\My Library\book.db", "cloud_sync"),
    (r"C:\Users\zhang\Nextcloud\book.db", "cloud_sync"),
    (r"C:\Users\zhang\ownCloud\book.db", "cloud_sync"),
]


@pytest.mark.parametrize(("path", "kind"), WINDOWS_CASES)
def test_windows_matrix(path: str, kind: str) -> None:
    verdict = classify_location(path, platform="win32", env={}, drive_type=_drive_type)
    assert verdict.kind == kind, verdict
    assert verdict.safe is (kind == "local")
    if not verdict.safe:
        assert "本机磁盘" in verdict.reason and verdict.detail


LINUX_MOUNTS = [
    ("/", "ext4"),
    ("/home", "ext4"),
    ("/mnt/nas", "nfs4"),
    ("/mnt/nas/scratch", "ext4"),
    ("/media/share", "cifs"),
    ("/srv/smb", "smb3"),
    ("/home/zhang/remote", "fuse.sshfs"),
    ("/mnt/wsl", "9p"),
    ("/mnt/usb", "fuseblk"),
    ("/mnt/dav", "davfs"),
    ("/mnt/old", "nfs"),
    ("/mnt/old", "ext4"),  # mounted over the nfs one: the later entry wins
    ("/dev/shm", "tmpfs"),
]

LINUX_CASES = [
    ("/home/zhang/编办/book.db", "local"),
    ("/mnt/nas/book.db", "network"),
    ("/mnt/nas", "network"),
    ("/mnt/nas2/book.db", "local"),  # prefix only on a path-component boundary
    ("/mnt/nas/scratch/book.db", "local"),  # longest prefix wins
    ("/media/share/编办/book.db", "network"),
    ("/srv/smb/book.db", "network"),
    ("/home/zhang/remote/book.db", "network"),
    ("/mnt/wsl/book.db", "network"),
    ("/mnt/usb/book.db", "local"),
    ("/mnt/dav/book.db", "network"),
    ("/mnt/old/book.db", "local"),
    ("/dev/shm/book.db", "local"),
    ("/home/zhang/Dropbox/book.db", "cloud_sync"),
    ("/home/zhang/Nextcloud/编办/book.db", "cloud_sync"),
    ("/home/zhang/坚果云/book.db", "cloud_sync"),
    ("/home/zhang/.local/share/bianzhi/book.db", "local"),
]


@pytest.mark.parametrize(("path", "kind"), LINUX_CASES)
def test_linux_matrix(path: str, kind: str) -> None:
    verdict = classify_location(path, platform="linux", mounts=LINUX_MOUNTS, env={})
    assert verdict.kind == kind, verdict
    assert verdict.safe is (kind == "local")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/Users/zhang/Library/CloudStorage/OneDrive-Personal/book.db", "cloud_sync"),
        ("/Users/zhang/Library/CloudStorage/GoogleDrive-zhang@example.com/My Drive/book.db", "cloud_sync"),
        ("/Users/zhang/Library/Mobile Documents/com~apple~CloudDocs/book.db", "cloud_sync"),
        ("/Volumes/编办共享/book.db", "network"),
        ("/Users/zhang/Documents/book.db", "local"),
    ],
)
def test_macos_matrix(path: str, kind: str) -> None:
    mounts = [("/", "apfs"), ("/Volumes/编办共享", "smbfs")]
    assert classify_location(path, platform="darwin", mounts=mounts, env={}).kind == kind


def test_onedrive_environment_variables() -> None:
    env = {"OneDriveCommercial": r"C:\Users\zhang\企业网盘", "OneDrive": ""}
    inside = classify_location(r"c:\users\ZHANG\企业网盘\编办\book.db", platform="win32", env=env,
                               drive_type=_drive_type)
    assert inside.kind == "cloud_sync" and "企业网盘" in inside.reason
    outside = classify_location(r"C:\Users\zhang\企业网盘2\book.db", platform="win32", env=env,
                                drive_type=_drive_type)
    assert outside.safe
    linux = classify_location("/home/z/Sync/book.db", platform="linux", mounts=[],
                              env={"OneDrive": "/home/z/Sync"})
    assert linux.kind == "cloud_sync"


def test_reason_says_why_and_how() -> None:
    v = classify_location(r"\\server\share\book.db", platform="win32", env={})
    assert "网络" in v.reason and "D:\\编制数据" in v.reason
    v = classify_location("/home/z/Dropbox/book.db", platform="linux", mounts=[], env={})
    assert "Dropbox" in v.reason and "备份" in v.reason and "Documents" in v.reason


def test_parse_proc_mounts_decodes_escapes() -> None:
    text = "server:/x /mnt/my\\040share nfs4 rw 0 0\n/dev/vda / ext4 rw 0 0\n"
    assert parse_proc_mounts(text) == [("/mnt/my share", "nfs4"), ("/", "ext4")]
    v = classify_location("/mnt/my share/book.db", platform="linux", mounts=parse_proc_mounts(text), env={})
    assert v.kind == "network"


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mounts")


@linux_only
def test_real_tmpfs_is_local(tiny_tmpfs: Path) -> None:
    with open("/proc/self/mounts", encoding="utf-8") as f:
        assert any(mp == str(tiny_tmpfs) and t == "tmpfs" for mp, t in parse_proc_mounts(f.read()))
    verdict = classify_location(tiny_tmpfs / "book.db", env={})
    assert verdict.safe and verdict.kind == "local"


@linux_only
def test_real_symlink_into_a_sync_folder_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "Dropbox" / "编办"
    target.mkdir(parents=True)
    (tmp_path / "link").symlink_to(target)
    assert classify_location(tmp_path / "book.db", env={}).safe
    assert classify_location(tmp_path / "link" / "book.db", env={}).kind == "cloud_sync"
