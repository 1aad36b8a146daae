"""`check`: database integrity, every counter against a recount, the ledger chain, and the persons each
建账 entry (unit.establish) recorded against its digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exc, func, inspect, select

from bianzhi_app.accounts import seclog
from bianzhi_app.accounts.replay import account_problems
from bianzhi_app.catalog import Catalog
from bianzhi_app.db.fingerprint import schema_problems
from bianzhi_app.db.models import (
    appointments,
    approvals,
    ledger,
    persons,
    post_limits,
    quotas,
    region_pools,
    staffing,
    units,
)
from bianzhi_app.errors import BianzhiError
from bianzhi_app.ledger import HASHED_FIELDS, parse_json, verify_chain
from bianzhi_app.replay import Replay
from bianzhi_app.safety.anchors import Anchor
from bianzhi_app.safety.anchors import compare as compare_anchors

if TYPE_CHECKING:
    from bianzhi_app.personal.crypto import PersonalKeys


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    entries_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def run_check(conn: Connection, catalog: Catalog, *, full_integrity: bool = True,
              personal: PersonalKeys | None = None, anchors: Sequence[Anchor] = ()) -> CheckReport:
    """Collect every problem found; the first one is what the CLI prints (exit 6). The 建账 digests cover the
    full ID numbers: ``personal`` (the signed-in session's keys; a book without accounts uses its open key)
    opens them; without keys those digests are left unchecked. `anchors`: ledger heads kept outside the file
    (safety/anchors.py), which a chain cut back or re-hashed no longer matches."""
    if conn.dialect.name != "sqlite":
        return _check_contents(conn, catalog, CheckReport(), personal, anchors)
    # SQLite's own check of the file reads every page (a quarter of the time on a province) and releases the
    # GIL meanwhile: it runs on its own connection while this thread walks the chain. A damaged file is
    # reported alone, whatever the rest found (or raised) reading it.
    pragma = "integrity_check" if full_integrity else "quick_check"
    file_check = _FileCheck(conn, pragma)
    try:
        report = CheckReport()
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3):
            report.problems.append(f"外键不符:表{row[0]}第{row[1]}行引用的{row[2]}不存在")
        report = _check_contents(conn, catalog, report, personal, anchors)
    except exc.DatabaseError:
        if file_check.damage() is None:
            raise
    damage = file_check.damage()
    if damage is not None:
        return CheckReport(problems=[damage])
    return report


class _FileCheck:
    """``PRAGMA integrity_check`` (or ``quick_check``) of the book's file on a second connection, in a thread."""

    def __init__(self, conn: Connection, pragma: str):
        import threading

        self._results: list[str] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(conn.engine, pragma), name="bianzhi-file-check",
                                        daemon=True)
        self._thread.start()

    def _run(self, engine: Any, pragma: str) -> None:
        try:
            with engine.connect() as other:
                self._results = [str(r[0]) for r in other.exec_driver_sql(f"PRAGMA {pragma}")]
        except BaseException as error:  # handed to the calling thread by damage()
            self._error = error

    def damage(self) -> str | None:
        """The file's damage in words (None when SQLite found none); waits for the check to end."""
        self._thread.join()
        if isinstance(self._error, exc.DatabaseError):
            return f"数据库文件损坏:{self._error.orig}"
        if self._error is not None:
            raise self._error
        return None if self._results == ["ok"] else "数据库文件损坏:" + ";".join(self._results[:3])


def _check_contents(conn: Connection, catalog: Catalog, report: CheckReport, personal: PersonalKeys | None,
                    anchors: Sequence[Anchor]) -> CheckReport:
    """Everything but the file itself: counters, the chain and its replay, 建账 digests, held packages, the
    security log and accounts, anchors and the schema fingerprint."""
    names = dict(conn.execute(select(units.c.id, units.c.name)).tuples().all())
    _check_quotas(conn, catalog, names, report)
    _check_posts(conn, catalog, names, report)
    _check_pool(conn, catalog, report)
    replay, known = Replay(catalog), len(report.problems)
    replay.load_history(conn)
    established = _check_chain(conn, report, replay)
    if len(report.problems) == known:  # an intact chain: the tables against the figures its entries wrote
        report.problems.extend(replay.problems(conn))
    if established:
        from bianzhi_app.personal import keyring

        keys = personal or keyring.open_keys(conn)
        if keys is not None:
            _check_established(conn, catalog, established, report, keys)
    if inspect(conn).has_table("region_packages"):
        from bianzhi_app.packages.held import held_problems

        report.problems.extend(held_problems(conn))
    if inspect(conn).has_table("security_log"):
        problem = seclog.verify_log(conn)
        if problem is not None:
            report.problems.append(problem)
        else:  # an intact log: the accounts and the policy against the state its events wrote
            report.problems.extend(account_problems(conn))
    report.problems.extend(compare_anchors(conn, list(anchors)))
    report.problems += schema_problems(conn)  # the backstop's triggers, constraints and indexes, last: what
    return report                             # they no longer guarded shows above, by name


