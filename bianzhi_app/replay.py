"""Replay of the figures (issue 14): every ledger entry keeps the after-state of the figures it changed, so
walking the chain rebuilds what the counters must hold — each unit's quota per kind (核定, 实有, 在途, 只出不进),
its post limits, and the region pool — and `check` compares the tables with it. A row edited behind the
program's back (`UPDATE quotas SET approved = approved + 1`, a pool raised, a limit changed) no longer matches
the entry that last wrote it; the problem names the table, the row and that entry.

The after-states come in three shapes, by operation: figures per kind code (the entry's own unit: person and
approval operations, quota set), figures per unit name (transfers, merges: the names resolve to ids as the
walk met them), and a unit's whole record with "quota" and "posts" (unit add, 建账).

The details rebuild the rest: units' names and status, persons' names and masked ID numbers, usage approvals,
who holds which post (任职 / 免职, and 出编 / 调动 that ended one; 建账's posts by their id span), the sealed
quarters (封存: day, ledger head, digest of the figures) and the documents the entries cite (by 文号). What the
ledger does not carry (a document's title, issuer) is not replayed; accounts and the policy are replayed from
the security log (accounts/replay.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import rows
from bianzhi_app.ledger import parse_json

QUOTA_FIGURES = ("approved", "used", "reserved", "allowance")
UNIT_FIELDS = ("category", "rank", "funding", "uscc", "functions")  # as 设立 / 建账 and 核定主要职责 record them
HISTORY_TABLES = {"quota": "quota_history", "posts": "post_limit_history", "pool": "pool_history"}
_LABELS = {"approved": "核定", "used": "实有", "reserved": "在途", "allowance": "只出不进", "limit": "职数",
           "total": "编制总额"}


@dataclass
class Replay:
    """Fed each ledger entry in seq order (`take`); `problems` compares what it rebuilt with the tables."""

    catalog: Catalog
    names: dict[str, int] = field(default_factory=dict)  # unit name → id, as the entries met them
    quota: dict[tuple[int, str], tuple[dict[str, int], int]] = field(default_factory=dict)
    posts: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    pool: dict[str, tuple[int, int]] = field(default_factory=dict)
    unit_names: dict[int, tuple[str, int]] = field(default_factory=dict)  # id → (last name, seq)
    closed_units: dict[int, int] = field(default_factory=dict)  # abolished or merged away → seq
    person_names: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # name, masked number, seq
    region: tuple[dict[str, Any], int] | None = None
    merged_into: dict[int, int] = field(default_factory=dict)  # a merged unit → the unit it went into
    approvals: dict[str, tuple[int, int, str | None, int]] = field(default_factory=dict)  # number → unit, count …
    history: list[str] = field(default_factory=list)  # problems met on the way (history rows vs their entry)
    # person id → (unit id, post code, seq) of the post the entries last gave them, or (None, None, seq) once ended
    appointed: dict[int, tuple[int | None, str | None, int]] = field(default_factory=dict)
    established_posts: list[tuple[int, int, int]] = field(default_factory=list)  # 建账 appointment id spans, seq
    snapshots: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = field(default_factory=dict)  # quarter → …
    documents: dict[str, int] = field(default_factory=dict)  # 文号 → the first entry citing it
    unit_fields: dict[int, tuple[dict[str, str], int]] = field(default_factory=dict)  # id → category … , seq

    def __post_init__(self) -> None:
        self.kinds = {k.code for k in self.catalog.kinds}
        self.post_kinds = {p.code for p in self.catalog.post_kinds}
        self.kind_codes = {k.id: k.code for k in self.catalog.kinds}
        self.post_codes = {p.id: p.code for p in self.catalog.post_kinds}
        self._rows: dict[int, list[tuple[str, Any]]] = {}

    def load_history(self, conn: Any) -> None:
        """The history rows by the ledger entry that wrote them, to be compared as the walk reaches it."""
        for seq, unit_id, kind_id, on, approved, allowance in rows(
                conn, "SELECT ledger_seq, unit_id, kind_id, effective_on, approved, allowance FROM quota_history"
                      " ORDER BY id"):
            self._rows.setdefault(int(seq), []).append(("quota", (unit_id, self.kind_codes.get(kind_id), str(on)[:10],
                                                                  int(approved), int(allowance))))
        for seq, unit_id, post_id, on, limit in rows(
                conn, "SELECT ledger_seq, unit_id, post_kind_id, effective_on, post_limit FROM post_limit_history"
                      " ORDER BY id"):
            self._rows.setdefault(int(seq), []).append(("posts", (unit_id, self.post_codes.get(post_id),
                                                                  str(on)[:10], int(limit))))
        for seq, kind_id, on, total in rows(conn, "SELECT ledger_seq, kind_id, effective_on, total FROM pool_history"
                                                  " ORDER BY id"):
            self._rows.setdefault(int(seq), []).append(("pool", (self.kind_codes.get(kind_id), str(on)[:10],
                                                                 int(total))))

    def take(self, seq: int, op: str, unit_id: int | None, unit_name: str | None, effective_on: Any,
             after: dict[str, Any], detail: str, document_number: str | None = None) -> None:
        self._touched: set[tuple[Any, ...]] = set()
        if document_number:
            self.documents.setdefault(document_number, seq)
        if unit_id is not None and unit_name and op not in ("unit.rename", "unit.abolish"):
            self.names[unit_name] = unit_id
            if op in ("unit.add", "unit.establish", "unit.merge") or unit_id not in self.unit_names:
                self.unit_names[unit_id] = (unit_name, seq)
        if op == "unit.rename" and unit_id is not None and isinstance(after.get("name"), str):
            self.names[after["name"]] = unit_id
            self.unit_names[unit_id] = (after["name"], seq)
        if op in ("unit.abolish", "unit.merge"):
            self._close(seq, op, unit_id, detail)
        if op in ("unit.add", "unit.establish") and unit_id is not None:
            self.unit_fields[unit_id] = ({name: str(after.get(name) or "") for name in UNIT_FIELDS}, seq)
        elif op == "unit.functions" and unit_id in self.unit_fields:
            fields = {**self.unit_fields[unit_id][0], "functions": str(after.get("functions") or "")}
            self.unit_fields[unit_id] = (fields, seq)
        if op == "pool.set":
            for code, value in after.items():
                if code in self.kinds and isinstance(value, dict) and "total" in value:
                    self.pool[code] = (int(value["total"]), seq)
                    self._touched.add(("pool", code))
        else:
            if unit_id is not None:
                self._figures(seq, unit_id, after)
            for key, value in after.items():
                if key in self.names and isinstance(value, dict):  # figures per unit name
                    self._figures(seq, self.names[key], value)
        if op == "region.init":
            self.region = (after, seq)
        if op in ("person.enter", "approval.add"):
            self._detail(seq, op, unit_id, detail)
        if op in ("person.appoint", "person.dismiss", "person.leave", "person.transfer", "unit.establish"):
            self._post(seq, op, unit_id, parse_json(detail) if detail else {})
        if op == "snapshot":
            self.snapshots[str(after.get("quarter"))] = (after, parse_json(detail) if detail else {}, seq)
        if seq in self._rows:
            self._compare_history(seq, str(effective_on)[:10], self._rows.pop(seq))

    def _close(self, seq: int, op: str, unit_id: int | None, detail: str) -> None:
        if op == "unit.abolish" and unit_id is not None:
            self.closed_units[unit_id] = seq
            return
        merged = {self.names[name] for name in (parse_json(detail).get("sources", []) if detail else [])
                  if name in self.names and self.names[name] != unit_id}
        for source in merged:
            self.closed_units[source] = seq
            if unit_id is not None:
                self.merged_into[source] = unit_id

    def _detail(self, seq: int, op: str, unit_id: int | None, detail: str) -> None:
        data = parse_json(detail)
        if op == "person.enter" and isinstance(data.get("person_id"), int) and isinstance(data.get("name"), str):
            self.person_names[data["person_id"]] = (data["name"], str(data.get("id") or ""), seq)
        elif op == "approval.add" and unit_id is not None and isinstance(data.get("number"), str):
            self.approvals[data["number"]] = (unit_id, int(data.get("count") or 0), data.get("valid_until"), seq)

    def _post(self, seq: int, op: str, unit_id: int | None, data: dict[str, Any]) -> None:
        """The post each person holds as the entries tell it: 任职 gives one, 免职 ends it, and so do 出编 and
        调动 when they ended one; 建账 appoints by id span (its rows are bound by its digest instead)."""
        if op == "unit.establish":
            span = data.get("appointment_ids")
            if span:
                self.established_posts.append((int(span[0]), int(span[1]), seq))
            return
        person = data.get("person_id")
        if not isinstance(person, int):
            return
        if op == "person.appoint" and unit_id is not None and isinstance(data.get("post"), str):
            self.appointed[person] = (unit_id, data["post"], seq)
        elif op == "person.dismiss" or data.get("post_ended"):
            self.appointed[person] = (None, None, seq)

    def _final(self, unit_id: int) -> int:
        seen = set()
        while unit_id in self.merged_into and unit_id not in seen:
            seen.add(unit_id)
            unit_id = self.merged_into[unit_id]
        return unit_id

    def _compare_history(self, seq: int, on: str, written: list[tuple[str, Any]]) -> None:
        """The last row an entry wrote for each figure it names in its after-state (a merge also writes the
        intermediate and the sources' zeroed rows, which its after-state does not name)."""
        last = {(table, *row[:-3 if table == "quota" else -2]): (table, row) for table, row in written}
        for key, (table, row) in last.items():
            if key not in self._touched:
                continue
            if table == "quota":
                unit_id, code, day, approved, allowance = row
                figures = self.quota.get((unit_id, code), ({}, 0))[0]
                wrong = day != on or approved != figures.get("approved", approved) \
                    or allowance != figures.get("allowance", allowance)
            elif table == "posts":
                unit_id, code, day, limit = row
                wrong = day != on or limit != self.posts.get((unit_id, code), (limit, 0))[0]
            else:
                code, day, total = row
                wrong = day != on or total != self.pool.get(code, (total, 0))[0]
            if wrong:
                self.history.append(f"数据与台账不符:{HISTORY_TABLES[table]}中由台账第{seq}条写入的一行({day})"
                                    f"与该条记录不符")

    def _figures(self, seq: int, unit_id: int, data: dict[str, Any]) -> None:
        for code, value in (*data.items(), *(data.get("quota") or {}).items(), *(data.get("posts") or {}).items()):
            if not isinstance(value, dict):
                continue
            if code in self.kinds and "approved" in value:
                self.quota[(unit_id, code)] = ({f: int(value[f]) for f in QUOTA_FIGURES if f in value}, seq)
                self._touched.add(("quota", unit_id, code))
            elif code in self.post_kinds and "limit" in value:
                self.posts[(unit_id, code)] = (int(value["limit"]), seq)
                self._touched.add(("posts", unit_id, code))

    def problems(self, conn: Any) -> list[str]:
        """Each table row that differs from the figures its last ledger entry wrote (active units only: a merged
        or abolished unit's zeroed rows are not in the entries of the units it went into)."""
        found: list[str] = []
        kinds = {k.id: k for k in self.catalog.kinds}
        post_kinds = {p.id: p for p in self.catalog.post_kinds}
        active = {r[0]: r[1] for r in rows(conn, "SELECT id, name FROM units WHERE status = 'active'")}
        for unit_id, kind_id, *values in rows(conn, "SELECT unit_id, kind_id, approved, used, reserved, allowance"
                                                    " FROM quotas"):
            kind = kinds.get(kind_id)
            if unit_id not in active or kind is None or (unit_id, kind.code) not in self.quota:
                continue
            expected, seq = self.quota[(unit_id, kind.code)]
            for name, value in zip(QUOTA_FIGURES, values, strict=True):
                if name in expected and int(value) != expected[name]:
                    found.append(f"数据与台账不符:表quotas中{active[unit_id]} {kind.name}的{_LABELS[name]}为{value},"
                                 f"台账第{seq}条(最后写入它的记录)为{expected[name]}")
        for unit_id, post_id, limit in rows(conn, "SELECT unit_id, post_kind_id, post_limit FROM post_limits"):
            post = post_kinds.get(post_id)
            if unit_id not in active or post is None or (unit_id, post.code) not in self.posts:
                continue
            expected_limit, seq = self.posts[(unit_id, post.code)]
            if int(limit) != expected_limit:
                found.append(f"数据与台账不符:表post_limits中{active[unit_id]} {post.name}的职数为{limit},"
                             f"台账第{seq}条(最后写入它的记录)为{expected_limit}")
        for kind_id, total in rows(conn, "SELECT kind_id, total FROM region_pools"):
            kind = kinds.get(kind_id)
            if kind is not None and kind.code in self.pool and int(total) != self.pool[kind.code][0]:
                found.append(f"数据与台账不符:表region_pools中{kind.name}的编制总额为{total},"
                             f"台账第{self.pool[kind.code][1]}条(最后写入它的记录)为{self.pool[kind.code][0]}")
        found.extend(self.history)
        found.extend(f"数据与台账不符:{HISTORY_TABLES[table]}中有一行标为台账第{seq}条写入,台账中没有这一条"
                     for seq, written in self._rows.items() for table, _row in written[:1])
        for unit_id, name, status, *values in rows(conn, "SELECT id, name, status, " + ", ".join(UNIT_FIELDS)
                                                         + " FROM units"):
            if unit_id in self.unit_fields:
                expected_fields, seq = self.unit_fields[unit_id]
                changed = [field_name for field_name, value in zip(UNIT_FIELDS, values, strict=True)
                           if str(value or "") != expected_fields[field_name]]
                if changed:
                    found.append(f"数据与台账不符:表units中「{name}」的{'、'.join(changed)}与台账第{seq}条"
                                 f"(最后写入它的记录)不符")
            if unit_id in self.unit_names and name != self.unit_names[unit_id][0]:
                found.append(f"数据与台账不符:表units中第{unit_id}号单位名为「{name}」,台账第{self.unit_names[unit_id][1]}条"
                             f"(最后写入它的记录)为「{self.unit_names[unit_id][0]}」")
            if unit_id in self.unit_names and (status != "active") != (unit_id in self.closed_units):
                why = (f"台账第{self.closed_units[unit_id]}条已将其撤销或合并" if unit_id in self.closed_units
                       else "台账未记载其撤销或合并")
                found.append(f"数据与台账不符:表units中「{name}」的状态为{status}({why})")
        for person_id, name, region, tail in rows(conn, "SELECT id, name, id_region, id_tail FROM persons"):
            if person_id not in self.person_names:
                continue
            e_name, e_mask, seq = self.person_names[person_id]
            if name != e_name or (e_mask and e_mask != f"{region}********{tail}"):
                found.append(f"数据与台账不符:表persons中第{person_id}号人员的姓名或身份证号与台账第{seq}条"
                             f"(入编记录)不符")
        if self.region is not None:
            after, seq = self.region
            for name, code, office in rows(conn, "SELECT name, code, office_name FROM regions"):
                if (name, code, office) != (after.get("region"), after.get("code"), after.get("office")):
                    found.append(f"数据与台账不符:表regions中的地区名称、代码或编办名称与台账第{seq}条(建立台账的记录)不符")
        for number, unit_id, count, valid_until in rows(conn, "SELECT number, unit_id, count, valid_until"
                                                              " FROM usage_approvals"):
            if number not in self.approvals:
                continue
            e_unit, e_count, e_until, seq = self.approvals[number]
            until = str(valid_until)[:10] if valid_until is not None else None
            # a merge carries the open approvals to its target (closed ones stay): compare the units merged through
            if (self._final(unit_id), int(count), until) != (self._final(e_unit), e_count, e_until):
                found.append(f"数据与台账不符:表usage_approvals中用编核准{number}与台账第{seq}条(核准记录)不符")
        found.extend(self._appointment_problems(conn))
        found.extend(self._snapshot_problems(conn))
        numbers = {str(r[0]) for r in rows(conn, "SELECT number FROM documents")}
        found.extend(f"数据与台账不符:表documents中没有台账第{seq}条所引的文件「{number}」(文号被改动或删除)"
                     for number, seq in self.documents.items() if number not in numbers)
        return found

    def _appointment_problems(self, conn: Any) -> list[str]:
        """The open appointments against the post each person holds by the entries (a merge moves them: units
        compare as merged through)."""
        found: list[str] = []
        names = {p.code: p.name for p in self.catalog.post_kinds}
        held = dict(self.appointed)
        for lo, hi, seq in self.established_posts:  # a 建账 post stands until a later entry says otherwise
            for person_id, unit_id, post_id in rows(conn, "SELECT person_id, unit_id, post_kind_id FROM appointments"
                                                          " WHERE id BETWEEN :lo AND :hi", {"lo": lo, "hi": hi}):
                held.setdefault(int(person_id), (int(unit_id), self.post_codes.get(post_id), seq))
        holding: set[int] = set()
        for row_id, person_id, unit_id, post_id in rows(conn, "SELECT id, person_id, unit_id, post_kind_id"
                                                              " FROM appointments WHERE end_date IS NULL ORDER BY id"):
            holding.add(int(person_id))
            code = self.post_codes.get(post_id)
            where = f"数据与台账不符:表appointments中第{row_id}行(第{person_id}号人员任{names.get(code or '', code)})"
            e_unit, e_code, seq = held.get(int(person_id), (None, None, 0))
            if seq == 0:
                found.append(where + "在任,台账中没有这次任职")
            elif e_unit is None:
                found.append(where + f"在任,台账第{seq}条已结束其职务")
            elif (self._final(int(unit_id)), code) != (self._final(e_unit), e_code):
                found.append(where + f"与台账第{seq}条(最后写入它的记录)不符")
        for person_id, (e_unit, e_code, seq) in held.items():
            if e_unit is not None and person_id not in holding:
                found.append(f"数据与台账不符:表appointments中第{person_id}号人员没有在任职务,"
                             f"台账第{seq}条任其为{names.get(e_code or '', e_code)}")
        return found

    def _snapshot_problems(self, conn: Any) -> list[str]:
        """Each quarter's sealed figures against its 封存 entry: the day, the ledger head, the figures' digest."""
        found: list[str] = []
        seen: set[str] = set()
        for quarter, period_end, head_seq, head_hash, figures, digest, entry_seq in rows(
                conn, "SELECT quarter, period_end, ledger_seq, ledger_hash, figures, figures_sha256, entry_seq"
                      " FROM snapshots ORDER BY id"):
            seen.add(quarter)
            if quarter not in self.snapshots:
                found.append(f"数据与台账不符:表snapshots中{quarter}的封存数据在台账中没有封存记录")
                continue
            after, detail, seq = self.snapshots[quarter]
            head = detail.get("ledger_head") or {}
            if (str(period_end)[:10], int(head_seq), head_hash, digest, int(entry_seq)) != (
                    after.get("period_end"), head.get("seq"), head.get("hash"), detail.get("figures_sha256"), seq) \
                    or hashlib.sha256(str(figures).encode("utf-8")).hexdigest() != digest:
                found.append(f"数据与台账不符:表snapshots中{quarter}的封存数据与台账第{seq}条(封存记录)不符")
        found.extend(f"数据与台账不符:表snapshots中没有{quarter}的封存数据,台账第{seq}条已封存"
                     for quarter, (_after, _detail, seq) in self.snapshots.items() if quarter not in seen)
        return found
