"""The 编制台账: an append-only, hash-chained record of every operation."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bianzhi_app.db.sql import rows

GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("seq", "at", "effective_on", "actor", "op", "unit_id", "unit_name",
                 "document_number", "before", "after", "detail", "prev_hash")


@dataclass(frozen=True, slots=True)
class LedgerHead:
    """The newest ledger entry's seq and hash: what reports print and anchors compare."""

    seq: int
    hash: str

    @property
    def short(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


# One encoder instance: json.dumps with options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    """The one encoding of figures used in the ledger and its hash: sorted keys, no spaces."""
    return _ENCODER.encode(value)


_FIGURE_FIELDS = ("before", "after", "detail")
_SCALAR_FIELDS = tuple(name for name in HASHED_FIELDS if name not in _FIGURE_FIELDS)


def entry_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical encoding of the hashed fields (dates as ISO text).

    The scalars (and the approver of a reviewed change) go into one JSON array; the figures are already
    canonical JSON text and are appended after newlines (which JSON text never contains raw), so they
    are not escaped twice.
    """
    scalars = [row[name].isoformat() if isinstance(row[name], dt.date) else row[name] for name in _SCALAR_FIELDS]
    if row.get("approver"):  # reviewed changes (0004) also bind the approver; older entries hash as before
        scalars.append(row["approver"])
    text = "\n".join((canonical_json(scalars), row["before"], row["after"], row["detail"]))
    from hashlib import sha256  # here, not at import: the window reads the head before it hashes anything

    return sha256(text.encode("utf-8")).hexdigest()


def read_head(conn: Any) -> LedgerHead:
    """The newest entry's (seq, hash), on a SQLAlchemy Connection or a sqlite3 connection."""
    found = rows(conn, "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")
    return LedgerHead(0, GENESIS_HASH) if not found else LedgerHead(int(found[0][0]), str(found[0][1]))


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(rows: Iterable[Mapping[str, Any]]) -> ChainProblem | None:
    """Recompute the chain over rows in seq order; return the first broken entry."""
    expected_seq, prev = 1, GENESIS_HASH
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return ChainProblem(expected_seq, f"台账缺少第{expected_seq}条(下一条为第{seq}条)")
        if row["prev_hash"] != prev:
            return ChainProblem(seq, f"台账第{seq}条的前序哈希与第{seq - 1}条不符")
        if entry_hash(row) != row["hash"]:
            return ChainProblem(seq, f"台账第{seq}条的内容与其哈希不符(记录被改动)")
        prev, expected_seq = row["hash"], seq + 1
    return None
