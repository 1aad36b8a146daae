"""Leadership posts: appoint (任职) and dismiss (免职) within the person's unit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from bianzhi_app.book import Change, Op, Tx
from bianzhi_app.db.models import appointments
from bianzhi_app.errors import StateRefused
from bianzhi_app.idcodes import mask_id
from bianzhi_app.ops.common import check_not_before, end_open_post, find_active_person, find_unit, post_figures
from bianzhi_app.rules import check_post_room


def appoint(tx: Tx, id_number: str, post: str, *, on: dt.date | None = None, doc: str | None = None) -> Change:
    """Appoint a person on establishment to a post of their unit. Refuses a person already holding a
    post, or a post kind with no vacancy (rule 3)."""
    slot = find_active_person(tx, id_number)
    p = tx.catalog.post_kind(post)
    effective_on = tx.effective(on)
    check_not_before(effective_on, slot.start_date, f"{slot.name}入编日期")
    if doc:
        tx.document(doc)
    unit = find_unit(tx, slot.unit_id)
    held = tx.conn.execute(select(appointments.c.post_kind_id).where(
        appointments.c.person_id == slot.person_id, appointments.c.end_date.is_(None))).scalar()
    if held is not None:
        raise StateRefused(f"{slot.name}已任{tx.catalog.post_kind_by_id(held).name},须先免职")
    limit, used, _allowance = post_figures(tx, unit.id, p.id)
    check_post_room(unit.name, p.name, limit, used)
    tx.conn.execute(insert(appointments).values(person_id=slot.person_id, unit_id=unit.id, post_kind_id=p.id,
                                                start_date=effective_on))
    return tx.record(Op.PERSON_APPOINT, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                     document_number=doc, person_ids={slot.person_id},
                     before={p.code: {"limit": limit, "used": used}},
                     after={p.code: {"limit": limit, "used": used + 1}},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "post": p.code})


def dismiss(tx: Tx, id_number: str, *, on: dt.date | None = None, doc: str | None = None) -> Change:
    """End a person's post. Refuses a person holding none."""
    slot = find_active_person(tx, id_number)
    effective_on = tx.effective(on)
    if doc:
        tx.document(doc)
    ended = end_open_post(tx, slot.person_id, effective_on)
    if ended is None:
        raise StateRefused(f"{slot.name}未担任领导职务,无需免职")
    unit_id, post_kind_id, limit, used = ended
    unit = find_unit(tx, unit_id)
    p = tx.catalog.post_kind_by_id(post_kind_id)
    return tx.record(Op.PERSON_DISMISS, unit_id=unit.id, unit_name=unit.name, effective_on=effective_on,
                     document_number=doc, person_ids={slot.person_id},
                     before={p.code: {"limit": limit, "used": used}},
                     after={p.code: {"limit": limit, "used": used - 1}},
                     detail={"person_id": slot.person_id, "name": slot.name, "id": mask_id(slot.id_number),
                             "post": p.code})
