"""The core never imports Qt, and the CLI starts without it."""

import os
import subprocess
import sys

from bookhelpers import ROOT


def test_importing_every_core_module_leaves_pyside6_unimported():
    code = ("import pkgutil, importlib, sys, bianzhi_app\n"
            "names = [m.name for m in pkgutil.walk_packages(bianzhi_app.__path__, 'bianzhi_app.')\n"
            "         if '.migrations' not in m.name]\n"
            "for name in names: importlib.import_module(name)\n"
            "assert len(names) > 10, names\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_cli_runs_without_qt(tmp_path):
    code = ("import sys, runpy\n"
            f"sys.argv = ['main.py', '--db', {str(tmp_path / 'x.db')!r}, 'init', '--region', '某区',"
            " '--code', '610404']\n"
            "try:\n    runpy.run_path('main.py', run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')]\n"
            # Heavy libraries load only for the commands that need them.
            "assert not [m for m in sys.modules if m.startswith(('reportlab', 'openpyxl', 'python_calamine'))]\n")
    env = {**os.environ, "BIANZHI_PASSWORD": "Guanli-2026a"}  # init's first admin (issue 15)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_version_flag():
    result = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("bianzhi ")
