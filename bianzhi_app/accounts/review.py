"""Proposals (待审事项): a 机构编制事项 a clerk made while review is on, kept with the figures before and
after it as the rules saw them then, until another account holding `reviewer` approves or rejects it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from bianzhi_app.db.models import proposals
from bianzhi_app.errors import NotFound, StateRefused
from bianzhi_app.ledger import canonical_json

STATUS_LABELS = {"pending": "待审", "approved": "已通过", "rejected": "已退回"}


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    number: int
    area: str
    method: str
    arguments: dict[str, Any]
    op: str
    unit: str | None
    doc: str | None
    summary: str
    before: dict[str, Any]
    after: dict[str, Any]
    proposer: str
    proposed_at: str
    status: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    ledger_seq: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def encode_arguments(arguments: dict[str, Any]) -> str:
    """A method's keyword arguments as canonical JSON; dates become {"$date": ISO} so they come back as dates."""
    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return {"$date": value.isoformat()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    return canonical_json({k: plain(v) for k, v in arguments.items()})


def decode_arguments(text: str) -> dict[str, Any]:
    def typed(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$date"}:
                return dt.date.fromisoformat(value["$date"])
            return {k: typed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [typed(v) for v in value]
        return value

    return {k: typed(v) for k, v in json.loads(text).items()}


def create(conn: Connection, *, area: str, method: str, arguments: dict[str, Any], entry: dict[str, Any],
           summary: str, proposer: str, now: dt.datetime) -> int:
    """Keep a proposal: the would-be ledger entry's op, unit, document, before and after."""
    head = {"op": entry["op"], "unit": entry.get("unit_name"), "doc": entry.get("document_number"),
            "detail": json.loads(entry.get("detail") or "{}")}
    result = conn.execute(insert(proposals).values(
        area=area, method=method, arguments=encode_arguments(arguments), summary=canonical_json(
            {**head, "text": summary}), before=entry.get("before") or "{}", after=entry.get("after") or "{}",
        proposer=proposer, proposed_at=now.isoformat(timespec="seconds"), status="pending"))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _record(r: Any) -> ProposalRecord:
    head = json.loads(r.summary)
    return ProposalRecord(int(r.number), r.area, r.method, decode_arguments(r.arguments), head["op"], head.get("unit"),
                          head.get("doc"), head.get("text", ""), json.loads(r.before), json.loads(r.after),
                          r.proposer, r.proposed_at, r.status, r.decided_by, r.decided_at, r.reason, r.ledger_seq)


def get(conn: Connection, number: int) -> ProposalRecord:
    row = conn.execute(select(proposals).where(proposals.c.number == int(number))).first()
    if row is None:
        raise NotFound(f"没有第{number}号待审事项", field="proposal")
    return _record(row)


def listing(conn: Connection, *, status: str | None = None, proposer: str | None = None) -> list[ProposalRecord]:
    query = select(proposals).order_by(proposals.c.number)
    if status is not None:
        query = query.where(proposals.c.status == status)
    if proposer is not None:
        query = query.where(proposals.c.proposer == proposer)
    return [_record(r) for r in conn.execute(query)]


def pending_count(conn: Any) -> int:
    from bianzhi_app.db.sql import rows

    try:
        return int(rows(conn, "SELECT COUNT(*) FROM proposals WHERE status = 'pending'")[0][0])
    except Exception:  # a book before accounts
        return 0


def decide(conn: Connection, *, number: int, status: str, by: str, now: dt.datetime, reason: str | None = None,
           ledger_seq: int | None = None) -> None:
    record = get(conn, number)
    if record.status != "pending":
        raise StateRefused(f"第{number}号待审事项已{record.status_label},不能再审核", field="proposal")
    conn.execute(update(proposals).where(proposals.c.number == number).values(
        status=status, decided_by=by, decided_at=now.isoformat(timespec="seconds"), reason=reason,
        ledger_seq=ledger_seq))
