"""The roster (实名制花名册): persons on establishment, now or on a past day, paged by key.

One function, `roster_page`, serves the window's paged list, the command line, the printed roster and
the export: the same filter, the same search, the same post (the one held in the person's own unit).
`roster` streams every page for the command line and the reports. Pages are read by key, never OFFSET,
so the 50th screen of a 1,500,000-person province costs what the first does.

ID numbers are sealed in the book (issue 16): a row carries the clear region code and last four (its
`id_number` is the mask 610403********102X), sex, birth year and the sealed number, which only the
holder of the book's keys opens (`roster(..., keys=…, full_id=True)`). A search is the start of a name;
or, when the text looks like an ID number, a full number (by its keyed hash when the filter carries it,
else by its region code and last four) or the start of a region code (up to six digits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import code_point_order, day, mappings, on_server, rows
from bianzhi_app.idcodes import canonical_id, id_birth_date, normalize_code

if TYPE_CHECKING:
    from bianzhi_app.personal.crypto import PersonalKeys

MASK = "********"

PAGE = 200
_TOP = "\U0010ffff"  # sorts after every character: `name >= t AND name < t + _TOP` is a prefix match on an index

# The page order of each sort, as the key columns of the keyset (the last is unique among open slots).
ROSTER_SORTS = ("person", "name", "id_number", "entered", "unit")
INDEXED_SORTS = ("person", "name", "id_number")  # cheap without a unit filter on a province
_ROSTER_KEYS = {"person": ("s.person_id",), "name": ("p.name", "p.id"),
                "id_number": ("p.id_region", "p.id_tail", "p.id"),
                "entered": ("s.start_date", "s.person_id"), "unit": ("s.unit_id", "s.start_date", "s.person_id")}


@dataclass(frozen=True, slots=True)
class RosterFilter:
    search: str = ""
    unit_id: int | None = None
    kind_id: int | None = None
    post_kind_id: int | None = None
    sort: str = "person"
    descending: bool = False
    as_of: dt.date | None = None  # None: now
    id_hash: bytes | None = None  # the keyed hash of a full ID number searched for (`with_keys`)

    def with_keys(self, keys: PersonalKeys | None) -> RosterFilter:
        """This filter with the keyed hash of its search when the search is a full ID number and ``keys``
        (the signed-in session's) are given: an exact look-up on the unique index."""
        code = canonical_id(self.search.strip()) if self.search.strip() else ""
        if keys is None or len(code) != 18 or not looks_like_id(code):
            return self
        from dataclasses import replace

        return replace(self, id_hash=keys.id_hash(code))


@dataclass(frozen=True, slots=True)
class RosterRow:
    person_id: int
    name: str
    id_region: str
    id_tail: str
    gender: str
    birth_year: int
    unit_id: int
    unit: str
    kind_id: int
    post_kind_id: int | None
    entered_on: dt.date
    id_cipher: bytes = b""  # the sealed ID number: `PersonalKeys.decrypt_id` opens it

    @property
    def id_number(self) -> str:
        """The masked ID number (610403********102X): all a list shows."""
        return f"{self.id_region}{MASK}{self.id_tail}"

    def key(self, sort: str) -> tuple[Any, ...]:
        """The keyset position of this row in a page of the given sort."""
        values = {"s.person_id": self.person_id, "p.id": self.person_id, "p.name": self.name,
                  "p.id_region": self.id_region, "p.id_tail": self.id_tail, "s.start_date": self.entered_on,
                  "s.unit_id": self.unit_id}
        return tuple(values[column] for column in _ROSTER_KEYS[sort])


def looks_like_id(term: str) -> bool:
    code = normalize_code(term)
    return len(code) >= 4 and code[:-1].isdigit() and (code[-1].isdigit() or code[-1] == "X")


DENSE_MATCHES = 3000  # a prefix matching more persons is found faster by walking the page's order


def _walk_instead(conn: Any, flt: RosterFilter, column: str, low: str, high: str) -> bool:
    """Whether a prefix search should walk the page's order (or the unit's persons) and filter, rather
    than read the prefix's range from its index and sort it. The range wins for a rare prefix ("欧阳",
    a full ID number); walking wins for a common one: "李" matches ~7 % of a province, 100,000 persons
    whose sort alone took seconds, while walking finds a page of them in ~3,000 rows. Within one unit
    the unit's few persons are always fewer than the range. Counting up to DENSE_MATCHES on the index
    costs about a millisecond."""
    if flt.unit_id is not None:
        return True
    if _ROSTER_KEYS[flt.sort][0] == column:
        return False  # the range is already in the page's order: a page is its first rows
    field = column.removeprefix("p.")
    found = rows(conn, f"SELECT count(*) FROM (SELECT 1 FROM persons WHERE {field} >= :low AND {field} < :high"
                       f" LIMIT {DENSE_MATCHES}) AS dense", {"low": low, "high": high})
    return bool(found[0][0] >= DENSE_MATCHES)


def _stored(value: Any) -> Any:
    """A key value as stored (dates are ISO text in the book)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _conditions(conn: Any, flt: RosterFilter, params: dict[str, Any], *, walk: bool) -> tuple[list[str], str]:
    """The WHERE conditions of a roster filter (slots open now or on ``flt.as_of``, the search, unit, kind
    and post) and the condition of a post being held, filling ``params``. With ``walk`` a common search
    prefix is matched while walking the page's order (see `_walk_instead`)."""
    if flt.as_of is None:
        where = ["s.end_date IS NULL"]
        post_open = "a.end_date IS NULL"
    else:
        params["as_of"] = flt.as_of.isoformat()
        where = ["s.start_date <= :as_of AND (s.end_date IS NULL OR s.end_date > :as_of)"]
        post_open = "a.start_date <= :as_of AND (a.end_date IS NULL OR a.end_date > :as_of)"
    term = flt.search.strip()
    code = canonical_id(term) if term and looks_like_id(term) else ""
    if len(code) == 18:  # a full ID number: by its keyed hash, or (no keys: a plain reader) region and last four
        if flt.id_hash is not None:
            where.append("p.id_hash = :id_hash")
            params["id_hash"] = flt.id_hash
        else:
            where.append("p.id_region = :id_region AND p.id_tail = :id_tail")
            params.update(id_region=code[:6], id_tail=code[-4:])
    elif code and len(code) > 6:
        where.append("0 = 1")  # the middle digits are sealed: only a full number or a region code is searched
    elif term:
        column = "p.id_region" if code else "p.name"
        params["low"] = code or term
        params["high"] = params["low"] + _TOP
        if on_server(conn):  # the planner chooses by itself; PostgreSQL has no unary plus on text
            column = code_point_order(conn, column)
        elif walk and _walk_instead(conn, flt, column, params["low"], params["high"]):
            column = "+" + column  # unary plus: SQLite then cannot use the column's index for the range
        where.append(f"{column} >= :low AND {column} < :high")
    for column, name, value in (("s.unit_id", "unit", flt.unit_id), ("s.kind_id", "kind", flt.kind_id),
                                ("a.post_kind_id", "post", flt.post_kind_id)):
        if value is not None:
            where.append(f"{column} = :{name}")
            params[name] = value
    return where, post_open


def roster_count(conn: Any, flt: RosterFilter) -> int:
    """How many persons the filter matches in all (the 人员 page's 共 N 人). Without a search, a post or a
    past day the counters answer (the sum of `used` over the quotas); else the slots are counted."""
    params: dict[str, Any] = {}
    if not flt.search.strip() and flt.post_kind_id is None and flt.as_of is None:
        where = [f"{column} = :{column}" for column, value in (("unit_id", flt.unit_id), ("kind_id", flt.kind_id))
                 if value is not None]
        params = {"unit_id": flt.unit_id, "kind_id": flt.kind_id}
        sql = "SELECT coalesce(sum(used), 0) FROM quotas" + (f" WHERE {' AND '.join(where)}" if where else "")
        return int(rows(conn, sql, params)[0][0])
    where, post_open = _conditions(conn, flt, params, walk=False)
    post = (f" JOIN appointments a ON a.person_id = s.person_id AND a.unit_id = s.unit_id AND {post_open}"
            if flt.post_kind_id is not None else "")
    sql = (f"SELECT count(*) FROM staffing_periods s JOIN persons p ON p.id = s.person_id{post}"
           f" WHERE {' AND '.join(where)}")
    return int(rows(conn, sql, params)[0][0])


def roster_page(conn: Any, flt: RosterFilter, after: tuple[Any, ...] | None = None,
                limit: int = PAGE) -> list[RosterRow]:
    """Persons on establishment (now, or on ``flt.as_of``), ``limit`` rows after the key ``after`` (see
    `RosterRow.key`) in the filter's order. Refuses an unknown sort (ValueError)."""
    if flt.sort not in ROSTER_SORTS:
        raise ValueError(flt.sort)
    keys = _ROSTER_KEYS[flt.sort]
    params: dict[str, Any] = {"limit": limit}
    where, post_open = _conditions(conn, flt, params, walk=True)
    if after is not None:
        names = [f":after{i}" for i in range(len(keys))]
        where.append(f"({', '.join(keys)}) {'<' if flt.descending else '>'} ({', '.join(names)})")
        params.update({name[1:]: _stored(value) for name, value in zip(names, after, strict=True)})
    order = " DESC" if flt.descending else ""
    sql = ("SELECT p.id, p.name, p.id_region, p.id_tail, p.gender, p.birth_year, s.unit_id, u.name, s.kind_id,"
           " a.post_kind_id, s.start_date, p.id_cipher"
           " FROM staffing_periods s JOIN persons p ON p.id = s.person_id JOIN units u ON u.id = s.unit_id"
           " LEFT OUTER JOIN appointments a ON a.person_id = s.person_id AND a.unit_id = s.unit_id"
           f" AND {post_open}"
           f" WHERE {' AND '.join(where)} ORDER BY {', '.join(k + order for k in keys)} LIMIT :limit")
    return [RosterRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], day(r[10]),  # type: ignore[arg-type]
                      bytes(r[11])) for r in rows(conn, sql, params)]