def roster_line(person_id: int, id_number: str, name: str, kind: str, entered_on: dt.date, post: str | None) -> bytes:
    """One person of a 建账 entry's digest: ``after.persons.sha256`` is the SHA-256 of these lines in person-id
    order (UTF-8, tab-separated: person id, ID number, name, kind code, entry date, post code or empty)."""
    return f"{person_id}\t{id_number}\t{name}\t{kind}\t{entered_on.isoformat()}\t{post or ''}\n".encode()


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


def _check_chain(conn: Connection, report: CheckReport, replay: Replay) -> list[dict[str, Any]]:
    """Verify the chain, feeding each entry's after-state to `replay`; return the 建账 entries met on the way
    (seq, unit, after, detail)."""
    columns = [ledger.c[name] for name in (*HASHED_FIELDS, "approver", "hash")]
    counted = {"n": 0}
    established: list[dict[str, Any]] = []

    def rows():  # type: ignore[no-untyped-def]
        for row in conn.execution_options(yield_per=5000).execute(select(*columns).order_by(ledger.c.seq)):
            counted["n"] += 1
            entry = row._mapping
            after = parse_json(entry["after"])
            replay.take(entry["seq"], entry["op"], entry["unit_id"], entry["unit_name"], entry["effective_on"], after,
                        entry["detail"], entry["document_number"])
            if entry["op"] == "unit.establish":
                established.append({"seq": entry["seq"], "unit": entry["unit_name"],
                                    "after": after, "detail": parse_json(entry["detail"])})
            yield entry

    problem = verify_chain(rows())
    report.entries_checked = counted["n"]
    if problem is not None:
        report.problems.append(problem.message)
    return established


def _check_established(conn: Connection, catalog: Catalog, entries: list[dict[str, Any]],
                       report: CheckReport, keys: PersonalKeys) -> None:
    """Each 建账 entry's digest against the persons it names (their id range), as the book holds them now:
    name and ID number, and the first staffing period and the 建账 appointment (immutable by trigger).
    One pass over those persons, in id order; a hand-edited person shows here."""
    ranges = sorted(((e["detail"]["person_ids"], e) for e in entries if e["detail"].get("person_ids")),
                    key=lambda span_entry: span_entry[0])
    if not ranges:
        return
    posts: dict[int, str] = {}
    for e in entries:
        span = e["detail"].get("appointment_ids")
        if span:
            for person_id, post_kind_id in conn.execute(
                    select(appointments.c.person_id, appointments.c.post_kind_id)
                    .where(appointments.c.id.between(span[0], span[1]))):
                posts[person_id] = catalog.post_kind_by_id(post_kind_id).code
    query = (select(persons.c.id, persons.c.id_cipher, persons.c.name, staffing.c.kind_id, staffing.c.start_date)
             .join(staffing, staffing.c.person_id == persons.c.id)
             .where(persons.c.id.between(ranges[0][0][0], ranges[-1][0][1]))
             .order_by(persons.c.id, staffing.c.id))
    at, digest, last = 0, sha256(), None

    def close(index: int) -> None:
        (_lo, _hi), entry = ranges[index]
        if digest.hexdigest() != entry["after"].get("persons", {}).get("sha256"):
            report.problems.append(f"建账记录不符:台账第{entry['seq']}条({entry['unit']})记录的人员摘要与现有人员记录"
                                   f"不符(人员的姓名、身份证号、编制类型、入编时间或职务被改动)")

    for row in conn.execution_options(yield_per=5000).execute(query):
        if row.id == last:
            continue  # a later staffing period of the same person
        last = row.id
        while at < len(ranges) and row.id > ranges[at][0][1]:
            close(at)
            at, digest = at + 1, sha256()
        if at == len(ranges):
            break
        if row.id < ranges[at][0][0]:
            continue
        try:
            id_number = keys.decrypt_id(row.id_cipher)
        except BianzhiError:
            id_number = "?"  # a changed sealed value: the digest no longer matches, which is reported
        digest.update(roster_line(row.id, id_number, row.name, catalog.kind_by_id(row.kind_id).code,
                                  row.start_date, posts.get(row.id)))
    while at < len(ranges):
        close(at)
        at, digest = at + 1, sha256()


__all__ = ["CheckReport", "run_check"]
