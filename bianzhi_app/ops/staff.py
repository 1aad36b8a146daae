"""Persons on establishment: enter (入编, batched), leave, transfer, change kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import Any, Protocol

from sqlalchemy import bindparam, func, insert, select, update

from bianzhi_app.catalog import LEAVE_REASONS, Kind, check_choice
from bianzhi_app.db.models import appointments, approvals, persons, staffing
from bianzhi_app.errors import (
    ApprovalRequired,
    BianzhiError,
    Cancelled,
    InvalidInput,
    NotFound,
    OnePersonOneSlot,
)
from bianzhi_app.idcodes import id_birth_date, mask_id
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ops.common import (
    ActiveSlot,
    PersonRef,
    UnitRef,
    check_not_before,
    clean_id_number,
    clean_text,
    end_open_post,
    find_active_person,
    find_unit,
    quota_figures,
    shrink_allowance,
)
from bianzhi_app.rules import QuotaFigures, check_approval_available, check_room

MIN_AGE = 16
CHUNK = 500


@dataclass
class EnterRequest:
    unit: str | int
    kind: str
    name: str
    id_number: str
    approval: str | None = None
    on: dt.date | None = None


@dataclass
class _Approval:
    id: int
    number: str
    count: int
    used_count: int
    issued_on: dt.date
    valid_until: dt.date | None
    consumed: int = 0

    @property
    def remaining(self) -> int:
        return self.count - self.used_count - self.consumed


def enter_persons(tx: Tx, requests: Sequence[EnterRequest], *, errors: list[tuple[int, BianzhiError]] | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, initial: bool = False) -> list[Change]:
    """Enter persons on establishment (入编), one ledger entry each, in the open transaction.

    Refuses (per person): a bad ID number or name; a future date, or one before the unit existed;
    a person already on establishment or entered twice (rule 4); a unit and kind without a
    vacancy (rules 1, 6); no usable approval where the unit requires one (rule 5). With `errors`
    given, refused persons are listed there (by index) and skipped; otherwise the first refusal
    raises and the caller's transaction rolls back. `initial` records persons already on
    establishment when the book is first filled (import --initial, demo): no approval is needed.
    Checks read the counters once, inside the
    write transaction, so the batch costs O(persons), not O(persons × book).
    """
    units_cache, quota_cache = _prefetch_units(tx, requests)
    approval_cache: dict[tuple[int, int], list[_Approval]] = {}
    keys = tx.keys()
    hashes: dict[str, bytes] = {}
    existing = _existing_persons(tx, [r.id_number for r in requests], hashes)
    next_person_id = (tx.conn.execute(select(func.max(persons.c.id))).scalar() or 0) + 1
    new_persons: list[dict[str, Any]] = []
    slots: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    changes: list[Change] = []
    total = len(requests)
    for index, request in enumerate(requests):
        if cancelled is not None and index % 1000 == 0 and cancelled():
            raise Cancelled("已取消,数据库未作任何改动")
        try:
            unit = _unit(tx, units_cache, request.unit)
            kind = tx.catalog.kind(request.kind)
            name, id_number, effective_on, _birth, known = _check_person(tx, unit, request.name, request.id_number,
                                                                        request.on, existing, seen_ids)
            key = (unit.id, kind.id)
            figures = quota_cache.get(key)
            if figures is None:
                figures = quota_cache[key] = quota_figures(tx, unit.id, kind.id)
            chosen = (None if initial and not request.approval else
                      _choose_approval(tx, approval_cache, unit, kind, request.approval, effective_on,
                                       figures, "入编"))
            before = figures.as_dict()
            if chosen is None:
                check_room(unit.name, kind.name, figures, 1, "入编")
                quota_cache[key] = replace(figures, used=figures.used + 1)
            else:  # the slot the approval reserved becomes a person
                chosen.consumed += 1
                quota_cache[key] = replace(figures, used=figures.used + 1, reserved=figures.reserved - 1)
        except BianzhiError as error:
            if errors is None:
                raise
            errors.append((index, error))
            continue
        seen_ids[id_number] = index
        if known is None:
            person_id = next_person_id
            next_person_id += 1
            new_persons.append({"id": person_id, "name": name, **keys.person_columns(id_number, hashes.get(id_number))})
        else:
            person_id = known["id"]
        slots.append({"person_id": person_id, "unit_id": unit.id, "kind_id": kind.id, "start_date": effective_on,
                      "end_date": None, "end_reason": None, "approval_id": chosen.id if chosen else None})
        changes.append(tx.record(Op.PERSON_ENTER, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                                 before={kind.code: before}, after={kind.code: quota_cache[key].as_dict()},
                                 person_ids={person_id}, result=person_id,
                                 detail={"person_id": person_id, "name": name, "id": mask_id(id_number),
                                         "kind": kind.code, "approval": chosen.number if chosen else None,
                                         **({"initial": True} if initial else {})}))
        if progress is not None and index % 1000 == 0:
            progress(index, total)
    _write_entries(tx, new_persons, approval_cache, slots)
    if progress is not None:
        progress(total, total)
    return changes


def _check_person(tx: Tx, unit: UnitRef, raw_name: str, raw_id: str, on: dt.date | None,
                  existing: dict[str, dict[str, Any]], seen_ids: dict[str, int]
                  ) -> tuple[str, str, dt.date, dt.date, dict[str, Any] | None]:
    """The checks of one person entering ``unit`` (name, ID number, date, age, rule 4 within the batch and
    against the book): (name, ID number, effective date, birth date, the person already in the book)."""
    name = clean_text(raw_name, "姓名", 30, "name")
    id_number = clean_id_number(raw_id)
    effective_on = tx.effective(on)
    check_not_before(effective_on, unit.created_on, f"{unit.name}设立日期")
    birth = id_birth_date(id_number)
    assert birth is not None
    age = effective_on.year - birth.year - ((effective_on.month, effective_on.day) < (birth.month, birth.day))
    if age < MIN_AGE:
        raise InvalidInput(f"{name}({mask_id(id_number)})入编时{age}岁,不满{MIN_AGE}岁", field="id_number")
    if id_number in seen_ids:
        raise OnePersonOneSlot(f"{name}({mask_id(id_number)})在本批中重复入编"
                               f"(第{seen_ids[id_number] + 1}条已入编)", field="id_number")
    known = existing.get(id_number)
    if known is not None:
        if known["open"]:
            raise OnePersonOneSlot(f"{known['name']}({mask_id(id_number)})已在{known['unit']}占用编制"
                                   f"(一人一编),须先出编或办理调动", field="id_number")
        if known["name"] != name:
            raise InvalidInput(f"身份证号{mask_id(id_number)}已登记为「{known['name']}」,与「{name}」不一致",
                               field="name")
        if known["last_end"] is not None:
            check_not_before(effective_on, known["last_end"], f"{name}上次出编日期")
    return name, id_number, effective_on, birth, known


def _write_entries(tx: Tx, new_persons: list[dict[str, Any]], approval_cache: dict[tuple[int, int], list[_Approval]],
                   slots: list[dict[str, Any]]) -> None:
    if new_persons:
        tx.conn.execute(insert(persons), new_persons)
    consumed = [a for group in approval_cache.values() for a in group if a.consumed]
    if consumed:
        # Approvals first: their reservation is released before the slot is taken, so the
        # counter CHECK never sees the person twice.
        tx.conn.execute(update(approvals).where(approvals.c.id == bindparam("aid")).values(
            used_count=bindparam("used"), status=bindparam("status")),
            [{"aid": a.id, "used": a.used_count + a.consumed,
              "status": "used" if a.remaining == 0 else "active"} for a in consumed])
        for a in consumed:
            a.used_count += a.consumed
            a.consumed = 0
    if slots:
        tx.conn.execute(insert(staffing), slots)


def _prefetch_units(tx: Tx, requests: Sequence[EnterRequest]) -> tuple[dict[str, UnitRef],
                                                                          dict[tuple[int, int], QuotaFigures]]:
    """The active units the requests name (by id or name, keyed as ``_unit`` looks them up) and their
    quota figures, read in chunks; any other reference is left to ``find_unit`` and its refusals."""
    from bianzhi_app.db.models import quotas, units

    by_text: dict[str, list[str]] = {}
    for request in requests:
        key = str(request.unit)
        by_text.setdefault(key.strip(), []).append(key)
    ids = sorted(int(text) for text in by_text if text.isdigit())
    names = sorted(text for text in by_text if not text.isdigit())
    columns = (units.c.id, units.c.name, units.c.category, units.c.status, units.c.requires_approval,
               units.c.created_on)
    cache: dict[str, UnitRef] = {}
    for column, values in ((units.c.id, ids), (units.c.name, names)):
        for start in range(0, len(values), CHUNK):
            rows = tx.conn.execute(select(*columns).where(column.in_(values[start:start + CHUNK]),
                                                          units.c.status == "active")).all()
            for row in rows:
                text = str(row.id) if column is units.c.id else row.name
                unit = UnitRef(row.id, row.name, row.category, row.status, bool(row.requires_approval),
                               row.created_on)
                for key in by_text[text]:
                    cache[key] = unit
    figures: dict[tuple[int, int], QuotaFigures] = {}
    unit_ids = sorted({u.id for u in cache.values()})
    for start in range(0, len(unit_ids), CHUNK):
        for row in tx.conn.execute(select(quotas.c.unit_id, quotas.c.kind_id, quotas.c.approved, quotas.c.used,
                                          quotas.c.reserved, quotas.c.allowance)
                                   .where(quotas.c.unit_id.in_(unit_ids[start:start + CHUNK]))):
            figures[(row.unit_id, row.kind_id)] = QuotaFigures(row.approved, row.used, row.reserved, row.allowance)
    return cache, figures


def _unit(tx: Tx, cache: dict[str, UnitRef], ref: str | int) -> UnitRef:
    key = str(ref)
    if key not in cache:
        cache[key] = find_unit(tx, ref)
    return cache[key]


def existing_by_hash(tx: Tx, id_numbers: Iterable[str]) -> tuple[dict[bytes, str], list[Any]]:
    """Look persons up by full ID number (normalised, then hashed with the book's key): the hash of each
    wanted number, and the rows (id, name, id_hash) found, read in chunks on the unique index."""
    from bianzhi_app.idcodes import canonical_id

    keys = tx.keys()
    by_hash = {keys.id_hash(code): code for code in {canonical_id(n) for n in id_numbers}}
    wanted = sorted(by_hash)
    found: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        found += tx.conn.execute(select(persons.c.id, persons.c.name, persons.c.id_hash)
                                 .where(persons.c.id_hash.in_(wanted[start:start + CHUNK]))).all()
    return by_hash, found


def _existing_persons(tx: Tx, id_numbers: Iterable[str], hashes: dict[str, bytes] | None = None
                      ) -> dict[str, dict[str, Any]]:
    """Persons already in the book among the batch's ID numbers, with their open slot if any; ``hashes`` (when
    given) gets each number's keyed hash, so a new person's row reuses it."""
    from bianzhi_app.db.models import units

    by_hash, rows_found = existing_by_hash(tx, id_numbers)
    if hashes is not None:
        hashes.update((code, hashed) for hashed, code in by_hash.items())
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(rows_found), CHUNK):
        rows = rows_found[start:start + CHUNK]
        for row in rows:
            found[by_hash[row.id_hash]] = {"id": row.id, "name": row.name, "open": False, "unit": None,
                                           "last_end": None}
        by_id = {found[by_hash[r.id_hash]]["id"]: found[by_hash[r.id_hash]] for r in rows}
        periods = tx.conn.execute(select(staffing.c.person_id, staffing.c.end_date, units.c.name)
                                  .join(units, units.c.id == staffing.c.unit_id)
                                  .where(staffing.c.person_id.in_(list(by_id)))).all()
        for period in periods:
            info = by_id[period.person_id]
            if period.end_date is None:
                info["open"], info["unit"] = True, period.name
            elif info["last_end"] is None or period.end_date > info["last_end"]:
                info["last_end"] = period.end_date
    return found


def _choose_approval(tx: Tx, cache: dict[tuple[int, int], list[_Approval]], unit: UnitRef, kind: Kind,
                     number: str | None, on: dt.date, figures: QuotaFigures, action: str) -> _Approval | None:
    """The approval this entry consumes: the one named, else the earliest-expiring usable one.

    None when the unit does not require approvals and none was named. Without a usable approval a
    unit with no vacancy is refused for that, with its figures (rule 1); the approval rule (5) speaks
    only when there is room for one more.
    """
    key = (unit.id, kind.id)
    if key not in cache:
        rows = tx.conn.execute(select(approvals.c.id, approvals.c.number, approvals.c.count, approvals.c.used_count,
                                      approvals.c.issued_on, approvals.c.valid_until)
                               .where(approvals.c.unit_id == unit.id, approvals.c.kind_id == kind.id,
                                      approvals.c.status == "active")
                               .order_by(approvals.c.valid_until, approvals.c.id)).all()
        cache[key] = [_Approval(r.id, r.number, r._mapping["count"], r.used_count, r.issued_on, r.valid_until)
                      for r in rows]
    usable = [a for a in cache[key] if a.remaining > 0 and a.issued_on <= on
              and (a.valid_until is None or a.valid_until >= on)]
    if number:
        number = str(number).strip()
        for a in usable:
            if a.number == number:
                return a
        exists = tx.conn.execute(select(approvals.c.unit_id, approvals.c.kind_id, approvals.c.status)
                                 .where(approvals.c.number == number)).first()
        if exists is None:
            raise NotFound(f"未找到编号为「{number}」的用编核准", field="approval")
        check_room(unit.name, kind.name, figures, 1, action)
        raise ApprovalRequired(f"用编核准{number}不适用于{unit.name} {kind.name}于{on.isoformat()}入编"
                               f"(单位、编制类型、有效期或余额不符)", field="approval")
    if usable:
        return usable[0]
    if unit.requires_approval:
        check_room(unit.name, kind.name, figures, 1, action)
    check_approval_available(unit.name, kind.name, unit.requires_approval, 0)
    return None


class Incumbent(Protocol):
    """A person already on establishment when the book is first filled (建账), as an import's row gives it."""

    @property
    def name(self) -> str: ...
    @property
    def id_number(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def post(self) -> str | None: ...
    @property
    def entered_on(self) -> dt.date | None: ...


@dataclass
class Roll:
    """What 建账 entered in one unit: persons per kind id, holders per post kind id, the digest of the persons
    (``check.roster_line`` for each, in person-id order) and the id ranges of the rows written."""

    counts: dict[int, int] = field(default_factory=dict)
    held: dict[int, int] = field(default_factory=dict)
    digest: Any = field(default_factory=sha256)
    person_ids: list[int] | None = None
    appointment_ids: list[int] | None = None


class IncumbentLoader:
    """建账 (import --initial): the persons already on establishment, entered unit by unit with their posts.

    The same checks of each person as ``enter_persons`` (name, ID number, date, age, one person one slot),
    no approval needed; the figures are not checked against the quota or the post limit: what is over
    them is the unit's overage (只出不进), which the caller records as its allowance. No ledger entry per
    person: the unit's 建账 entry holds the ``Roll``. Person ids (and appointment ids) are given unit by
    unit, so each unit's persons are one range; rows are written in chunks of ``ROWS``. A person already
    in the book is refused (建账 registers new persons; an earlier one re-enters through 入编)."""

    ROWS = 5000

    def __init__(self, tx: Tx, id_numbers: Iterable[str]):
        self.tx = tx
        self.keys = tx.keys()
        in_book = tx.conn.execute(select(persons.c.id).limit(1)).first() is not None
        self.existing = _existing_persons(tx, id_numbers) if in_book else {}
        self.next_person = (tx.conn.execute(select(func.max(persons.c.id))).scalar() or 0) + 1
        self.next_appointment = (tx.conn.execute(select(func.max(appointments.c.id))).scalar() or 0) + 1
        self.seen: dict[str, int] = {}
        self.kinds: dict[str, Kind] = {}  # as written → the catalog's kind (and post kind): resolved once each
        self.post_kinds: dict[str, Kind] = {}
        self.persons: list[dict[str, Any]] = []
        self.slots: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []

    def load(self, unit: UnitRef, incumbents: Sequence[Incumbent],
             refused: Callable[[int, str, BianzhiError], None]) -> Roll:
        """Enter ``incumbents`` into ``unit`` (its quota and post-limit rows exist); a refused person calls
        ``refused(index, "person", error)`` and is skipped, a refused post ``refused(index, "post", error)``
        (the person is entered without it)."""
        from bianzhi_app.check import roster_line

        tx, roll = self.tx, Roll()
        first_person, first_post = self.next_person, self.next_appointment
        for index, p in enumerate(incumbents):
            try:
                kind = self.kinds.get(p.kind) or self.kinds.setdefault(p.kind, tx.catalog.kind(p.kind))
                name, id_number, on, _birth, known = _check_person(tx, unit, p.name, p.id_number, p.entered_on,
                                                                  self.existing, self.seen)
                if known is not None:
                    raise OnePersonOneSlot(f"{name}({mask_id(id_number)})已在台账中登记,建账只登记新人员,"
                                           f"请以入编办理", field="id_number")
            except BianzhiError as error:
                refused(index, "person", error)
                continue
            post = None
            if p.post:
                try:
                    post = self.post_kinds.get(p.post) or self.post_kinds.setdefault(p.post,
                                                                                      tx.catalog.post_kind(p.post))
                except BianzhiError as error:
                    refused(index, "post", error)
            person_id, self.next_person = self.next_person, self.next_person + 1
            self.seen[id_number] = len(self.seen)
            self.persons.append({"id": person_id, "name": name, **self.keys.person_columns(id_number)})
            # open, without approval: the columns left out are NULL
            self.slots.append({"person_id": person_id, "unit_id": unit.id, "kind_id": kind.id, "start_date": on})
            roll.counts[kind.id] = roll.counts.get(kind.id, 0) + 1
            if post is not None:
                self.posts.append({"id": self.next_appointment, "person_id": person_id, "unit_id": unit.id,
                                   "post_kind_id": post.id, "start_date": on})
                self.next_appointment += 1
                roll.held[post.id] = roll.held.get(post.id, 0) + 1
            roll.digest.update(roster_line(person_id, id_number, name, kind.code, on, post.code if post else None))
            if len(self.slots) >= self.ROWS:
                self.flush()
        if self.next_person > first_person:
            roll.person_ids = [first_person, self.next_person - 1]
        if self.next_appointment > first_post:
            roll.appointment_ids = [first_post, self.next_appointment - 1]
        return roll

    def flush(self) -> None:
        """Write the rows gathered so far (persons, then their slots, then their posts)."""
        for table, rows in ((persons, self.persons), (staffing, self.slots), (appointments, self.posts)):
            if rows:
                self.tx.conn.execute(insert(table), rows)
                rows.clear()


def enter_person(tx: Tx, unit: str | int, kind: str, *, name: str, id_number: str, approval: str | None = None,
                 on: dt.date | None = None) -> Change:
    """Enter one person (入编); see `enter_persons` for what it refuses."""
    return enter_persons(tx, [EnterRequest(unit, kind, name, id_number, approval, on)])[0]


def _end_slot(tx: Tx, slot: ActiveSlot, on: dt.date, reason: str) -> str | None:
    check_not_before(on, slot.start_date, f"{slot.name}入编日期")
    ended = end_open_post(tx, slot.person_id, on)
    tx.conn.execute(update(staffing).where(staffing.c.id == slot.staffing_id).values(end_date=on, end_reason=reason))
    shrink_allowance(tx, slot.unit_id, slot.kind_id, on)
    return tx.catalog.post_kind_by_id(ended[1]).code if ended else None


def leave_person(tx: Tx, id_number: str | PersonRef, *, reason: str, on: dt.date | None = None,
                 doc: str | None = None) -> Change:
    """A person leaves establishment (出编); the slot is free at once (rule 10) and any post ends.
    ``doc`` (optional) is the document behind it (a retirement or transfer notice), kept with the entry.

    Refuses: an unknown reason; a person not on establishment; a date before the entry.
    """
    reason = check_choice(reason, LEAVE_REASONS, "出编原因", "reason")
    slot = find_active_person(tx, id_number)
    effective_on = tx.effective(on)
    if doc:
        tx.document(doc)
    unit = find_unit(tx, slot.unit_id, active=False)
    kind = tx.catalog.kind_by_id(slot.kind_id)
    before = quota_figures(tx, slot.unit_id, slot.kind_id)
    post = _end_slot(tx, slot, effective_on, reason)
    after = quota_figures(tx, slot.unit_id, slot.kind_id)
    return tx.record(Op.PERSON_LEAVE, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                     document_number=doc or None,
                     before={kind.code: before.as_dict()}, after={kind.code: after.as_dict()},
                     person_ids={slot.person_id},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "kind": kind.code, "reason": reason, "post_ended": post})


