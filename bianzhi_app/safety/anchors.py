"""Anchors: ledger heads known outside the book file (issue 14).

A chain that was cut back (its last entries deleted) or re-hashed after an edit verifies perfectly from
inside the file. What exposes it is a head seen earlier and kept elsewhere: the witness file in the user's
data folder (the last head seen for each book on this PC, written at every close), the manifests of the
book's backups, and heads printed on reports and typed back (`check --anchor '#6314 9f39113481e4'`).
`check` compares the book with each: a chain behind an anchor, or with another hash at its seq, is a
problem naming the anchor.

The witness never moves backwards: a close that finds the book behind or different from its witness
keeps the old anchor, so opening and closing a tampered book does not launder it. Creating a book and
restoring a backup (both recorded in the ledger) start its witness afresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bianzhi_app.db.sql import rows
from bianzhi_app.errors import InvalidInput
from bianzhi_app.ledger import LedgerHead

WITNESS_BOOKS = 500  # books remembered per PC (an office has a few; tests make thousands)
MIN_PREFIX = 8  # hex digits of the hash an anchor must give (reports print 12)
_ANCHOR = re.compile(r"^\s*(?:台账)?\s*(?:#|第)?\s*([0-9]+)\s*条?\s*[ :,:,]?\s*([0-9a-fA-F]+)\s*$")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A ledger head kept outside the file: entry `seq` had a hash starting with `hash`."""

    seq: int
    hash: str
    source: str  # where it was kept, in words (named in the problem)

    @property
    def short(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


def parse_anchor(text: str, *, source: str = "") -> Anchor:
    """'#6314 9f39113481e4' (as reports print the head) → Anchor; InvalidInput (exit 4) otherwise."""
    match = _ANCHOR.match(text if text.isascii() else text.replace("#", "#"))
    if match is None or len(match.group(2)) < MIN_PREFIX or len(match.group(1)) > 12:
        raise InvalidInput(f"台账锚点「{text[:40]}」格式不对:应为报表上印的「#序号 哈希前{MIN_PREFIX}位以上」,"
                           f"如 #6314 9f39113481e4", field="anchor")
    return Anchor(int(match.group(1)), match.group(2).lower(), source or f"锚点 {match.group(1)}")


def compare(conn: Any, anchors: list[Anchor]) -> list[str]:
    """The problems the book's ledger has against `anchors` (an empty list when it agrees with each)."""
    if not anchors:
        return []
    last, missed = _mismatches(conn, anchors)
    return [f"台账只有{last}条,而{anchor.source}记下的台账头为第{anchor.seq}条({anchor.short}):"
            f"台账末尾的记录被删除,或整本被换成了旧的" if found is None else
            f"台账第{anchor.seq}条的哈希为{found[:12]},与{anchor.source}记下的{anchor.short}不符:"
            f"台账被改写后重新计算了哈希" for anchor, found in missed]


def disagreement(conn: Any, anchors: list[Anchor]) -> str | None:
    """Why a book must not be written on, in words naming the first anchor its chain is behind or different
    from (seq and short head), or None when it agrees with each; an empty book (a new one) agrees."""
    last, missed = _mismatches(conn, anchors)
    if not last or not missed:
        return None
    anchor, found = missed[0]
    why = (f"台账只有{last}条,末尾的记录被删除,或整本被换成了旧的" if found is None else
           f"台账第{anchor.seq}条的哈希为{found[:12]},台账被改写后重新计算了哈希")
    return f"的台账与{anchor.source}记下的台账头{anchor.short}不符({why});请运行 check 核查,并从备份恢复"


def _mismatches(conn: Any, anchors: list[Anchor]) -> tuple[int, list[tuple[Anchor, str | None]]]:
    """The ledger's length, and each anchor it does not hold with the hash found at its seq (None: no such
    entry, the chain is shorter)."""
    last = int(rows(conn, "SELECT MAX(seq) FROM ledger")[0][0] or 0)
    missed = []
    for anchor in anchors:
        found = _hash_at(conn, anchor.seq)
        if found is None or not found.startswith(anchor.hash):
            missed.append((anchor, found))
    return last, missed


def _hash_at(conn: Any, seq: int) -> str | None:
    """The hash of ledger entry `seq` (one look-up by primary key), None when there is none."""
    found = rows(conn, f"SELECT hash FROM ledger WHERE seq = {int(seq)}")
    return str(found[0][0]) if found else None


# --- the witness file -----------------------------------------------------------------------------------
def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(str(Path(path).expanduser().absolute()))


def _read(witness: Path) -> dict[str, Any]:
    try:
        data = json.loads(witness.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def witness_anchor(path: str | os.PathLike[str], witness: Path) -> Anchor | None:
    """The head this PC last saw for the book at `path`, if any."""
    seen = _read(witness).get(_key(path))
    if not isinstance(seen, dict):
        return None
    try:
        seq, digest, at = int(seen["seq"]), str(seen["hash"]), str(seen.get("at", ""))
    except (KeyError, ValueError):
        return None
    return Anchor(seq, digest, f"本机见证记录({at[:16].replace('T', ' ')}关闭时)")


def record_witness(path: str | os.PathLike[str], head: LedgerHead, witness: Path, conn: Any, *,
                   fresh: bool = False) -> bool:
    """Remember `head` as the last seen for the book at `path`, unless the book is behind or different from
    the head remembered before (then the old anchor stays and False is returned). `fresh`: a new or restored
    book, whose chain replaces whatever was remembered for its path."""
    if head.seq == 0:
        return True
    if not fresh:
        before = witness_anchor(path, witness)
        if before is not None and compare(conn, [before]):
            return False
    data = _read(witness)
    data[_key(path)] = {"seq": head.seq, "hash": head.hash,
                        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    if len(data) > WITNESS_BOOKS:  # the books closed longest ago go first
        data = dict(sorted(data.items(), key=lambda item: str(item[1].get("at", "")))[-WITNESS_BOOKS:])
    from bianzhi_app.safety import _files

    witness.parent.mkdir(parents=True, exist_ok=True)
    _files.write_json_atomic(witness, data)
    with contextlib.suppress(OSError):  # a file system without modes
        os.chmod(witness, 0o600)
    return True


def backup_anchors(path: str | os.PathLike[str], folder: Path, conn: Any) -> list[Anchor]:
    """The heads in the manifests of this book's backups made since its last restore (a restore starts a
    new branch: backups of the abandoned one are no anchors): the newest and the longest are enough.

    Finding the last restore scans the ledger from its end (`op` has no index: ~4 s on a province's 1.7 M
    entries, at every open), so it is looked for only when one of those heads disagrees with the chain: a head
    the chain holds needs no excuse, and a restore just made is found after a few entries."""
    from bianzhi_app.safety.session import list_restore_candidates

    found = [c for c in list_restore_candidates(path, folder=folder) if c.ledger_head]
    picked = _newest_and_longest(found)
    if not _mismatches(conn, picked)[1]:
        return picked
    restored = rows(conn, "SELECT at FROM ledger WHERE op = 'book.restore' ORDER BY seq DESC LIMIT 1")
    if not restored:
        return picked
    since = _aware(dt.datetime.fromisoformat(str(restored[0][0])))
    return _newest_and_longest([c for c in found if _aware(c.created) > since])


def _newest_and_longest(found: list[Any]) -> list[Anchor]:
    """Backups listed newest first → the anchors of the newest and of the one with the longest chain."""
    if not found:
        return []
    newest, longest = found[0], max(found, key=lambda c: int(c.ledger_head["seq"]))
    return [Anchor(int(c.ledger_head["seq"]), str(c.ledger_head["hash"]), f"备份清单「{c.path.name}」")
            for c in {newest.path: newest, longest.path: longest}.values()]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()


def known_anchors(path: str | os.PathLike[str] | None, conn: Any) -> list[Anchor]:
    """Every head kept outside the book file at `path` on this PC: its witness and its backups' manifests."""
    if path is None:
        return []
    from bianzhi_app import settings

    anchors = []
    seen = witness_anchor(path, settings.witness_file())
    if seen is not None:
        anchors.append(seen)
    anchors.extend(backup_anchors(path, settings.backup_dir(), conn))
    return anchors
