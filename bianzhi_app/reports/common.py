"""What every report shares: options, the page header data, progress and cancel, formatting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from bianzhi_app.catalog import CATEGORIES, Catalog
from bianzhi_app.errors import Cancelled, InvalidInput
from bianzhi_app.queries import region_info
from bianzhi_app.reports.kinds import ALL_KINDS as ALL_KINDS
from bianzhi_app.reports.kinds import KINDS as KINDS
from bianzhi_app.reports.kinds import TITLES as TITLES

Progress = Callable[[int, int, str], None]
CancelFlag = Callable[[], bool]


QUOTA_FIELDS = ("approved", "used", "reserved", "vacancy", "overage")
QUOTA_LABELS = {"approved": "核定", "used": "实有", "reserved": "在途", "vacancy": "空编", "overage": "超编"}
POST_FIELDS = ("limit", "used", "vacancy", "over")
POST_LABELS = {"limit": "职数", "used": "实配", "vacancy": "空缺", "over": "超配"}


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose; each report reads the options that apply to it.

    `as_of` None means today's figures (from the counters). `since`/`until` bound the ledger
    report (default: from the first day of the as-of year to the as-of day).
    """

    unit: str | None = None
    as_of: dt.date | None = None
    quarter: str | None = None
    approval: str | None = None
    full_id: bool = False
    reason: str | None = None  # why full ID numbers are printed (logged with the reveal)
    since: dt.date | None = None
    until: dt.date | None = None
    today: dt.date | None = None  # the book's clock; set by build_report
    keys: Any = field(default=None, repr=False, compare=False)  # PersonalKeys for full_id; set by build_report


@dataclass(frozen=True)
class ReportMeta:
    """The page furniture of one report: title, 制表单位, as-of date, ledger head."""

    title: str
    region: str
    office: str
    as_of: dt.date
    ledger_seq: int
    ledger_hash: str

    @property
    def ledger_head(self) -> str:
        return f"台账 #{self.ledger_seq} {self.ledger_hash[:12]}"


def meta_from_status(conn: Connection, title: str, figures: dict[str, Any]) -> ReportMeta:
    """The header of a report whose figures are `figures` (a status() result): for an as-of
    report the ledger head of that day, else the current head."""
    head = figures.get("as_of_ledger_head") or figures["ledger_head"]
    info = region_info(conn)
    return ReportMeta(title, info["name"], info["office"], dt.date.fromisoformat(figures["as_of"]),
                      int(head["seq"]), str(head["hash"]))


def check_as_of(as_of: dt.date | None, today: dt.date) -> None:
    """Refuses a future as-of date: the book holds no figures of days to come."""
    if as_of is not None and as_of > today:
        raise InvalidInput(f"截至日期{as_of.isoformat()}晚于今天({today.isoformat()}),没有该日的数据")


class Job:
    """Progress reporting and cooperative cancel for the builders and renderers (no Qt here)."""

    def __init__(self, progress: Progress | None = None, cancel: CancelFlag | None = None):
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled("已取消生成报表")

    def step(self, done: int, total: int, what: str) -> None:
        self.check()
        if self._progress is not None:
            self._progress(done, total, what)


NO_JOB = Job()


def category_order(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)


def kind_name(catalog: Catalog, code: str) -> str:
    return next((k.name for k in catalog.kinds if k.code == code), code)


def post_name(catalog: Catalog, code: str) -> str:
    return next((k.name for k in catalog.post_kinds if k.code == code), code)


def post_cells(limit: int, used: int) -> dict[str, int]:
    return {"limit": limit, "used": used, "vacancy": max(0, limit - used), "over": max(0, used - limit)}


def add_into(total: dict[str, dict[str, int]], figures: dict[str, dict[str, int]], fields: tuple[str, ...]) -> None:
    """Add per-kind figures into running totals (subtotals are sums of the rows, never recomputed)."""
    for code, cells in figures.items():
        slot = total.setdefault(code, dict.fromkeys(fields, 0))
        for f in fields:
            slot[f] += cells[f]