def transfer_person(tx: Tx, id_number: str | PersonRef, unit: str | int, *, kind: str | None = None,
                    approval: str | None = None, on: dt.date | None = None) -> Change:
    """Move a person to another unit in one step (调动); any post ends.

    Refuses: the same unit; no vacancy or no approval at the target (rules 1, 5, 6).
    """
    slot = find_active_person(tx, id_number)
    target = find_unit(tx, unit, field="target")
    if target.id == slot.unit_id:
        raise InvalidInput(f"{slot.name}已在{target.name},调入单位不能与调出单位相同", field="target")
    effective_on = tx.effective(on)
    source = find_unit(tx, slot.unit_id, active=False)
    old_kind = tx.catalog.kind_by_id(slot.kind_id)
    new_kind = tx.catalog.kind(kind) if kind else old_kind
    src_before = quota_figures(tx, source.id, old_kind.id)
    dst_before = quota_figures(tx, target.id, new_kind.id)
    post = _end_slot(tx, slot, effective_on, "调出")
    chosen = _choose_approval(tx, {}, target, new_kind, approval, effective_on, dst_before, "调入")
    if chosen is None:
        check_room(target.name, new_kind.name, dst_before, 1, "调入")
    else:
        tx.conn.execute(update(approvals).where(approvals.c.id == chosen.id).values(
            used_count=chosen.used_count + 1, status="used" if chosen.remaining == 1 else "active"))
    tx.conn.execute(insert(staffing).values(person_id=slot.person_id, unit_id=target.id, kind_id=new_kind.id,
                                            start_date=effective_on, approval_id=chosen.id if chosen else None))
    return tx.record(Op.PERSON_TRANSFER, unit_id=target.id, unit_name=target.name, effective_on=effective_on,
                     extra_units={source.id}, person_ids={slot.person_id},
                     before={source.name: {old_kind.code: src_before.as_dict()},
                             target.name: {new_kind.code: dst_before.as_dict()}},
                     after={source.name: {old_kind.code: quota_figures(tx, source.id, old_kind.id).as_dict()},
                            target.name: {new_kind.code: quota_figures(tx, target.id, new_kind.id).as_dict()}},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "from": source.name, "to": target.name, "kind": new_kind.code,
                             "approval": chosen.number if chosen else None, "post_ended": post})


