"""The PyInstaller one-folder build starts and opens a book, with migrations and resources inside."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bookhelpers import ROOT


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("pyinstaller is not installed in this environment")
    work = tmp_path_factory.mktemp("pyi")
    subprocess.run([str(Path(sys.executable).parent / "pyinstaller"), "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(work / "dist"), "--workpath", str(work / "build"), "pyinstaller.spec"],
                   cwd=ROOT, check=True, capture_output=True)
    return work / "dist" / "bianzhi"


def test_bundle_runs_the_cli_and_migrates_a_new_book(bundle, tmp_path):
    exe = bundle / ("bianzhi-cli.exe" if os.name == "nt" else "bianzhi-cli")
    # the demo's accounts take BIANZHI_PASSWORD; status runs as its 查询 account (issue 15)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BIANZHI_USER="chaxun", BIANZHI_PASSWORD="Demo-2026")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("bianzhi ")
    book = tmp_path / "bundle.db"
    demo = subprocess.run([exe, "--db", book, "demo", "--scale", "county"], capture_output=True, text=True, env=env)
    assert demo.returncode == 0, demo.stderr
    status = subprocess.run([exe, "--db", book, "status"], capture_output=True, text=True, env=env)
    assert status.returncode == 0 and "区委办公室" in status.stdout and "台账 #" in status.stdout


def test_bundle_carries_fonts_and_leaves_out_unused_qt(bundle):
    internal = bundle / "_internal"
    assert list((internal / "resources" / "fonts").glob("*.ttf"))
    assert (internal / "bianzhi_app" / "db" / "migrations" / "versions" / "0001_initial.py").exists()
    qt_libs = " ".join(p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir())
    for unwanted in ("Qt6Quick", "Qt6Pdf", "Qt6WebEngine", "Qt6Qml"):
        assert unwanted not in qt_libs
