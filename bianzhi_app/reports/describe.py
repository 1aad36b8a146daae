"""Ledger entries in words: the change, and its before/after figures, for the printed 台账."""

from __future__ import annotations

from typing import Any

from bianzhi_app.catalog import Catalog

FIELD_WORDS = {"approved": "核定", "reserved": "在途", "allowance": "只出不进额度", "limit": "职数",
               "total": "总额", "allocated": "已分配", "name": "名称", "category": "类别", "rank": "规格",
               "funding": "经费", "status": "状态", "quota": "编制", "posts": "职数", "region": "区域",
               "code": "代码", "office": "编办", "quarter": "季度", "period_end": "季末", "totals": "合计",
               "uscc": "信用代码", "parent_id": "上级单位", "persons": "人员", "count": "人数", "held": "任职",
               "sha256": "摘要", "functions": "主要职责", "overage": "超编", "vacancy": "空编", "as_of": "截至",
               "fingerprint": "公钥指纹", "ledger_head": "其台账"}
VALUE_WORDS = {"abolished": "已撤销", "active": "存续"}
SHORT_TEXT = 60  # characters of a long text (主要职责) printed in a 台账 cell; the entry keeps it all


def short_text(text: str, limit: int = SHORT_TEXT) -> str:
    """A long free text in one line for a 台账 cell: its beginning and its length (「(无)」 when empty)."""
    flat = " ".join(text.split("\n"))
    if not flat:
        return "(无)"
    return flat if len(flat) <= limit else f"{flat[:limit]}…(共{len(text)}字)"


def _label(key: str, catalog: Catalog, used_word: str) -> str:
    if key == "used":
        return used_word
    for k in catalog.kinds:
        if k.code == key:
            return k.short
    for p in catalog.post_kinds:
        if p.code == key:
            return p.name
    return FIELD_WORDS.get(key, key)


def describe_figures(value: Any, catalog: Catalog) -> str:
    """{"xz": {"approved": 12, "used": 11, …}} → 「行政 核定12 实有11 在途1」; nested by unit name
    for transfers and merges; a zero 只出不进额度 is left out."""
    if not value:
        return ""
    return "\n".join(_lines(value, catalog))


def _lines(value: Any, catalog: Catalog) -> list[str]:
    if not isinstance(value, dict):
        return [str(value)]
    flat = [(k, v) for k, v in value.items() if not isinstance(v, (dict, list))]
    kind_order = {k.code: i for i, k in enumerate(catalog.kinds)}  # 行政, 政法专项, 事业, 工勤 as every table has them
    nested = sorted(((k, v) for k, v in value.items() if isinstance(v, (dict, list))),
                    key=lambda item: kind_order.get(item[0], -1))
    lines = []
    if flat:
        used_word = "实配" if "limit" in value else "实有"
        parts = []
        for k, v in flat:
            if v is None or (k == "allowance" and v == 0):
                continue
            word = _label(k, catalog, used_word)
            text = VALUE_WORDS.get(v, v) if isinstance(v, str) else v
            if k == "functions":
                text = short_text(str(v))
            parts.append(f"{word}{text}" if isinstance(v, int) else f"{word}:{text}")
        if parts:
            lines.append(" ".join(parts))
    for k, v in nested:
        if k == "ledger_head" and isinstance(v, dict):  # a county's chain head held as an anchor: #seq and short hash
            lines.append(f"{FIELD_WORDS[k]} #{v.get('seq')} {str(v.get('hash', ''))[:12]}")
            continue
        if isinstance(v, list):
            lines.append(f"{_label(k, catalog, '实有')}:{'、'.join(str(x) for x in v)}")
            continue
        inner = _lines(v, catalog)
        label = _label(k, catalog, "实配" if "limit" in v else "实有")
        if len(inner) == 1 and all(not isinstance(x, dict) for x in v.values()):
            lines.append(f"{label} {inner[0]}")
        else:
            lines.append(f"{label}:")
            lines += ["  " + line for line in inner]
    return lines


def describe_change(entry: dict[str, Any], catalog: Catalog) -> str:
    """The op's Chinese label with who or what it concerned, e.g. 「出编 张三(退休)」."""
    from bianzhi_app.kernel import OP_LABELS, Op

    try:
        label = OP_LABELS[Op(entry["op"])]
    except ValueError:
        label = entry["op"]
    d = entry.get("detail") or {}
    after = entry.get("after") or {}
    extra = ""
    if d.get("name"):
        extra = str(d["name"])
        if d.get("reason"):
            extra += f"({d['reason']})"
        if d.get("to") and d.get("from"):
            extra += f" {d['from']}→{d['to']}"
        if d.get("post"):
            extra += " " + next((p.name for p in catalog.post_kinds if p.code == d["post"]), d["post"])
    elif d.get("number"):
        extra = str(d["number"])
        if d.get("count"):
            extra += f" {d.get('method', '')}{d['count']}名"
        elif d.get("released") is not None:
            extra += f" 释放{d['released']}名"
    elif d.get("sources"):
        extra = "、".join(d["sources"]) + f"→{d.get('into', '')}"
    elif d.get("from") and d.get("to"):
        kind = next((k.short for k in catalog.kinds if k.code == d.get("kind")), d.get("kind", ""))
        extra = f"{d['from']}→{d['to']} {kind}{d.get('count', '')}名"
    elif entry["op"] == "snapshot":
        extra = str(after.get("quarter", ""))
    return f"{label} {extra}".strip()
