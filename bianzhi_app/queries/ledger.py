"""The ledger (编制台账) and the documents (文件依据) as lists: one function each for the window, the
command line and the reports, paged by key (seq, id), newest first in the window, oldest first when
streamed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bianzhi_app.db.sql import contains, day, mappings, rows

PAGE = 200


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    unit_id: int | None = None
    op: str | None = None


def ledger_page(conn: Any, flt: LedgerFilter, before_seq: int | None = None, limit: int = PAGE, *,
                after_seq: int | None = None, newest_first: bool = True) -> list[dict[str, Any]]:
    """Ledger entries matching the filter, ``limit`` of them: newest first below ``before_seq``, or oldest
    first above ``after_seq``. Each has its figures (before, after, detail), a one-line ``summary`` and the
    ``approver`` (the reviewer who approved it as a proposal, else None) beside the ``actor``."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    for condition, name, value in (("effective_on >= :since", "since", flt.since.isoformat() if flt.since else None),
                                   ("effective_on <= :until", "until", flt.until.isoformat() if flt.until else None),
                                   ("unit_id = :unit", "unit", flt.unit_id), ("op = :op", "op", flt.op or None),
                                   ("seq < :before", "before", before_seq), ("seq > :after", "after", after_seq)):
        if value is not None:
            where.append(condition)
            params[name] = value
    found = rows(conn, "SELECT seq, at, effective_on, actor, op, unit_id, unit_name, document_number, before, after,"
                       f" detail, hash, approver FROM ledger WHERE {' AND '.join(where)}"
                       f" ORDER BY seq{' DESC' if newest_first else ''} LIMIT :limit", params)
    entries = []
    for r in found:
        detail = json.loads(r[10])
        entries.append({"seq": r[0], "at": r[1], "effective_on": day(r[2]), "actor": r[3], "op": r[4],
                        "unit_id": r[5], "unit": r[6], "doc": r[7], "before": json.loads(r[8]),
                        "after": json.loads(r[9]), "detail": detail, "summary": summarize_detail(detail),
                        "hash": r[11], "approver": r[12]})
    return entries


def ledger_entries(conn: Any, *, since: dt.date | None = None, until: dt.date | None = None,
                   unit: str | int | None = None, op: str | None = None, limit: int | None = None,
                   page: int = 2000) -> Iterator[dict[str, Any]]:
    """Every entry of `ledger_page` oldest first (the command line's `ledger`, the reports), streamed a page
    at a time; ``effective_on`` as ISO text. Refuses an unknown unit (NotFound)."""
    from bianzhi_app.queries.establishment import resolve_unit_id

    flt = LedgerFilter(since=since, until=until, op=op,
                       unit_id=resolve_unit_id(conn, unit) if unit not in (None, "") else None)
    after, left = None, limit
    while left is None or left > 0:
        found = ledger_page(conn, flt, limit=page if left is None else min(page, left), after_seq=after,
                            newest_first=False)
        for entry in found:
            yield {**entry, "effective_on": entry["effective_on"].isoformat()}
        if left is not None:
            left -= len(found)
        if len(found) < page:
            return
        after = found[-1]["seq"]


def summarize_detail(detail: dict[str, Any]) -> str:
    """A one-line summary of a ledger entry's detail (names are already masked there)."""
    parts = []
    for key in ("name", "from", "to", "kind", "post", "reason", "number", "count", "method", "approval"):
        value = detail.get(key)
        if value not in (None, ""):
            parts.append(str(value))
    if detail.get("sources"):
        parts.append("、".join(detail["sources"]) + " → " + str(detail.get("into", "")))
    return " ".join(parts)


def documents_page(conn: Any, search: str = "", after_id: int | None = None,
                   limit: int = PAGE) -> list[dict[str, Any]]:
    """Documents (文件依据), newest first, keyset by id; `search` matches part of the number or title, character
    for character (no wildcards, the same on a file and on the server)."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    term = search.strip()
    if term:
        title = contains(conn, "coalesce(title, '')", "term")
        where.append(f"({contains(conn, 'number', 'term')} OR {title})")
        params.update(term=term)
    if after_id is not None:
        where.append("id < :after")
        params["after"] = after_id
    found = mappings(conn, "SELECT id, number, title, issuer, issued_on FROM documents"
                           f" WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit", params)
    for row in found:
        row["issued_on"] = day(row["issued_on"])
    return found
