"""Quarter-end snapshots (季度数据封存): freeze the figures of a quarter's last day, once.

The snapshot is the `status()` of the quarter's last day (as the core's history rebuilds it),
stored as canonical JSON together with the ledger head of that day; the operation records
Op.SNAPSHOT in the ledger with the hash of that JSON, so the printed quarterly review and the
chain anchor each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from bianzhi_app.db.models import snapshots
from bianzhi_app.errors import InvalidInput, StateRefused
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ledger import canonical_json
from bianzhi_app.queries import status

_QUARTER = re.compile(r"^\s*([0-9]{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. Quarter(2026, 3) = 2026Q3 (2026-07-01 … 2026-09-30)."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def chinese(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next()
        return following.start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_ended(cls, today: dt.date) -> Quarter:
        """The latest quarter whose last day is before `today`."""
        return cls.containing(today).previous()


def parse_quarter(text: str) -> Quarter:
    """2026Q3 (also 2026q3, 2026-Q3) → Quarter(2026, 3). Refuses anything else (InvalidInput)."""
    match = _QUARTER.match(str(text or ""))
    if not match or not 1900 <= int(match[1]) <= 2999:
        raise InvalidInput(f"季度「{text}」格式不正确,应为 年份+Q+季度序号,如 2026Q3", field="quarter")
    return Quarter(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class SnapshotRecord:
    """One stored snapshot; `figures` is the status() of `period_end` (CLI.md's status JSON)."""

    quarter: Quarter
    period_end: dt.date
    ledger_seq: int
    ledger_hash: str
    figures: dict[str, Any]
    figures_sha256: str
    taken_at: str
    taken_by: str
    entry_seq: int


def _record(row: Any) -> SnapshotRecord:
    return SnapshotRecord(parse_quarter(row.quarter), row.period_end, row.ledger_seq, row.ledger_hash,
                          json.loads(row.figures), row.figures_sha256, row.taken_at, row.taken_by, row.entry_seq)


def get_snapshot(conn: Connection, quarter: Quarter) -> SnapshotRecord | None:
    row = conn.execute(select(snapshots).where(snapshots.c.quarter == quarter.label)).first()
    return None if row is None else _record(row)


def previous_snapshot(conn: Connection, quarter: Quarter) -> SnapshotRecord | None:
    """The latest snapshot of a quarter before `quarter` (not necessarily the one just before)."""
    row = conn.execute(select(snapshots).where(snapshots.c.period_end < quarter.start)
                       .order_by(snapshots.c.period_end.desc()).limit(1)).first()
    return None if row is None else _record(row)


def list_snapshots(conn: Connection) -> list[SnapshotRecord]:
    return [_record(r) for r in conn.execute(select(snapshots).order_by(snapshots.c.period_end))]


def take_snapshot(tx: Tx, quarter: str | Quarter) -> Change:
    """Freeze the figures of the quarter's last day and record Op.SNAPSHOT.

    Refuses: a malformed quarter (InvalidInput); a quarter that has not ended yet, i.e. whose
    last day is today or later (InvalidInput); a quarter already frozen (StateRefused).
    `Change.result` is the SnapshotRecord's quarter label.
    """
    q = quarter if isinstance(quarter, Quarter) else parse_quarter(quarter)
    if q.end >= tx.today:
        raise InvalidInput(f"{q.label}({q.chinese})尚未结束(季末为{q.end.isoformat()}),不能封存季末数据",
                           field="quarter")
    existing = tx.conn.execute(select(snapshots.c.taken_at, snapshots.c.entry_seq)
                               .where(snapshots.c.quarter == q.label)).first()
    if existing is not None:
        raise StateRefused(f"{q.label}季末数据已于{existing.taken_at[:10]}封存(台账第{existing.entry_seq}条),"
                           f"不能重复封存")
    figures = status(tx.conn, tx.catalog, as_of=q.end)
    head = figures["as_of_ledger_head"]
    payload = canonical_json(figures)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    totals = {code: {field: sum(u["quota"][code][field] for u in figures["units"])
                     for field in ("approved", "used", "reserved")} for code in figures["pool"]}
    seq = tx.head.seq + 1
    tx.conn.execute(insert(snapshots).values(
        quarter=q.label, period_end=q.end, ledger_seq=head["seq"], ledger_hash=head["hash"], figures=payload,
        figures_sha256=digest, taken_at=tx.clock().isoformat(timespec="seconds"), taken_by=tx.actor,
        entry_seq=seq))
    return tx.record(Op.SNAPSHOT, unit_id=None, unit_name=None, effective_on=tx.today,
                     after={"quarter": q.label, "period_end": q.end.isoformat(), "totals": totals},
                     detail={"ledger_head": head, "figures_sha256": digest, "units": len(figures["units"])},
                     result=q.label)
