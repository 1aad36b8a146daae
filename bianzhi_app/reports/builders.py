"""Pure data builders of the tabular reports: queries in, plain dataclasses out.

Every figure comes from `queries.status` / `roster` / `ledger_entries` with the same as-of
date, so a report, `status --json` and the window never disagree. Subtotals and totals are
sums of the printed rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from bianzhi_app.catalog import Catalog
from bianzhi_app.queries import ledger_entries, roster, status
from bianzhi_app.reports.common import (
    NO_JOB,
    POST_FIELDS,
    QUOTA_FIELDS,
    TITLES,
    Job,
    ReportMeta,
    ReportOptions,
    add_into,
    category_order,
    kind_name,
    meta_from_status,
    post_cells,
    post_name,
)
from bianzhi_app.reports.describe import describe_change, describe_figures

Cells = dict[str, dict[str, Any]]  # kind code -> field -> value (None prints blank)


@dataclass
class FigureRow:
    """One row of a figures table. `role`: unit, subtotal (per category), total, pool, unallocated."""

    role: str
    name: str
    category: str = ""
    rank: str = ""
    funding: str = ""
    figures: Cells = field(default_factory=dict)  # kind (or post kind) code -> field -> value
    unit_id: int | None = None


@dataclass
class SummaryReport:
    """机构编制情况总表: per unit and kind approved/used/reserved/vacancy/overage."""

    meta: ReportMeta
    kinds: list[tuple[str, str]]  # (code, name)
    rows: list[FigureRow]
    pool: dict[str, dict[str, int]]


@dataclass
class PostsReport:
    """领导职数配备表: per unit and post kind limit/used/vacancy/over."""

    meta: ReportMeta
    post_kinds: list[tuple[str, str]]
    rows: list[FigureRow]


@dataclass
class RosterRow:
    unit: str
    name: str
    gender: str
    birth_date: str  # "" unless full ID numbers are shown: it is exactly what the mask hides
    kind: str
    post: str
    entered_on: str
    id_number: str


@dataclass
class RosterReport:
    """实名制人员花名册; ID numbers masked unless `full_id`."""

    meta: ReportMeta
    rows: list[RosterRow]
    full_id: bool


@dataclass
class LedgerRow:
    seq: int
    date: str
    unit: str
    change: str
    before: str
    after: str
    doc: str
    actor: str = ""  # 经办人: the account that made the change (for a reviewed one: who proposed it)
    hash: str = ""  # the entry's chain hash (the printed page shows its first characters)
    approver: str = ""  # 审核人: the reviewer who approved it as a proposal ("" unless reviewed)


@dataclass
class LedgerReport:
    """编制变动台账 of a period."""

    meta: ReportMeta
    since: dt.date
    until: dt.date
    rows: list[LedgerRow]


@dataclass
class DisclosureRow:
    name: str
    category: str
    rank: str
    functions: str
    quota: dict[str, int]  # kind code -> approved
    posts: dict[str, int]  # post kind code -> limit


@dataclass
class DisclosureReport:
    """机构编制信息公开表: functions, approved quota and post limits; no personal data."""

    meta: ReportMeta
    kinds: list[tuple[str, str]]
    post_kinds: list[tuple[str, str]]
    rows: list[DisclosureRow]


def _status(conn: Connection, catalog: Catalog, options: ReportOptions) -> dict[str, Any]:
    return status(conn, catalog, as_of=options.as_of, unit=options.unit)


def _grouped(units: list[dict[str, Any]], cells_of: Any, fields: tuple[str, ...], job: Job,
             what: str) -> list[FigureRow]:
    """Unit rows ordered by category, a 小计 row after each category, a 合计 row at the end."""
    ordered = sorted(units, key=lambda u: (category_order(u["category"]), u["id"]))
    rows: list[FigureRow] = []
    total: dict[str, dict[str, int]] = {}
    sub: dict[str, dict[str, int]] = {}
    for i, u in enumerate(ordered):
        if i % 500 == 0:
            job.step(i, len(ordered), what)
        cells = cells_of(u)
        rows.append(FigureRow("unit", u["name"], u["category"], u["rank"], u.get("funding") or "", cells, u["id"]))
        add_into(sub, cells, fields)
        add_into(total, cells, fields)
        if i + 1 == len(ordered) or ordered[i + 1]["category"] != u["category"]:
            rows.append(FigureRow("subtotal", f"{u['category']}小计", u["category"], figures=dict(sub)))
            sub = {}
    rows.append(FigureRow("total", "合计", figures=dict(total)))
    return rows


def build_summary(conn: Connection, catalog: Catalog, options: ReportOptions, job: Job = NO_JOB) -> SummaryReport:
    """Figures per unit and kind, subtotals per category, the region total, the pool and what
    is left of it (only for the whole region)."""
    data = _status(conn, catalog, options)
    codes = [k.code for k in catalog.kinds]

    def cells(u: dict[str, Any]) -> Cells:
        return {c: {f: u["quota"][c][f] for f in QUOTA_FIELDS} for c in codes}

    rows = _grouped(data["units"], cells, QUOTA_FIELDS, job, "汇总单位")
    if not options.unit:
        blank: dict[str, int | None] = dict.fromkeys(QUOTA_FIELDS)
        rows.append(FigureRow("pool", "编制总额", figures={c: {**blank, "approved": data["pool"][c]["total"]}
                                                          for c in codes}))
        rows.append(FigureRow("unallocated", "未分配编制", figures={
            c: {**blank, "approved": data["pool"][c]["unallocated"]} for c in codes}))
    return SummaryReport(meta_from_status(conn, TITLES["summary"], data), [(k.code, k.name) for k in catalog.kinds],
                         rows, data["pool"])


def build_posts(conn: Connection, catalog: Catalog, options: ReportOptions, job: Job = NO_JOB) -> PostsReport:
    """Post limits and posts held per unit and post kind, subtotals per category, total."""
    data = _status(conn, catalog, options)
    codes = [p.code for p in catalog.post_kinds]

    def cells(u: dict[str, Any]) -> Cells:
        return {c: dict(post_cells(u["posts"][c]["limit"], u["posts"][c]["used"])) for c in codes}

    rows = _grouped(data["units"], cells, POST_FIELDS, job, "汇总职数")
    return PostsReport(meta_from_status(conn, TITLES["posts"], data), [(p.code, p.name) for p in catalog.post_kinds],
                       rows)


def build_roster(conn: Connection, catalog: Catalog, options: ReportOptions, job: Job = NO_JOB) -> RosterReport:
    """Persons on establishment of the as-of day, by unit then entry date. Without `full_id`
    the ID numbers are masked and the birth dates left out (the mask hides digits 7-14)."""
    data = _status(conn, catalog, options)
    rows = []
    full = options.full_id and options.keys is not None  # keys: set once the reveal was checked and logged
    for i, r in enumerate(roster(conn, catalog, as_of=options.as_of, unit=options.unit, keys=options.keys,
                                 full_id=full)):
        if i % 2000 == 0:
            job.step(i, 0, "读取花名册")
        rows.append(RosterRow(r["unit"], r["name"], r["gender"], r.get("birth_date", "") if full else "",
                              kind_name(catalog, r["kind"]), post_name(catalog, r["post"]) if r["post"] else "",
                              r["entered_on"], r["id_number"]))
    return RosterReport(meta_from_status(conn, TITLES["roster"], data), rows, full)


def ledger_rows(conn: Connection, catalog: Catalog, since: dt.date, until: dt.date, unit: str | None = None,
                job: Job = NO_JOB) -> list[LedgerRow]:
    rows = []
    for i, e in enumerate(ledger_entries(conn, since=since, until=until, unit=unit)):
        if i % 2000 == 0:
            job.step(i, 0, "读取台账")
        rows.append(LedgerRow(e["seq"], e["effective_on"], e["unit"] or "", describe_change(e, catalog),
                              describe_figures(e["before"], catalog), describe_figures(e["after"], catalog),
                              e["doc"] or "", e.get("actor") or "", e.get("hash") or "", e.get("approver") or ""))
    return rows


def build_ledger(conn: Connection, catalog: Catalog, options: ReportOptions, job: Job = NO_JOB) -> LedgerReport:
    """The changes that took effect from `since` to `until` (default: `--quarter`, else the as-of
    year so far). Refuses a period that ends before it starts (InvalidInput)."""
    from bianzhi_app.errors import InvalidInput

    since, until = options.since, options.until or options.as_of
    if options.quarter and since is None and until is None:
        from bianzhi_app.ops.snapshots import parse_quarter

        quarter = parse_quarter(options.quarter)
        since, until = quarter.start, min(quarter.end, options.today or dt.date.today())
    data = status(conn, catalog, as_of=until, unit=options.unit)
    until = until or dt.date.fromisoformat(data["as_of"])
    since = since or dt.date(until.year, 1, 1)
    if since > until:
        raise InvalidInput(f"起始日期{since.isoformat()}晚于截止日期{until.isoformat()}")
    rows = ledger_rows(conn, catalog, since, until, options.unit, job)
    return LedgerReport(meta_from_status(conn, TITLES["ledger"], data), since, until, rows)


def build_disclosure(conn: Connection, catalog: Catalog, options: ReportOptions,
                     job: Job = NO_JOB) -> DisclosureReport:
    """Per unit: category, rank, functions (三定), approved quota per kind, post limits."""
    from bianzhi_app.queries import unit_rows

    data = _status(conn, catalog, options)
    functions = {r.id: (r.functions or "") for r in unit_rows(conn, options.as_of)}
    ordered = sorted(data["units"], key=lambda u: (category_order(u["category"]), u["id"]))
    rows = []
    for i, u in enumerate(ordered):
        if i % 500 == 0:
            job.step(i, len(ordered), "汇总单位")
        rows.append(DisclosureRow(u["name"], u["category"], u["rank"], functions.get(u["id"], ""),
                                  {k.code: u["quota"][k.code]["approved"] for k in catalog.kinds},
                                  {p.code: u["posts"][p.code]["limit"] for p in catalog.post_kinds}))
    return DisclosureReport(meta_from_status(conn, TITLES["disclosure"], data),
                            [(k.code, k.name) for k in catalog.kinds],
                            [(p.code, p.name) for p in catalog.post_kinds], rows)
