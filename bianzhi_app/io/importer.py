"""Import a workbook into the book through the core's operations, all or nothing.

``import_workbook`` reads the file (``read_workbook``), then runs the import in ONE write
transaction with the same operations as the window and the CLI (add_units, set_quota,
set_post_limit, set_pool, enter_persons, appoint_many), so every rule and the ledger apply. Every
refusal is mapped back to the sheet, row and column it came from. The transaction is committed
only when there is no problem at all (or, with ``skip_invalid``, for the rows without one); a
dry run always rolls back, so it checks every rule exactly as the real import would.

For the UI wizard: call ``read_workbook`` (and ``read_pool_sheet``, ``read_approval_sheet`` on its
ignored sheets) in a worker to show what
was recognised, then ``import_parsed`` with the same options (first ``dry_run=True`` for the
preview of problems, then for real); both take ``progress(done, total, stage)`` and ``cancel()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bianzhi_app.book import Book
from bianzhi_app.db.models import persons, regions, units
from bianzhi_app.errors import Cancelled, StateRefused
from bianzhi_app.io.apply import Apply, Options
from bianzhi_app.io.approval_sheet import ApprovalSheet, read_approval_sheet
from bianzhi_app.io.pool_sheet import PoolSheet, read_pool_sheet
from bianzhi_app.io.workbook import ParsedWorkbook, Problem, read_workbook
from bianzhi_app.kernel import normalize_doc_number
from bianzhi_app.texts import DOC_NUMBER_MAX, line_problem

Progress = Callable[[int, int, str], None]


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a refused file, would have done)."""

    problems: list[Problem]
    imported: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    dry_run: bool = False
    document: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"problems": [{"sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
                              "reason": p.reason} for p in self.problems],
                "imported": self.imported, "committed": self.committed, "dry_run": self.dry_run,
                "document": self.document}


class _Rollback(Exception):
    """Leave the transaction without committing (dry run, or problems without skip_invalid)."""


def initial_document(file_name: str) -> str:
    """The 文号 an initial import cites: 初始导入:FILE, the file name cut to fit (and stripped of any invisible
    character a file name may hold)."""
    prefix = "初始导入:"
    kept = "".join(c for c in "".join(file_name.split()) if line_problem(c, "", 1) is None)
    return normalize_doc_number(prefix + kept[:DOC_NUMBER_MAX - len(prefix)])


def import_workbook(book: Book, path: str | os.PathLike[str], *, initial: bool = False, dry_run: bool = False,
                    skip_invalid: bool = False, doc: str | None = None, progress: Progress | None = None,
                    cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Read ``path`` and import it; see :func:`import_parsed`. Raises NotFound / InvalidInput for a
    file that cannot be read, Cancelled when ``cancel()`` returns True (the book is unchanged)."""
    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "读取文件")

    parsed = read_workbook(path, progress=reading, cancel=cancel)
    pool = read_pool_sheet(path, parsed.ignored_sheets) if parsed.ignored_sheets else PoolSheet()
    approval_sheet = read_approval_sheet(path, parsed.ignored_sheets) if initial and parsed.ignored_sheets \
        else ApprovalSheet()
    return import_parsed(book, parsed, file_name=Path(path).name, pool_sheet=pool, approval_sheet=approval_sheet,
                         initial=initial, dry_run=dry_run, skip_invalid=skip_invalid, doc=doc, progress=progress,
                         cancel=cancel)


def import_parsed(book: Book, parsed: ParsedWorkbook, *, file_name: str, pool_sheet: PoolSheet | None = None,
                  approval_sheet: ApprovalSheet | None = None, initial: bool = False, dry_run: bool = False,
                  skip_invalid: bool = False, doc: str | None = None,
                  progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Import an already read workbook.

    ``initial``: load a region's current state into an empty book (no units, no persons): the region
    is created from the 编制总额 sheet if the book has none; units, quotas and post limits are set,
    persons entered without approvals, overages kept as allowances (只出不进), the pool raised to
    cover the quotas (or set to the 编制总额 sheet's figures), and the open usage approvals of
    ``approval_sheet`` (the 用编核准 sheet) re-created; the document is ``doc`` or
    「初始导入:<file name>」. Otherwise: existing units get the file's quotas and post limits and new
    units are added (both need ``doc``: DocumentRequired without it), persons are entered (rule 5:
    approvals are consumed; a person already on establishment in the same unit and kind is unchanged);
    ``approval_sheet`` is ignored.

    Returns the problems (the reader's and the book's), and counts. Nothing is committed when
    ``dry_run``, or when there is any problem and not ``skip_invalid``.
    Raises StateRefused for an initial import into a book that holds data or has no region,
    DocumentRequired for unit changes without ``doc``, Cancelled on cancel.
    """
    pool_sheet = pool_sheet or PoolSheet()
    document = (doc or initial_document(file_name)) if initial else (normalize_doc_number(doc) or None)
    result = ImportResult(problems=[], dry_run=dry_run, document=document)
    options = Options(initial=initial, skip_invalid=skip_invalid, doc=document, file_name=file_name)
    try:
        with book.batch() as batch:
            if initial:
                _check_empty(batch.tx, pool_sheet)
            run = Apply(batch, parsed, pool_sheet, options, progress, cancel, approval_sheet)
            run.execute()
            result.problems = run.sorted_problems()
            result.imported = run.counts
            if dry_run or (result.problems and not skip_invalid):
                raise _Rollback()
            if cancel is not None and cancel():
                raise Cancelled("已取消导入,数据库未作任何改动")
        result.committed = True
    except _Rollback:
        if not dry_run:
            result.imported = {key: 0 for key in result.imported}
    return result


def _check_empty(tx: Any, pool_sheet: PoolSheet) -> None:
    count = len(tx.conn.execute(select(units.c.id).limit(1)).all())
    count += len(tx.conn.execute(select(persons.c.id).limit(1)).all())
    if count:
        raise StateRefused("首次导入(--initial)只能导入空台账:本台账已有单位或人员;日常导入请去掉 --initial")
    has_region = tx.conn.execute(select(regions.c.id)).first() is not None
    if not has_region and not (pool_sheet.region_name and pool_sheet.region_code):
        raise StateRefused("台账尚未建立行政区域:请先用 init 建立,或在工作簿「编制总额」表中填写行政区域和行政区划代码")
