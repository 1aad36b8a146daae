"""The import proper, inside one open write transaction: rows → operations → problems by row.

New units (with their quotas and post limits) go through the batch ``add_units``, persons through
``enter_persons`` and posts through ``appoint_many``, each with its per-row refusal list; a unit
already in the book has its quotas, post limits and 主要职责 set in a savepoint of its own (a refused row
undoes only itself). An initial import (建账) instead adds each unit together with its persons and
posts in the same batch ``add_units`` (``UnitRequest.incumbents``): one 建账 entry per unit, none per
person; it then re-creates the open usage approvals of the 「用编核准」 sheet, each in a savepoint of its
own. The caller (``importer``) decides whether the transaction is committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bianzhi_app.db.models import persons, regions, staffing, units
from bianzhi_app.errors import (
    BianzhiError,
    Cancelled,
    DocumentRequired,
    InvalidInput,
    NotFound,
    PoolExceeded,
)
from bianzhi_app.idcodes import mask_id
from bianzhi_app.io.approval_sheet import ApprovalRow, ApprovalSheet
from bianzhi_app.io.pool_sheet import PoolSheet
from bianzhi_app.io.workbook import ParsedWorkbook, PersonRow, Problem, UnitRow, unknown_units
from bianzhi_app.kernel import Tx, normalize_doc_number

if TYPE_CHECKING:
    from bianzhi_app.book import BookTx
from bianzhi_app.ops.common import pool_figures, post_figures, quota_figures
from bianzhi_app.ops.posts import AppointRequest
from bianzhi_app.ops.staff import EnterRequest
from bianzhi_app.ops.units import UnitRefusal, UnitRequest
from bianzhi_app.texts import normalize_text

CHUNK = 500
COUNTS = ("units_added", "quotas_set", "post_limits_set", "functions_set", "pools_set", "persons_entered",
          "posts_appointed", "persons_unchanged", "approvals_added", "rows_refused")


@dataclass(frozen=True)
class Options:
    initial: bool
    skip_invalid: bool
    doc: str | None
    file_name: str


class _RowRefused(Exception):
    def __init__(self, fld: str, value: str, error: BianzhiError):
        super().__init__(error.message)
        self.field, self.value, self.error = fld, value, error


class Apply:
    def __init__(self, batch: BookTx, parsed: ParsedWorkbook, pool_sheet: PoolSheet, options: Options,
                 progress: Callable[[int, int, str], None] | None, cancel: Callable[[], bool] | None,
                 approval_sheet: ApprovalSheet | None = None):
        self.book, tx = batch, batch.tx  # the typed API writes; tx reads figures inside the same transaction
        self.tx, self.parsed, self.pool_sheet, self.options = tx, parsed, pool_sheet, options
        self.progress, self.cancel = progress, cancel
        # Only an initial import re-creates approvals; a regular one ignores the sheet.
        self.approval_sheet = (approval_sheet or ApprovalSheet()) if options.initial else ApprovalSheet()
        self.problems: list[Problem] = [*parsed.problems, *pool_sheet.problems, *self.approval_sheet.problems]
        self.counts: dict[str, int] = dict.fromkeys(COUNTS, 0)
        self.failed_units: dict[str, UnitRow] = {}
        self.start = tx.today
        self.unit_ids: dict[str, int] = {}  # name → id of the units this import added or updated

    # ------------------------------------------------------------ helpers

    def problem(self, sheet: str, row: int, fld: str, value: object, reason: str) -> None:
        column = self.parsed.columns.get(sheet, {}).get(fld, "")
        self.problems.append(Problem(sheet, row, column, "" if value is None else str(value), reason))

    def sorted_problems(self) -> list[Problem]:
        order = [*self.parsed.unit_sheets, *self.parsed.person_sheets, self.pool_sheet.sheet or "",
                 self.approval_sheet.sheet or ""]
        return sorted(self.problems, key=lambda p: (order.index(p.sheet) if p.sheet in order else len(order), p.row))

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("已取消导入,数据库未作任何改动")

    def report(self, done: int, total: int, stage: str) -> None:
        if self.progress is not None:
            self.progress(done, total, stage)

    # ------------------------------------------------------------ the run

    def execute(self) -> None:
        tx, parsed = self.tx, self.parsed
        if not self.options.initial:
            self.book.approvals.expire_due()
        book_units: dict[str, int] = {r.name: r.id for r in tx.conn.execute(
            select(units.c.name, units.c.id).where(units.c.status == "active"))}
        self.unit_ids.update(book_units)
        self.problems += unknown_units(parsed, set(book_units))
        bad = {(p.sheet, p.row) for p in self.problems}
        unit_rows = [u for u in parsed.units if (u.sheet, u.row) not in bad]
        for u in parsed.units:
            if (u.sheet, u.row) in bad:
                self.failed_units[u.name] = u
        people = [p for p in parsed.persons if (p.sheet, p.row) not in bad]
        if self.options.initial:
            dates = [p.entered_on for p in people if p.entered_on is not None and p.entered_on <= tx.today]
            dates += [a.issued_on for a in self.approval_sheet.rows
                      if a.issued_on is not None and a.issued_on <= tx.today]
            self.start = min([*dates, tx.today])
            self.initial_region()
            self.initial(unit_rows, people)
        else:
            self.regular_units(unit_rows, book_units)
            self.enter(people)

    # ------------------------------------------------------------ initial

    def initial_region(self) -> None:
        sheet = self.pool_sheet
        row = self.tx.conn.execute(select(regions.c.name, regions.c.code)).first()
        if row is None:
            assert sheet.region_name and sheet.region_code
            self.book.region.init(name=sheet.region_name, code=sheet.region_code, on=self.start)
        elif sheet.region_code and sheet.region_code != row.code:
            self.problems.append(Problem(sheet.sheet or "", sheet.row, "行政区划代码", sheet.region_code,
                                         f"工作簿属于行政区划{sheet.region_code},与本台账{row.name}({row.code})不符"))

    def initial(self, unit_rows: list[UnitRow], people: list[PersonRow]) -> None:
        tx, doc, on = self.tx, self.options.doc, self.start
        assert doc
        tx.document(doc, title=f"首次导入文件「{self.options.file_name}」")
        # 建账: each unit comes with its persons (one entry per unit, not per person); persons and posts over
        # the stated figures are the unit's overage, kept as its allowance (只出不进) by the op itself.
        staff: dict[str, list[PersonRow]] = {u.name: [] for u in unit_rows}
        for p in people:
            if p.unit in staff:
                staff[p.unit].append(p)
            else:
                self.unit_failed(p)
        stated = {p.kind: p for p in self.pool_sheet.pools}
        original: dict[str, int] = {}
        for kind in {k for u in unit_rows for k in u.quotas} | set(stated):
            total, _allocated = pool_figures(tx, tx.catalog.kind(kind).id)
            original[kind] = total
            needed = sum(u.quotas.get(kind, 0) for u in unit_rows)
            first = max(total, needed, stated[kind].total if kind in stated else 0)
            if first != total:
                self.book.region.set_pool(kind=kind, total=first, doc=doc, on=on)
                self.counts["pools_set"] += 1
        self.add_units(_parents_first(unit_rows, set()), {u.name: u.quotas for u in unit_rows},
                       {u.name: u.post_limits for u in unit_rows}, 0, len(unit_rows), staff)
        for kind, total in original.items():
            current, allocated = pool_figures(tx, tx.catalog.kind(kind).id)
            target = stated[kind].total if kind in stated else max(total, allocated)
            if target == current:
                continue
            try:
                with tx.savepoint():
                    self.book.region.set_pool(kind=kind, total=target, doc=doc, on=on)
                self.counts["pools_set"] += int(current == original[kind])
            except PoolExceeded as error:
                row = stated[kind]
                self.problems.append(Problem(row.sheet, row.row, row.column, str(target), error.message))
        self.initial_approvals()

    def initial_approvals(self) -> None:
        """Re-create the open approvals of the 「用编核准」 sheet: same number, method, dates and document,
        reserving what they still reserve (核准数 − 已使用); each in a savepoint of its own."""
        tx, sheet = self.tx, self.approval_sheet
        self.check_cancel()
        for index, a in enumerate(sheet.rows):
            if index % 100 == 0:
                self.report(index, len(sheet.rows), "用编核准")
            failed = self.failed_units.get(a.unit)
            unit_id = self.unit_ids.get(a.unit)
            if failed is not None or unit_id is None:
                reason = (f"单位「{a.unit}」未能导入(见「{failed.sheet}」表第{failed.row}行)" if failed is not None
                          else f"单位「{a.unit}」不在单位表中")
                self.refuse_approval(a, "unit", NotFound(reason))
                continue
            try:
                with tx.savepoint():
                    self.book.approvals.add(unit=unit_id, kind=a.kind, count=a.remaining, method=a.method or "其他",
                                            doc=normalize_doc_number(a.doc) or self.options.doc or "",
                                            valid_until=a.valid_until, on=a.issued_on, number=a.number)
            except BianzhiError as error:
                self.refuse_approval(a, _approval_field(error), error)
                continue
            self.counts["approvals_added"] += 1

    def refuse_approval(self, a: ApprovalRow, fld: str, error: BianzhiError) -> None:
        sheet = self.approval_sheet
        self.problems.append(Problem(a.sheet, a.row, sheet.columns.get(fld, ""), a.cells.get(fld, ""), error.message))
        self.counts["rows_refused"] += 1

    # ------------------------------------------------------------ units

    def regular_units(self, unit_rows: list[UnitRow], book_units: dict[str, int]) -> None:
        tx = self.tx
        changes: list[tuple[int, UnitRow, dict[str, int], dict[str, int]]] = []
        texts: dict[str, str] = {}  # unit name → its new 主要职责 (a blank cell leaves the unit's text as it is)
        new_rows = []
        for u in unit_rows:
            unit_id = book_units.get(u.name)
            if unit_id is None:
                new_rows.append(u)
                continue
            q = {k: n for k, n in u.quotas.items() if quota_figures(tx, unit_id, tx.catalog.kind(k).id).approved != n}
            p = {k: n for k, n in u.post_limits.items()
                 if post_figures(tx, unit_id, tx.catalog.post_kind(k).id)[0] != n}
            if u.functions is not None and normalize_text(u.functions) != (tx.conn.execute(
                    select(units.c.functions).where(units.c.id == unit_id)).scalar() or ""):
                texts[u.name] = u.functions
            if q or p or u.name in texts:
                delta = sum(n - quota_figures(tx, unit_id, tx.catalog.kind(k).id).approved for k, n in q.items())
                changes.append((delta, u, q, p))
        if (changes or new_rows) and not self.options.doc:
            first = min([c[1] for c in changes] + new_rows, key=lambda r: r.row)
            raise DocumentRequired(f"导入的单位表将调整核定编制、领导职数、主要职责或设立单位(如「{first.sheet}」表"
                                   f"第{first.row}行{first.name}),须注明文件依据:--doc 文号")
        decreases = [c for c in changes if c[0] <= 0]
        increases = [c for c in changes if c[0] > 0]
        new_rows = _parents_first(new_rows, set(book_units))
        total = len(decreases) + len(new_rows) + len(increases)
        for index, (_delta, u, q, p) in enumerate(decreases):
            self.unit_row(u, book_units[u.name], q, p, index, total, texts.get(u.name))
        self.add_units(new_rows, {u.name: u.quotas for u in new_rows}, {u.name: u.post_limits for u in new_rows},
                       len(decreases), total)
        for index, (_delta, u, q, p) in enumerate(increases, start=len(decreases) + len(new_rows)):
            self.unit_row(u, book_units[u.name], q, p, index, total, texts.get(u.name))

    def unit_row(self, u: UnitRow, unit_id: int, quota_targets: dict[str, int], limit_targets: dict[str, int],
                 index: int, total: int, functions: str | None = None) -> None:
        """Set the quotas, post limits and (when given) 主要职责 of a unit in the book, in one savepoint."""
        tx, doc = self.tx, self.options.doc
        on = self.start if self.options.initial else None
        if index % 100 == 0:
            self.check_cancel()
            self.report(index, total, "导入单位")
        done = Counter[str]()
        try:
            with tx.savepoint():
                def current(kind: str) -> int:
                    return quota_figures(tx, unit_id, tx.catalog.kind(kind).id).approved

                for kind, n in sorted(quota_targets.items(), key=lambda kn: kn[1] - current(kn[0])):
                    _run(f"quota:{kind}", n, partial(self.book.quotas.set, unit=unit_id, kind=kind, approved=n,
                                                     doc=doc or "", on=on))
                    done["quotas_set"] += 1
                for post, n in limit_targets.items():
                    _run(f"limit:{post}", n, partial(self.book.posts.set_limit, unit=unit_id, post=post, limit=n,
                                                     doc=doc or "", on=on))
                    done["post_limits_set"] += 1
                if functions is not None:
                    _run("functions", functions, partial(self.book.units.set_functions, unit=unit_id,
                                                         functions=functions, doc=doc or "", on=on))
                    done["functions_set"] += 1
        except DocumentRequired:
            raise
        except _RowRefused as refused:
            self.refuse_unit(u, refused.field, refused.value, refused.error)
            return
        self.counts.update({key: self.counts[key] + n for key, n in done.items()})
        self.unit_ids[u.name] = unit_id

    def refuse_unit(self, u: UnitRow, fld: str, value: str, error: BianzhiError) -> None:
        self.problem(u.sheet, u.row, fld, value, error.message)
        self.failed_units[u.name] = u
        self.counts["rows_refused"] += 1

    def add_units(self, rows: list[UnitRow], quota_targets: dict[str, dict[str, int]],
                  limit_targets: dict[str, dict[str, int]], first_index: int, total: int,
                  staff: dict[str, list[PersonRow]] | None = None) -> None:
        """Add new units with their (non-zero) quotas and post limits through the batch ``add_units``;
        a refused unit is a problem of its row and adds nothing. With ``staff`` (unit name → its persons:
        建账) each unit is added with its persons and posts, and one 建账 entry records it."""
        on = self.start if self.options.initial else None
        kept: list[UnitRow] = []
        requests: list[UnitRequest] = []
        for u in rows:
            missing = next(((fld, what) for fld, what in (("category", "机构类别"), ("rank", "机构规格"))
                            if getattr(u, fld) is None), None)
            if missing is not None:
                self.refuse_unit(u, missing[0], "", InvalidInput(f"新设单位「{u.name}」须填写{missing[1]}"))
                for person in (staff or {}).get(u.name, []):
                    self.unit_failed(person)
                continue
            q = {k: n for k, n in sorted(quota_targets[u.name].items(), key=lambda kn: kn[1]) if n}
            p = {k: n for k, n in limit_targets[u.name].items() if n}
            parent = self.unit_ids.get(u.parent, u.parent) if u.parent else None
            requests.append(UnitRequest(u.name, u.category or "", u.rank or "", self.options.doc or "",
                                        funding=u.funding, parent=parent, uscc=u.uscc, functions=u.functions,
                                        on=on,
                                        quotas=q, post_limits=p,
                                        incumbents=None if staff is None else staff.get(u.name, [])))
            kept.append(u)
        stage = "导入单位" if staff is None else "导入单位和人员"

        def adding(done: int, _total: int) -> None:
            if done < len(requests):
                self.check_cancel()
                self.report(first_index + done, total, stage)

        refusals: list[UnitRefusal] = []
        changes = self.book.units.add_many(requests=requests, errors=refusals, progress=adding)
        refused: set[int] = set()
        incumbents_refused: dict[int, set[str]] = {}
        for refusal in refusals:
            error, u = refusal.error, kept[refusal.index]
            if isinstance(error, DocumentRequired):
                raise error
            if refusal.part is not None and refusal.part.startswith(("person:", "post:")):
                assert staff is not None
                part, at = refusal.part.split(":", 1)
                self.refuse_incumbent(staff[u.name][int(at)], part, error)
                incumbents_refused.setdefault(refusal.index, set()).add(refusal.part)
                continue
            refused.add(refusal.index)
            if refusal.part is not None:
                figures = requests[refusal.index].quotas if refusal.part.startswith("quota:") else \
                    requests[refusal.index].post_limits
                self.refuse_unit(u, refusal.part, str(figures[refusal.part.split(":", 1)[1]]), error)
            else:
                column = _UNIT_COLUMNS.get(error.field or "", "unit")
                self.refuse_unit(u, column, str(getattr(u, column, None) or "") if column != "unit" else u.name,
                                 error)
        accepted = [i for i in range(len(requests)) if i not in refused]
        for index, change in zip(accepted, changes, strict=True):
            self.unit_ids[kept[index].name] = int(change.result or 0)
            self.counts["units_added"] += 1
            self.counts["quotas_set"] += len(requests[index].quotas)
            self.counts["post_limits_set"] += len(requests[index].post_limits)
            if staff is not None:
                self.count_incumbents(staff[kept[index].name], incumbents_refused.get(index, set()))
        for index in sorted(refused):
            for person in (staff or {}).get(kept[index].name, []):
                self.unit_failed(person)

    def count_incumbents(self, people: list[PersonRow], refused: set[str]) -> None:
        """The persons entered and posts taken of one 建账 unit (``refused``: its ``person:i`` / ``post:i``)."""
        for i, p in enumerate(people):
            if f"person:{i}" in refused:
                continue
            self.counts["persons_entered"] += 1
            if p.post and f"post:{i}" not in refused:
                self.counts["posts_appointed"] += 1

    def refuse_incumbent(self, p: PersonRow, part: str, error: BianzhiError) -> None:
        """A person of a 建账 unit refused (``part`` "person"), or only their post ("post")."""
        if part == "post":
            post = next((k.name for k in self.tx.catalog.post_kinds if p.post in (k.code, k.name)), p.post)
            self.problem(p.sheet, p.row, "post", post,
                         f"{error.message}(人员已入编,未任职)" if self.options.skip_invalid else error.message)
            return
        kind = next((k.name for k in self.tx.catalog.kinds if p.kind in (k.code, k.name)), p.kind)
        fld, value = _person_field(p, error, kind)
        self.problem(p.sheet, p.row, fld, value, error.message)
        self.counts["rows_refused"] += 1

    def unit_failed(self, p: PersonRow) -> None:
        """A person whose unit could not be imported."""
        failed = self.failed_units.get(p.unit)
        where = f"(见「{failed.sheet}」表第{failed.row}行)" if failed is not None else ""
        self.problem(p.sheet, p.row, "unit", p.unit, f"所在单位「{p.unit}」未能导入{where}")

    # ------------------------------------------------------------ persons

    def enter(self, people: list[PersonRow]) -> None:
        tx = self.tx
        self.check_cancel()
        wanted: list[PersonRow] = []
        for p in people:
            if p.unit in self.failed_units:
                self.unit_failed(p)
                continue
            wanted.append(p)
        if not self.options.initial:
            on_book = _open_slots(tx, [p.id_number for p in wanted])
            kept = []
            for p in wanted:
                slot = on_book.get(p.id_number)
                if slot is not None and slot == (p.unit, p.kind):
                    self.counts["persons_unchanged"] += 1
                else:
                    kept.append(p)
            wanted = kept
        ids = self.unit_ids
        requests = [EnterRequest(ids.get(p.unit, p.unit), p.kind, p.name, p.id_number, None, p.entered_on)
                    for p in wanted]
        errors: list[tuple[int, BianzhiError]] = []

        def entering(done: int, total: int) -> None:
            self.report(done, total, "登记人员")

        self.book.staff.enter_many(requests=requests, errors=errors, progress=entering, cancelled=self.cancel,
                                   initial=self.options.initial)
        refused = set()
        for index, error in errors:
            p = wanted[index]
            fld, value = _person_field(p, error, tx.catalog.kind(p.kind).name)
            self.problem(p.sheet, p.row, fld, value, error.message)
            refused.add(index)
        self.counts["persons_entered"] += len(wanted) - len(refused)
        self.counts["rows_refused"] += len(refused)
        appointing = [p for i, p in enumerate(wanted) if p.post and i not in refused]

        def appointed(done: int, total: int) -> None:
            if done < total:
                self.check_cancel()
                self.report(done, total, "任职")

        not_appointed: list[tuple[int, BianzhiError]] = []
        self.book.posts.appoint_many(requests=[AppointRequest(p.id_number, p.post or "", p.entered_on)
                                               for p in appointing], errors=not_appointed, progress=appointed)
        self.counts["posts_appointed"] += len(appointing) - len(not_appointed)
        for index, error in not_appointed:
            p = appointing[index]
            self.problem(p.sheet, p.row, "post", tx.catalog.post_kind(p.post or "").name,
                         f"{error.message}(人员已入编,未任职)" if self.options.skip_invalid else error.message)


# The column of each sheet that an error's field concerns (BianzhiError.field, set where it is raised).
_APPROVAL_COLUMNS = {"count": "count", "number": "number", "approval": "number", "unit": "unit", "method": "method",
                     "valid_until": "valid", "date": "issued", "doc": "doc", "kind": "kind"}
_PERSON_COLUMNS = {"id_number": "id", "name": "name", "date": "entered", "unit": "unit", "kind": "kind",
                   "count": "kind", "approval": "kind"}
_UNIT_COLUMNS = {"parent": "parent", "uscc": "uscc", "category": "category", "rank": "rank", "funding": "funding",
                 "functions": "functions"}


def _approval_field(error: BianzhiError) -> str:
    """The column of the 「用编核准」 sheet a refusal of an approval concerns."""
    return _APPROVAL_COLUMNS.get(error.field or "", "count")


def _run(fld: str, value: int | str, operation: Callable[[], Any]) -> None:
    try:
        operation()
    except DocumentRequired:
        raise
    except BianzhiError as error:
        shown = str(value)
        raise _RowRefused(fld, shown if len(shown) <= 30 else f"{shown[:30]}…", error) from None


def _parents_first(rows: list[UnitRow], known: set[str]) -> list[UnitRow]:
    """Unit rows ordered so that a parent named in the file is added before its children."""
    names = {u.name for u in rows}
    done = set(known)
    ordered: list[UnitRow] = []
    pending = list(rows)
    while pending:
        ready: list[UnitRow] = []
        rest: list[UnitRow] = []
        for u in pending:
            (rest if u.parent and u.parent in names and u.parent not in done else ready).append(u)
        if not ready:  # a cycle: add_unit will refuse the parent it cannot find
            ordered += rest
            break
        ordered += ready
        done |= {u.name for u in ready}
        pending = rest
    return ordered


def _open_slots(tx: Tx, id_numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
    """ID number → (unit name, kind code) of the persons on establishment among ``id_numbers``."""
    keys = tx.keys()
    by_hash = {keys.id_hash(code): code for code in set(id_numbers)}
    wanted = sorted(by_hash)
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = tx.conn.execute(select(persons.c.id_hash, units.c.name, staffing.c.kind_id)
                               .join(staffing, staffing.c.person_id == persons.c.id)
                               .join(units, units.c.id == staffing.c.unit_id)
                               .where(persons.c.id_hash.in_(wanted[start:start + CHUNK]),
                                      staffing.c.end_date.is_(None))).all()
        for r in rows:
            found[by_hash[r.id_hash]] = (r.name, tx.catalog.kind_by_id(r.kind_id).code)
    return found


def _person_field(p: PersonRow, error: BianzhiError, kind_name: str) -> tuple[str, str]:
    """The column a refusal of an entry concerns, and the value shown there."""
    column = _PERSON_COLUMNS.get(error.field or "", "id")
    value = {"id": mask_id(p.id_number), "name": p.name, "unit": p.unit, "kind": kind_name,
             "entered": p.entered_on.isoformat() if p.entered_on else ""}[column]
    return column, value
