"""Helpers shared by the core tests: the CLI run in-process, a database fingerprint, test ID numbers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from bianzhi_app.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
DOC = "杨编发〔2026〕1号"


def fingerprint(path: Path | str) -> str:
    """A hash of every row of every table (and the schema): equal means the book is unchanged."""
    conn = sqlite3.connect(str(path))
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


class Cli:
    """Runs `main.py --db BOOK ...` in-process; returns (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]):
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = cli_main(["--db", str(self.db), "--user", "测试员", *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def json(self, *args: str) -> dict:
        code, out, err = self("--json", *args)
        assert code == 0, err
        return json.loads(out)

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, f"{args} exited {code}: {err}"
        return out


def valid_id(first17: str) -> str:
    from bianzhi_app.idcodes import id_check_digit

    return first17 + id_check_digit(first17)


def person_id(n: int, year: int = 1990) -> str:
    """A distinct valid ID number for test person n."""
    return valid_id(f"610403{year}0101{n:03d}")
