"""The README's command-line tour, read from the README itself, runs top to bottom on a fresh book
(issue 12, item 18): every command exits 0, in a new folder, in-process."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

import pytest
from bookhelpers import PASSWORD, cheap_hashes

from bianzhi_app.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ".venv/bin/python main.py"


def tour() -> tuple[list[str], list[str]]:
    """(the words $B stands for, the tour's command lines) from the README's "The command line"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "no bash block in the README's command-line section"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert lines[0].startswith('B="'), lines[0]
    b_words = shlex.split(lines[0].split("=", 1)[1].strip('"'))
    return b_words, lines[1:]


def argv_of(line: str, b_words: list[str]) -> list[str]:
    """The arguments after `main.py` of one tour line (comments dropped, $(date +%F) as today)."""
    today = dt.date.today().isoformat()
    line = line.replace('"$(date +%F)"', today).replace("$(date +%F)", today)
    words = shlex.split(line, comments=True)
    if words[0] == "$B":
        words = b_words + words[1:]
    assert " ".join(words[:2]) == PYTHON, line
    return words[2:]


def test_the_readme_documents_the_cli_contract_in_the_repository() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text
    assert "(docs/CLI.md)" in text
    contract = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    for part in ("## Exit codes", "`status --json`", "`roster --json`", "`ledger --json`", "## Commands"):
        assert part in contract


def test_the_readme_tour_runs_top_to_bottom_on_a_fresh_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BIANZHI_DB", raising=False)
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("BIANZHI_USER", raising=False)  # each line names its account
    monkeypatch.setenv("BIANZHI_PASSWORD", PASSWORD)  # the admin's at init, and every sign-in's
    monkeypatch.setenv("BIANZHI_NEW_PASSWORD", PASSWORD)  # the accounts the tour adds
    b_words, lines = tour()
    assert len(lines) >= 10
    approval_proposed = False
    for line in lines:
        argv = argv_of(line, b_words)
        capsys.readouterr()
        with cheap_hashes():
            try:
                code = cli_main(argv)
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        out = capsys.readouterr()
        assert code == 0, f"{line}\nexit {code}: {out.err}"
        assert PASSWORD not in out.out + out.err
        if argv[-1:] != ["county"] and "approval" in argv and "add" in argv:
            assert re.fullmatch(r"\d+", out.out.strip()), out.out  # review is on: the proposal's number
            approval_proposed = True
        elif approval_proposed and "approve" in argv:
            assert re.search(r"用编核准编号 \d{4}-\d{4}", out.out), out.out  # approved: the approval's number
            approval_proposed = False
    assert (tmp_path / "杨陵区.db").is_file()
