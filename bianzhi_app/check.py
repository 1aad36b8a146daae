"""`check`: database integrity, every counter against a recount, the ledger chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import appointments, approvals, ledger, post_limits, quotas, region_pools, staffing, units
from bianzhi_app.ledger import HASHED_FIELDS, verify_chain


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    entries_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def run_check(conn: Connection, catalog: Catalog, *, full_integrity: bool = True) -> CheckReport:
    """Collect every problem found; the first one is what the CLI prints (exit 6)."""
    report = CheckReport()
    pragma = "integrity_check" if full_integrity else "quick_check"
    if conn.dialect.name == "sqlite":
        results = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
        if results != ["ok"]:
            report.problems.append("数据库文件损坏:" + ";".join(results[:3]))
            return report
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3):
            report.problems.append(f"外键不符:表{row[0]}第{row[1]}行引用的{row[2]}不存在")
    names = dict(conn.execute(select(units.c.id, units.c.name)).tuples().all())
    _check_quotas(conn, catalog, names, report)
    _check_posts(conn, catalog, names, report)
    _check_pool(conn, catalog, report)
    _check_chain(conn, report)
    return report


def _check_quotas(conn: Connection, catalog: Catalog, names: dict[int, str], report: CheckReport) -> None:
    used = dict(((r.unit_id, r.kind_id), r.n) for r in conn.execute(
        select(staffing.c.unit_id, staffing.c.kind_id, func.count().label("n"))
        .where(staffing.c.end_date.is_(None)).group_by(staffing.c.unit_id, staffing.c.kind_id)))
    reserved = dict(((r.unit_id, r.kind_id), int(r.n)) for r in conn.execute(
        select(approvals.c.unit_id, approvals.c.kind_id, func.sum(approvals.c.count - approvals.c.used_count)
               .label("n")).where(approvals.c.status == "active").group_by(approvals.c.unit_id, approvals.c.kind_id)))
    for r in conn.execute(select(quotas).order_by(quotas.c.unit_id, quotas.c.kind_id)):
        key = (r.unit_id, r.kind_id)
        label = f"{names.get(r.unit_id, r.unit_id)} {catalog.kind_by_id(r.kind_id).name}"
        if r.used != used.get(key, 0):
            report.problems.append(f"计数不符:{label} 实有计数为{r.used},按人员记录重算为{used.get(key, 0)}")
        if r.reserved != reserved.get(key, 0):
            report.problems.append(f"计数不符:{label} 在途计数为{r.reserved},按用编核准重算为{reserved.get(key, 0)}")
        if r.used + r.reserved > r.approved + r.allowance:
            report.problems.append(f"超出核定:{label} 核定{r.approved}名,实有{r.used}名,在途{r.reserved}名")


def _check_posts(conn: Connection, catalog: Catalog, names: dict[int, str], report: CheckReport) -> None:
    used = dict(((r.unit_id, r.post_kind_id), r.n) for r in conn.execute(
        select(appointments.c.unit_id, appointments.c.post_kind_id, func.count().label("n"))
        .where(appointments.c.end_date.is_(None)).group_by(appointments.c.unit_id, appointments.c.post_kind_id)))
    for r in conn.execute(select(post_limits)):
        key = (r.unit_id, r.post_kind_id)
        if r.used != used.get(key, 0):
            report.problems.append(f"计数不符:{names.get(r.unit_id, r.unit_id)} "
                                   f"{catalog.post_kind_by_id(r.post_kind_id).name} 已配计数为{r.used},"
                                   f"按任职记录重算为{used.get(key, 0)}")


def _check_pool(conn: Connection, catalog: Catalog, report: CheckReport) -> None:
    allocated = dict(conn.execute(select(quotas.c.kind_id, func.sum(quotas.c.approved))
                                  .group_by(quotas.c.kind_id)).tuples().all())
    for r in conn.execute(select(region_pools)):
        if r.allocated != int(allocated.get(r.kind_id) or 0):
            report.problems.append(f"计数不符:{catalog.kind_by_id(r.kind_id).name} 已分配计数为{r.allocated},"
                                   f"按各单位核定数重算为{int(allocated.get(r.kind_id) or 0)}")


def _check_chain(conn: Connection, report: CheckReport) -> None:
    columns = [ledger.c[name] for name in (*HASHED_FIELDS, "hash")]
    counted = {"n": 0}

    def rows():  # type: ignore[no-untyped-def]
        for row in conn.execution_options(yield_per=5000).execute(select(*columns).order_by(ledger.c.seq)):
            counted["n"] += 1
            yield row._mapping

    problem = verify_chain(rows())
    report.entries_checked = counted["n"]
    if problem is not None:
        report.problems.append(problem.message)


__all__ = ["CheckReport", "run_check"]