def roster(conn: Any, catalog: Catalog, *, as_of: dt.date | None = None, unit: str | int | None = None,
           search: str = "", page: int = 2000, keys: PersonalKeys | None = None,
           full_id: bool = False) -> Iterator[dict[str, Any]]:
    """Every person of `roster_page` (by unit, then entry), streamed a page at a time, as the dicts of
    the command line's `roster --json` and the reports: ``id_number`` masked and ``birth_year``; with
    ``full_id`` (the caller checked the permission and logs the reveal) and ``keys``, ``id_number`` in full
    and ``birth_date``. ``keys`` also makes a search by a full ID number exact. Refuses an unknown unit
    (NotFound); ``full_id`` without keys (ValueError)."""
    from bianzhi_app.queries.establishment import resolve_unit_id

    if full_id and keys is None:
        raise ValueError("full_id needs the book's keys")
    unit_id = resolve_unit_id(conn, unit) if unit not in (None, "") else None
    flt = RosterFilter(search=search, unit_id=unit_id, sort="unit", as_of=as_of).with_keys(keys)
    after: tuple[Any, ...] | None = None
    while True:
        found = roster_page(conn, flt, after, page)
        for r in found:
            item = {"person_id": r.person_id, "name": r.name, "id_number": r.id_number, "gender": r.gender,
                    "birth_year": r.birth_year, "unit": r.unit, "unit_id": r.unit_id,
                    "kind": catalog.kind_by_id(r.kind_id).code,
                    "post": catalog.post_kind_by_id(r.post_kind_id).code if r.post_kind_id else None,
                    "entered_on": r.entered_on.isoformat()}
            if full_id and keys is not None:
                item["id_number"] = full = keys.decrypt_id(r.id_cipher)
                birth = id_birth_date(full)
                item["birth_date"] = birth.isoformat() if birth else ""
            yield item
        if len(found) < page:
            return
        after = found[-1].key(flt.sort)


