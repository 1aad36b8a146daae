"""Leadership posts: appoint (任职) and dismiss (免职) within the person's unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from bianzhi_app.catalog import Kind
from bianzhi_app.db.models import appointments, persons, staffing
from bianzhi_app.errors import BianzhiError, NotFound, StateRefused
from bianzhi_app.idcodes import canonical_id, mask_id
from bianzhi_app.kernel import Change, Op, Tx, require_document
from bianzhi_app.ops.backdating import check_posts_every_day_since
from bianzhi_app.ops.common import (
    PersonRef,
    UnitRef,
    check_not_before,
    clean_id_number,
    end_open_post,
    find_active_person,
    find_unit,
    post_figures,
)
from bianzhi_app.personal.crypto import mask
from bianzhi_app.rules import check_post_room

CHUNK = 500


@dataclass
class AppointRequest:
    id_number: str | PersonRef
    post: str
    on: dt.date | None = None
    doc: str | None = None


@dataclass(frozen=True)
class _Holder:
    person_id: int
    name: str
    slot_id: int | None
    unit_id: int
    start_date: dt.date
    masked: str


def appoint(tx: Tx, id_number: str | PersonRef, post: str, *, on: dt.date | None = None,
            doc: str | None = None) -> Change:
    """Appoint one person (任职); see ``appoint_many`` for what it refuses."""
    return appoint_many(tx, [AppointRequest(id_number, post, on, doc)])[0]


def appoint_many(tx: Tx, requests: Sequence[AppointRequest], *,
                 errors: list[tuple[int, BianzhiError]] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Change]:
    """Appoint persons on establishment to posts of their units (任职), one ledger entry each, in the open
    transaction. Refuses (per person): a bad ID number; a person unknown or not on establishment; a date
    before the entry; a person already holding a post (also one appointed earlier in the batch); a post
    kind with no vacancy (rule 3, counted in memory across the batch). With ``errors`` given, refused
    requests are listed there (by index) and skipped; otherwise the first refusal raises.
    ``progress(done, total)`` is called before every 500th request.
    """
    holders, held = _holders(tx, requests)
    unit_cache: dict[int, UnitRef] = {}
    figures: dict[tuple[int, int], list[int]] = {}
    rows: list[dict[str, Any]] = []
    changes: list[Change] = []
    backdated: dict[tuple[int, int], tuple[UnitRef, Kind, dt.date]] = {}  # the earliest back-dated day per post
    total = len(requests)
    for index, r in enumerate(requests):
        if progress is not None and index % CHUNK == 0:
            progress(index, total)
        try:
            person = r.id_number if isinstance(r.id_number, PersonRef) else clean_id_number(r.id_number)
            slot = holders.get(person)
            if slot is None:
                raise NotFound(f"未找到编号为{person.person_id}的人员" if isinstance(person, PersonRef)
                               else f"未找到身份证号为{mask_id(person)}的人员", field="id_number")
            if slot.slot_id is None:
                raise StateRefused(f"{slot.name}({slot.masked})目前不在编,不能办理此项变动", field="id_number")
            p = tx.catalog.post_kind(r.post)
            effective_on = tx.effective(r.on)
            check_not_before(effective_on, slot.start_date, f"{slot.name}入编日期")
            if r.doc:
                require_document(r.doc)
            unit = unit_cache.get(slot.unit_id)
            if unit is None:
                unit = unit_cache[slot.unit_id] = find_unit(tx, slot.unit_id)
            holding = held.get(slot.person_id)
            if holding is not None:
                raise StateRefused(f"{slot.name}已任{tx.catalog.post_kind_by_id(holding).name},须先免职", field="post")
            key = (unit.id, p.id)
            if key not in figures:
                limit, used, _allowance = post_figures(tx, unit.id, p.id)
                figures[key] = [limit, used]
            limit, used = figures[key]
            check_post_room(unit.name, p.name, limit, used)
        except BianzhiError as error:
            if errors is None:
                raise
            errors.append((index, error))
            continue
        if r.doc:
            tx.document(r.doc)
        held[slot.person_id] = p.id
        figures[key][1] = used + 1
        rows.append({"person_id": slot.person_id, "unit_id": unit.id, "post_kind_id": p.id,
                     "start_date": effective_on, "end_date": None})
        if effective_on < backdated.get(key, (unit, p, tx.today))[2]:
            backdated[key] = (unit, p, effective_on)
        changes.append(tx.record(Op.PERSON_APPOINT, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                                 document_number=r.doc, person_ids={slot.person_id},
                                 before={p.code: {"limit": limit, "used": used}},
                                 after={p.code: {"limit": limit, "used": used + 1}},
                                 detail={"person_id": slot.person_id, "name": slot.name, "id": slot.masked,
                                         "post": p.code}))
    if rows:
        tx.conn.execute(insert(appointments), rows)
    for unit, post, since in backdated.values():  # 补登: every day since must stay within the post limit
        check_posts_every_day_since(tx, unit, post, since)
    if progress is not None:
        progress(total, total)
    return changes


def _holders(tx: Tx, requests: Sequence[AppointRequest]
             ) -> tuple[dict[str | PersonRef, _Holder], dict[int, int]]:
    """ID number (or PersonRef) → the person and their open slot (slot_id None when not on establishment), and
    person id → the post kind they hold, for the persons named in ``requests``."""
    numbers = {canonical_id(r.id_number) for r in requests if not isinstance(r.id_number, PersonRef)}
    refs = {r.id_number for r in requests if isinstance(r.id_number, PersonRef)}
    by_hash: dict[bytes, str | PersonRef] = {}
    if numbers:
        keys = tx.keys()
        by_hash = {keys.id_hash(code): code for code in numbers}
    by_ref: dict[int, str | PersonRef] = {ref.person_id: ref for ref in refs}
    found: dict[str | PersonRef, _Holder] = {}
    held: dict[int, int] = {}
    columns = (persons.c.id, persons.c.name, persons.c.id_hash, persons.c.id_region, persons.c.id_tail,
               staffing.c.id.label("sid"), staffing.c.unit_id, staffing.c.start_date)
    joined = persons.outerjoin(staffing, (staffing.c.person_id == persons.c.id) & staffing.c.end_date.is_(None))
    for column, lookup in ((persons.c.id_hash, by_hash), (persons.c.id, by_ref)):
        wanted = sorted(lookup)  # type: ignore[type-var]
        for start in range(0, len(wanted), CHUNK):
            rows = tx.conn.execute(select(*columns).select_from(joined)
                                   .where(column.in_(wanted[start:start + CHUNK]))).all()
            for row in rows:
                key = lookup[row.id_hash if column is persons.c.id_hash else row.id]  # type: ignore[index]
                found.setdefault(key, _Holder(row.id, row.name, row.sid, row.unit_id, row.start_date,
                                              mask(row.id_region, row.id_tail)))
            _held_posts(tx, [row.id for row in rows], held)
    return found, held


def _held_posts(tx: Tx, ids: list[int], held: dict[int, int]) -> None:
    """Person id → the post kind held, for ``ids``, into ``held``."""
    if ids:
        for person_id, post_kind_id in tx.conn.execute(
                select(appointments.c.person_id, appointments.c.post_kind_id)
                .where(appointments.c.person_id.in_(ids), appointments.c.end_date.is_(None))):
            held.setdefault(person_id, post_kind_id)


def dismiss(tx: Tx, id_number: str | PersonRef, *, on: dt.date | None = None, doc: str | None = None) -> Change:
    """End a person's post. Refuses a person holding none."""
    slot = find_active_person(tx, id_number)
    effective_on = tx.effective(on)
    if doc:
        tx.document(doc)
    ended = end_open_post(tx, slot.person_id, effective_on)
    if ended is None:
        raise StateRefused(f"{slot.name}未担任领导职务,无需免职", field="id_number")
    unit_id, post_kind_id, limit, used = ended
    unit = find_unit(tx, unit_id)
    p = tx.catalog.post_kind_by_id(post_kind_id)
    return tx.record(Op.PERSON_DISMISS, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                     document_number=doc, person_ids={slot.person_id},
                     before={p.code: {"limit": limit, "used": used}},
                     after={p.code: {"limit": limit, "used": used - 1}},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "post": p.code})
