"""A ledger entry in words for the 台账 lists: names instead of the stored codes (行政编制, not "xz"),
the figures it changed (核定12→13), and the time it was recorded in the reader's local time.

The ledger keeps codes and ISO timestamps (they are hashed); this is display only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ui.i18n import tr

SEP = " "


class Names:
    """Code → shown name of the kinds and post kinds (English names in English mode)."""

    def __init__(self, catalog: Any):
        self.kinds = {k.code: tr(k.name) for k in catalog.kinds}
        self.posts = {k.code: tr(k.name) for k in catalog.post_kinds}

    def kind(self, code: Any) -> str:
        return self.kinds.get(str(code), str(code)) if code else ""

    def post(self, code: Any) -> str:
        return self.posts.get(str(code), str(code)) if code else ""


def local_time(at: str | None) -> str:
    """An ISO timestamp as the reader's local date and time to the minute ("2026-12-06 17:00")."""
    if not at:
        return ""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _count(n: Any) -> str:
    return tr("{0}名").format(n)


def _figures(before: dict[str, Any], after: dict[str, Any], label: Any, field: str, template: str) -> str:
    """"行政编制 核定12→13" (`template` "{0} 核定{1}") for each code whose `field` changed (or is new)."""
    parts = []
    for code, new in after.items():
        if not isinstance(new, dict) or field not in new:
            continue
        old = before.get(code, {}).get(field) if isinstance(before.get(code), dict) else None
        if old != new[field]:
            parts.append(template.format(label(code), f"{'' if old is None else f'{old}→'}{new[field]}"))
    return tr("、").join(parts)


def _short(text: str, limit: int = 40) -> str:
    """A long text in one line: its beginning and its length; 「(无)」 when empty."""
    flat = " ".join(text.split("\n"))
    if not flat:
        return tr("(无)")
    return flat if len(flat) <= limit else flat[:limit] + tr("…(共{0}字)").format(len(text))


def _person(entry: dict[str, Any], names: Names) -> str:
    d, op = entry["detail"], entry["op"]
    parts = [str(d.get("name", ""))]
    if op == "person.transfer":
        parts.append(f"{d.get('from', '')} → {d.get('to', '')}")
    if op == "person.change_kind":
        parts.append(f"{names.kind(d.get('from'))} → {names.kind(d.get('to'))}")
    elif d.get("kind"):
        parts.append(names.kind(d.get("kind")))
    if d.get("post"):
        parts.append(names.post(d["post"]))
    if d.get("reason"):
        parts.append(tr(str(d["reason"])))
    if d.get("approval"):
        parts.append(tr("用编核准{0}").format(d["approval"]))
    if d.get("post_ended"):
        parts.append(tr("免去{0}").format(names.post(d["post_ended"])))
    return SEP.join(p for p in parts if p)


def _approval(entry: dict[str, Any], names: Names) -> str:
    d = entry["detail"]
    kinds = [names.kind(code) for code in (entry["after"] or {}) if code in names.kinds]
    parts = [str(d.get("number", "")), *kinds]
    if entry["op"] == "approval.add":
        parts += [_count(d.get("count", "")), tr(str(d.get("method", "")))]
        if d.get("valid_until"):
            parts.append(tr("有效期至{0}").format(d["valid_until"]))
    elif d.get("released") is not None:
        parts.append(tr("释放{0}").format(_count(d["released"])))
    return SEP.join(p for p in parts if p)


def _units(entry: dict[str, Any], names: Names) -> str:
    d, op, before, after = entry["detail"], entry["op"], entry["before"] or {}, entry["after"] or {}
    if op == "unit.rename":
        return f"{before.get('name', '')} → {after.get('name', '')}"
    if op == "unit.functions":  # the new text's beginning (the 内容 column is one line)
        return tr("主要职责:{0}").format(_short(str(after.get("functions") or "")))
    if op == "unit.merge":
        return tr("、").join(str(s) for s in d.get("sources", [])) + f" → {d.get('into', '')}"
    if op == "unit.add":
        return SEP.join(tr(str(after[k])) for k in ("category", "rank", "funding") if after.get(k))
    if op == "unit.establish":  # 建账: the unit as first recorded, with its persons (a count; the digest is not shown)
        persons = after.get("persons") or {}
        counts = persons.get("count") or {}
        parts = [tr(str(after[k])) for k in ("category", "rank", "funding") if after.get(k)]
        parts += [f"{names.kind(code)} {_count(n)}" for code, n in counts.items()]
        if persons.get("held"):
            parts.append(tr("任职{0}").format(_count(persons["held"])))
        return SEP.join(parts)
    if op == "quota.transfer":
        return f"{d.get('from', '')} → {d.get('to', '')} {names.kind(d.get('kind'))} {_count(d.get('count', ''))}"
    return ""


def entry_text(entry: dict[str, Any], names: Names) -> str:
    """What the entry changed, in words (names, not codes)."""
    op, before, after = entry["op"], entry["before"] or {}, entry["after"] or {}
    if op.startswith("person."):
        return _person(entry, names)
    if op.startswith("approval."):
        return _approval(entry, names)
    if op.startswith("unit.") or op == "quota.transfer":
        return _units(entry, names)
    if op == "quota.set":
        text = _figures(before, after, names.kind, "approved", tr("{0} 核定{1}"))
        changed = _figures(before, after, names.kind, "allowance", tr("{0} 超编只出不进{1}"))
        return SEP.join(t for t in (text, changed) if t)
    if op == "pool.set":
        return _figures(before, after, names.kind, "total", tr("{0} 编制总额{1}"))
    if op == "posts.set":
        return _figures(before, after, names.post, "limit", tr("{0} 职数{1}"))
    if op == "region.init":
        return f"{after.get('region', '')}({after.get('code', '')})"
    if op in ("kind.add", "post_kind.add"):
        return f"{after.get('name', '')}({after.get('code', '')})"
    if op == "snapshot":
        return str(after.get("quarter", ""))
    return SEP.join(str(v) for v in entry["detail"].values() if isinstance(v, str | int) and v != "")