def change_kind(tx: Tx, id_number: str | PersonRef, kind: str, *, on: dt.date | None = None,
                doc: str | None = None) -> Change:
    """Move a person to another kind of establishment in the same unit. Refuses the same kind, or
    no vacancy of the new kind (rule 1: kinds never pool)."""
    slot = find_active_person(tx, id_number)
    new_kind = tx.catalog.kind(kind)
    if new_kind.id == slot.kind_id:
        raise InvalidInput(f"{slot.name}已是{new_kind.name}", field="kind")
    effective_on = tx.effective(on)
    if doc:
        tx.document(doc)
    unit = find_unit(tx, slot.unit_id)
    old_kind = tx.catalog.kind_by_id(slot.kind_id)
    old_before, new_before = quota_figures(tx, unit.id, old_kind.id), quota_figures(tx, unit.id, new_kind.id)
    check_room(unit.name, new_kind.name, new_before, 1, "转入")
    check_not_before(effective_on, slot.start_date, f"{slot.name}入编日期")
    tx.conn.execute(update(staffing).where(staffing.c.id == slot.staffing_id)
                    .values(end_date=effective_on, end_reason="变更编制类型"))
    shrink_allowance(tx, unit.id, old_kind.id, effective_on)
    tx.conn.execute(insert(staffing).values(person_id=slot.person_id, unit_id=unit.id, kind_id=new_kind.id,
                                            start_date=effective_on))
    return tx.record(Op.PERSON_CHANGE_KIND, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                     document_number=doc, person_ids={slot.person_id},
                     before={old_kind.code: old_before.as_dict(), new_kind.code: new_before.as_dict()},
                     after={old_kind.code: quota_figures(tx, unit.id, old_kind.id).as_dict(),
                            new_kind.code: quota_figures(tx, unit.id, new_kind.id).as_dict()},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "from": old_kind.code, "to": new_kind.code})