def person_slot(conn: Any, id_number: str, *, keys: PersonalKeys | None = None) -> dict[str, Any] | None:
    """A person by full ID number with their open slot and post (None when unknown). With ``keys`` the keyed
    hash finds them exactly; without (a plain reader before sign-in) the region code and last four do, and
    only a single match is returned."""
    code = canonical_id(id_number)
    params: dict[str, Any]
    if keys is not None and len(code) == 18:
        where, params = "p.id_hash = :h", {"h": keys.id_hash(code)}
    else:
        where, params = "p.id_region = :r AND p.id_tail = :t", {"r": code[:6], "t": code[-4:]}
    row = _slot_where(conn, where, params)
    if row is not None:
        del row["id_region"], row["id_tail"]
    return row


def person_slot_by_id(conn: Any, person_id: int) -> dict[str, Any] | None:
    """A person by their id in the book (``ops.common.PersonRef``: the row selected in a masked list), as
    ``person_slot`` gives it, with the masked ID number as ``id_number``."""
    row = _slot_where(conn, "p.id = :p", {"p": int(person_id)})
    if row is not None:
        row["id_number"] = f"{row.pop('id_region')}{MASK}{row.pop('id_tail')}"
    return row


def _slot_where(conn: Any, where: str, params: dict[str, Any]) -> dict[str, Any] | None:
    found = mappings(conn, "SELECT p.id AS person_id, p.name, p.id_region, p.id_tail, s.unit_id,"
                           " u.name AS unit, s.kind_id, a.post_kind_id"
                           " FROM persons p"
                           " LEFT OUTER JOIN staffing_periods s ON s.person_id = p.id AND s.end_date IS NULL"
                           " LEFT OUTER JOIN units u ON u.id = s.unit_id"
                           " LEFT OUTER JOIN appointments a ON a.person_id = p.id AND a.end_date IS NULL"
                           f" WHERE {where} LIMIT 2", params)
    if len(found) != 1:
        return None
    row = found[0]
    row["on_establishment"] = row["unit_id"] is not None
    return row
