"""The 编制台账: an append-only, hash-chained record of every operation."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bianzhi_app.db.sql import rows

GENESIS_HASH = "0" * 64
# The chain's hash algorithms: code → the name printed beside a ledger head. A book chained with SM3
# (商用密码, `init --hash sm3`) says so in its first entry's ``after`` (``hash_alg``), which that entry's own
# hash binds: flipping it breaks the chain under either algorithm. No key means SHA-256 (every older book).
HASH_ALGS = {"sha256": "SHA-256", "sm3": "SM3"}
DEFAULT_HASH_ALG = "sha256"
HASH_ALG_KEY = "hash_alg"
HASHED_FIELDS = ("seq", "at", "effective_on", "actor", "op", "unit_id", "unit_name",
                 "document_number", "before", "after", "detail", "prev_hash")


@dataclass(frozen=True, slots=True)
class LedgerHead:
    """The newest ledger entry's seq and hash: what reports print and anchors compare."""

    seq: int
    hash: str
    alg: str = DEFAULT_HASH_ALG

    @property
    def short(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"

    @property
    def alg_label(self) -> str:
        """The algorithm as printed beside the head: SHA-256 or SM3."""
        return HASH_ALGS.get(self.alg, self.alg)


# One encoder instance: json.dumps with options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    """The one encoding of figures used in the ledger and its hash: sorted keys, no spaces."""
    return _ENCODER.encode(value)


def parse_json(text: str) -> Any:
    """An entry's JSON text (after, detail) back to values. `check` parses two per entry (3.4 M on a province):
    orjson takes a quarter of json's time there (bench/bench_check.py). What the program writes reads the same
    either way; orjson reads an integer beyond 64 bits (which no table column can hold) as a float. Text that
    is no JSON raises ValueError as before (json's message, from the retry)."""
    try:
        return _fast_loads(text)
    except ValueError:
        return json.loads(text)


_fast_loads: Callable[[str], Any]
try:
    import orjson

    _fast_loads = orjson.loads
except ImportError:  # a platform without its wheel (e.g. LoongArch): the standard library's
    _fast_loads = json.loads


_FIGURE_FIELDS = ("before", "after", "detail")
_SCALAR_FIELDS = tuple(name for name in HASHED_FIELDS if name not in _FIGURE_FIELDS)


def sm3_available() -> bool:
    """Whether this machine's OpenSSL (through cryptography) has SM3."""
    try:
        from cryptography.hazmat.primitives import hashes

        digest = hashes.Hash(hashes.SM3())
        digest.update(b"")
        digest.finalize()
    except Exception:  # UnsupportedAlgorithm, or cryptography missing
        return False
    return True


def hexdigest(alg: str, data: bytes) -> str:
    """The hex digest of ``data`` under one of HASH_ALGS (ValueError for any other)."""
    if alg == "sha256":
        from hashlib import sha256  # here, not at import: the window reads the head before it hashes anything

        return sha256(data).hexdigest()
    if alg == "sm3":
        from cryptography.hazmat.primitives import hashes

        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize().hex()
    raise ValueError(f"unknown hash algorithm {alg!r}")


def alg_of_first_entry(after: str | None) -> str:
    """The chain's algorithm as the first entry's ``after`` text records it ("sha256" when it says none);
    an unknown name is returned as it is, for the caller to refuse."""
    if not after:
        return DEFAULT_HASH_ALG
    try:
        recorded = json.loads(after)
    except ValueError:
        return DEFAULT_HASH_ALG  # the entry's hash then fails on its own
    value = recorded.get(HASH_ALG_KEY) if isinstance(recorded, dict) else None
    return DEFAULT_HASH_ALG if value is None else str(value)


def read_hash_alg(conn: Any) -> str:
    """The book's chain algorithm, from its first ledger entry ("sha256" for an empty ledger)."""
    found = rows(conn, 'SELECT "after" FROM ledger WHERE seq = 1')
    return alg_of_first_entry(found[0][0] if found else None)


def entry_hash(row: Mapping[str, Any], alg: str = DEFAULT_HASH_ALG) -> str:
    """SHA-256 (or SM3, ``alg``) over the canonical encoding of the hashed fields (dates as ISO text).

    The scalars (and the approver of a reviewed change) go into one JSON array; the figures are already
    canonical JSON text and are appended after newlines (which JSON text never contains raw), so they
    are not escaped twice.
    """
    scalars = [row[name].isoformat() if isinstance(row[name], dt.date) else row[name] for name in _SCALAR_FIELDS]
    if row.get("approver"):  # reviewed changes (0004) also bind the approver; older entries hash as before
        scalars.append(row["approver"])
    text = "\n".join((canonical_json(scalars), row["before"], row["after"], row["detail"]))
    return hexdigest(alg, text.encode("utf-8"))


def read_head(conn: Any) -> LedgerHead:
    """The newest entry's (seq, hash) and the chain's algorithm, on a SQLAlchemy Connection or a sqlite3
    connection."""
    found = rows(conn, 'SELECT seq, hash, (SELECT "after" FROM ledger WHERE seq = 1) FROM ledger '
                       "ORDER BY seq DESC LIMIT 1")
    if not found:
        return LedgerHead(0, GENESIS_HASH)
    return LedgerHead(int(found[0][0]), str(found[0][1]), alg_of_first_entry(found[0][2]))


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(rows: Iterable[Mapping[str, Any]]) -> ChainProblem | None:
    """Recompute the chain over rows in seq order, under the algorithm the first entry names; return the
    first broken entry."""
    expected_seq, prev, alg = 1, GENESIS_HASH, DEFAULT_HASH_ALG
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return ChainProblem(expected_seq, f"台账缺少第{expected_seq}条(下一条为第{seq}条)")
        if row["prev_hash"] != prev:
            return ChainProblem(seq, f"台账第{seq}条的前序哈希与第{seq - 1}条不符")
        if seq == 1:
            alg = alg_of_first_entry(row["after"])
            if alg not in HASH_ALGS:
                return ChainProblem(1, f"台账第1条记载的哈希算法「{alg}」无法识别(记录被改动)")
            if alg == "sm3" and not sm3_available():
                return ChainProblem(1, "台账以SM3算法链接,但本机的密码库不支持SM3,无法核验")
        if entry_hash(row, alg) != row["hash"]:
            return ChainProblem(seq, f"台账第{seq}条的内容与其哈希不符(记录被改动)")
        prev, expected_seq = row["hash"], seq + 1
    return None
