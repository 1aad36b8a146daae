"""季度编制审核报告: the quarter-end figures against the previous snapshot (data only).

The quarter's figures are its snapshot when it was frozen (`snapshot 2026Q3`), else the
status() of its last day rebuilt from history; the comparison is with the latest snapshot
of an earlier quarter, or the report says there is none.

The printed 「台账 #N」 is the head of the quarter's last day as `--as-of` picks it: the last
entry effective on or before that day, so entries 1..N hold every change that shaped the
quarter-end state. Entries are numbered as recorded, not as dated, so that prefix may also
hold entries dated after the quarter (recorded before a back-dated one, e.g. an approval
closed as expired at the next change); the report counts and names them, so the anchor
can be checked: the state is entries 1..N that took effect by the quarter end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, or_, select

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import approvals, ledger, staffing, units
from bianzhi_app.errors import InvalidInput
from bianzhi_app.ledger import read_hash_alg
from bianzhi_app.ops.snapshots import Quarter, SnapshotRecord, get_snapshot, parse_quarter, previous_snapshot
from bianzhi_app.queries import region_info, status
from bianzhi_app.queries.regions import has_subregions, region_figures
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
    """An approval open on the quarter's last day whose validity ends within the window."""

    number: str
    unit: str
    kind: str
    count: int
    remaining: int  # slots not yet used on the quarter's last day
    valid_until: str
    status: str  # now: active, used, cancelled or expired (on the quarter's last day it was active)


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
    later_in_anchor: int = 0  # entries 1..N (N the printed head) that took effect after the quarter end
    after_snapshot: int = 0  # entries effective in the quarter recorded after the head (back-dated later)
    by_region: list[Totals] = field(default_factory=list)  # a city's counties, from their newest packages


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
    expiring = expiring_at(conn, catalog, q.end, q.end + dt.timedelta(days=EXPIRY_WINDOW))

    job.step(4, 5, "读取本季台账")
    rows = ledger_rows(conn, catalog, q.start, q.end, None, job)
    counts = Counter(r.change.split(" ", 1)[0] for r in rows)
    info = region_info(conn)
    meta = ReportMeta(TITLES["quarterly"], info["name"], info["office"], q.end, int(head["seq"]), str(head["hash"]),
                      read_hash_alg(conn))
    later, after = anchor_counts(conn, int(head["seq"]), q.end)
    return QuarterlyReport(meta, q, frozen, previous, by_kind, by_category, total, alerts, expiring, rows,
                           counts.most_common(), later, after, _regions(conn, catalog) if has_subregions(conn) else [])


def _regions(conn: Connection, catalog: Catalog) -> list[Totals]:
    """A city's review by 县区 (issue 12 item 24, issue 18): each county's totals as its newest data package gives
    them, labelled with the package's day (a county that has not reported shows 未报 and zeros)."""
    result = []
    for r in region_figures(conn, catalog)["regions"]:
        t = Totals(f"{r['name']}({r['as_of'] or '未报'})", units=r["units"])
        for cells in r["totals"].values():
            for f in QUOTA_FIELDS:
                setattr(t, f, getattr(t, f) + int(cells.get(f, 0)))
        result.append(t)
    return result


def expiring_at(conn: Connection, catalog: Catalog, end: dt.date, window_end: dt.date) -> list[ExpiringApproval]:
    """Approvals as they stood on day `end`: open that day (issued, not yet used up, cancelled or
    expired) and valid until a day from `end` to `window_end`, with the slots left that day. The
    same rule as the quarter-end 在途 figures, so a later use or cancel does not rewrite the list."""
    consumed = (select(func.count()).where(staffing.c.approval_id == approvals.c.id, staffing.c.start_date <= end)
                .scalar_subquery())
    query = (select(approvals.c.number, units.c.name, approvals.c.kind_id, approvals.c.count.label("slots"),
                    consumed.label("consumed"), approvals.c.valid_until, approvals.c.status)
             .join(units, units.c.id == approvals.c.unit_id)
             .where(approvals.c.issued_on <= end, or_(approvals.c.closed_on.is_(None), approvals.c.closed_on > end),
                    approvals.c.valid_until >= end, approvals.c.valid_until <= window_end)
             .order_by(approvals.c.valid_until, approvals.c.number))
    return [ExpiringApproval(r.number, r.name, catalog.kind_by_id(r.kind_id).name, r.slots,
                             max(0, r.slots - int(r.consumed)), r.valid_until.isoformat(), r.status)
            for r in conn.execute(query)]


def anchor_counts(conn: Connection, head_seq: int, end: dt.date) -> tuple[int, int]:
    """(entries up to the head that took effect after `end`, entries after the head effective by `end`)."""
    later = conn.execute(select(func.count()).where(ledger.c.seq <= head_seq, ledger.c.effective_on > end))
    after = conn.execute(select(func.count()).where(ledger.c.seq > head_seq, ledger.c.effective_on <= end))
    return int(later.scalar_one()), int(after.scalar_one())
