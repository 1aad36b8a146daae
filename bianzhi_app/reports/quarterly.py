"""季度编制审核报告: the quarter-end figures against the previous snapshot (data only).

The quarter's figures are its snapshot when it was frozen (`snapshot 2026Q3`), else the
status() of its last day rebuilt from history; the comparison is with the latest snapshot
of an earlier quarter, or the report says there is none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from bianzhi_app.catalog import Catalog
from bianzhi_app.errors import InvalidInput
from bianzhi_app.ops.snapshots import Quarter, SnapshotRecord, get_snapshot, parse_quarter, previous_snapshot
from bianzhi_app.queries import approval_rows, region_info, status
from bianzhi_app.reports.builders import LedgerRow, ledger_rows
from bianzhi_app.reports.common import NO_JOB, QUOTA_FIELDS, TITLES, Job, ReportMeta, ReportOptions, category_order

EXPIRY_WINDOW = 30  # days after the quarter end


@dataclass
class Totals:
    """Quota figures summed over units, with the previous snapshot's approved/used when there is one."""

    label: str
    approved: int = 0
    used: int = 0
    reserved: int = 0
    vacancy: int = 0
    overage: int = 0
    units: int = 0
    pool: int | None = None  # 编制总额 (per kind only)
    prev_approved: int | None = None
    prev_used: int | None = None

    @property
    def approved_change(self) -> int | None:
        return None if self.prev_approved is None else self.approved - self.prev_approved

    @property
    def used_change(self) -> int | None:
        return None if self.prev_used is None else self.used - self.prev_used


@dataclass
class QuotaAlert:
    unit: str
    kind: str
    approved: int
    used: int
    reserved: int
    allowance: int
    state: str  # 超编 / 满编

    @property
    def overage(self) -> int:
        return max(0, self.used + self.reserved - self.approved)


@dataclass
class ExpiringApproval:
    number: str
    unit: str
    kind: str
    count: int
    remaining: int
    valid_until: str
    status: str


@dataclass
class QuarterlyReport:
    meta: ReportMeta
    quarter: Quarter
    frozen: SnapshotRecord | None  # this quarter's snapshot, when taken
    previous: SnapshotRecord | None
    by_kind: list[Totals]
    by_category: list[Totals]
    total: Totals
    alerts: list[QuotaAlert]
    expiring: list[ExpiringApproval]
    rows: list[LedgerRow]  # the quarter's ledger entries
    changes_by_op: list[tuple[str, int]] = field(default_factory=list)


def quarter_of(options: ReportOptions, today: dt.date) -> Quarter:
    """--quarter, else the last quarter ended by the as-of day (or today). Refuses a quarter
    that has not ended (InvalidInput)."""
    if options.quarter:
        q = parse_quarter(options.quarter)
    else:
        q = Quarter.last_ended((options.as_of or today) + dt.timedelta(days=1))
    if q.end >= today:
        raise InvalidInput(f"{q.label}({q.chinese})尚未结束(季末为{q.end.isoformat()}),不能出具季度审核报告")
    return q


def _sum(units: list[dict[str, Any]], codes: list[str], label: str) -> Totals:
    t = Totals(label, units=len(units))
    for u in units:
        for code in codes:
            cells = u["quota"].get(code)
            if cells:
                for f in QUOTA_FIELDS:
                    setattr(t, f, getattr(t, f) + cells[f])
    return t


def _compare(current: Totals, previous: Totals | None) -> Totals:
    if previous is not None:
        current.prev_approved, current.prev_used = previous.approved, previous.used
    return current


def build_quarterly(conn: Connection, catalog: Catalog, options: ReportOptions,
                    job: Job = NO_JOB) -> QuarterlyReport:
    today = options.today or dt.date.today()
    q = quarter_of(options, today)
    frozen = get_snapshot(conn, q)
    job.step(1, 5, "读取季末数据")
    figures = frozen.figures if frozen else status(conn, catalog, as_of=q.end)
    head = figures["as_of_ledger_head"]
    previous = previous_snapshot(conn, q)
    old = previous.figures if previous else None
    codes = [k.code for k in catalog.kinds]
    units, old_units = figures["units"], (old["units"] if old else [])

    by_kind = []
    for k in catalog.kinds:
        t = _compare(_sum(units, [k.code], k.name), _sum(old_units, [k.code], k.name) if old else None)
        t.units = sum(1 for u in units if u["quota"].get(k.code, {}).get("approved"))
        t.pool = figures["pool"].get(k.code, {}).get("total")
        by_kind.append(t)
    categories = sorted({u["category"] for u in units} | {u["category"] for u in old_units}, key=category_order)
    by_category = [_compare(_sum([u for u in units if u["category"] == c], codes, c),
                            _sum([u for u in old_units if u["category"] == c], codes, c) if old else None)
                   for c in categories]
    total = _compare(_sum(units, codes, "合计"), _sum(old_units, codes, "合计") if old else None)
    total.pool = sum(t.pool or 0 for t in by_kind)

    job.step(2, 5, "核查超编满编")
    alerts = []
    for u in sorted(units, key=lambda u: (category_order(u["category"]), u["id"])):
        for k in catalog.kinds:
            c = u["quota"].get(k.code)
            if not c or (c["approved"] == 0 and c["used"] + c["reserved"] == 0):
                continue
            taken = c["used"] + c["reserved"]
            if taken >= c["approved"]:
                alerts.append(QuotaAlert(u["name"], k.name, c["approved"], c["used"], c["reserved"],
                                         c.get("allowance", 0), "超编" if taken > c["approved"] else "满编"))

    job.step(3, 5, "核查用编核准")
    window_end = q.end + dt.timedelta(days=EXPIRY_WINDOW)
    names = {k.code: k.name for k in catalog.kinds}
    expiring = [ExpiringApproval(a["number"], a["unit"], names.get(a["kind"], a["kind"]), a["count"], a["remaining"],
                                 a["valid_until"], a["status"])
                for a in approval_rows(conn, catalog, status=None)
                if a["valid_until"] and a["status"] in ("active", "expired")
                and dt.date.fromisoformat(a["issued_on"]) <= q.end
                and q.end <= dt.date.fromisoformat(a["valid_until"]) <= window_end]
    expiring.sort(key=lambda a: (a.valid_until, a.number))

    job.step(4, 5, "读取本季台账")
    rows = ledger_rows(conn, catalog, q.start, q.end, None, job)
    counts = Counter(r.change.split(" ", 1)[0] for r in rows)
    info = region_info(conn)
    meta = ReportMeta(TITLES["quarterly"], info["name"], info["office"], q.end, int(head["seq"]), str(head["hash"]))
    return QuarterlyReport(meta, q, frozen, previous, by_kind, by_category, total, alerts, expiring, rows,
                           counts.most_common())
