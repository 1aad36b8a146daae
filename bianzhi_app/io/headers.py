"""Recognise a sheet by its header: which sheet holds units, which persons, and which column is what.

Field names: person sheets use ``name id gender birth unit kind post entered``; unit sheets use
``unit category rank funding parent uscc functions`` plus ``quota:<kind>``, ``limit:<post>`` and
``used:<kind>`` for the figure columns (kind codes xz/zf/sy/gq, post codes zz/fz/nz/nf).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bianzhi_app.io.values import display

SCAN_ROWS = 12  # the header must start within the first rows of a sheet

Merged = Sequence[tuple[tuple[int, int], tuple[int, int]]]
Row = Sequence[object]

FIELD_NAMES = {
    "name": "姓名", "id": "身份证号", "gender": "性别", "birth": "出生日期", "unit": "所在单位",
    "kind": "编制类型", "post": "领导职务", "entered": "入编时间",
    "category": "机构类别", "rank": "机构规格", "funding": "经费形式", "parent": "上级单位",
    "uscc": "统一社会信用代码", "functions": "主要职责",
}


def _words(field: str, *words: str) -> dict[str, str]:
    return dict.fromkeys(words, field)


_EXACT: dict[str, str] = {
    **_words("name", "姓名", "人员姓名", "职工姓名"),
    **_words("id", "身份证号", "身份证号码", "公民身份号码", "公民身份证号", "公民身份证号码", "身份证件号码",
             "身份证件号", "身份证", "证件号码", "证件号", "身份证编号"),
    **_words("gender", "性别"),
    **_words("birth", "出生日期", "出生年月", "出生年月日", "出生时间", "生日"),
    **_words("unit", "单位", "单位名称", "所在单位", "工作单位", "所在单位名称", "现工作单位", "现单位",
             "现所在单位", "机构名称", "机构", "单位全称", "机构全称", "编制所在单位"),
    **_words("kind", "编制类型", "编制性质", "人员类别", "编制类别", "编制种类", "所占编制", "占用编制",
             "使用编制类型", "编制"),
    **_words("post", "职务", "领导职务", "职务类别", "领导职务类别", "职数类别", "领导职数类别", "现任职务"),
    **_words("entered", "入编时间", "进编时间", "入编日期", "进编日期", "入编年月", "进编年月"),
    **_words("category", "机构类别", "单位类别", "类别", "机构类型", "单位类型", "机构性质", "单位性质"),
    **_words("rank", "机构规格", "规格", "级别", "机构级别", "单位规格", "单位级别"),
    **_words("funding", "经费形式", "经费来源", "经费性质", "经费类型", "经费渠道", "经费供给方式",
             "经费方式"),
    **_words("parent", "上级单位", "主管部门", "上级机构", "主管单位", "隶属单位", "上级部门", "举办单位"),
    **_words("uscc", "统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
    **_words("functions", "主要职责", "职责", "主要职能", "职能", "机构职责", "单位职责", "职能职责", "职责任务",
             "主要职责任务"),
}
_TOTALS = {"合计", "小计", "总计", "计", "总数", "其中", "序号", "备注"}  # also allowed in a sub-header row

# Figure columns: a kind or post word plus only these decorations, e.g. 核定行政编制数, 实有人数/事业.
_KIND_WORDS = (("政法", "zf"), ("工勤", "gq"), ("事业", "sy"), ("行政", "xz"))
_POST_WORDS = (("内设机构正职", "nz"), ("内设正职", "nz"), ("内设机构副职", "nf"), ("内设副职", "nf"),
               ("正职", "zz"), ("副职", "fz"))
_KIND_DECOR = re.compile(r"核定|编制|专项|机关|实有|在编|实际|已用|人员|人数|情况|数额|数|名|人|其中|[:、/]")
_POST_DECOR = re.compile(r"核定|领导|职数|职位|机构|内设|数|名|个|其中|[:、/]")
_USED = ("实有", "在编", "实际", "已用")
_SKIP = ("空编", "超编", "缺编", "在途", "核准", "合计", "小计", "总计", "空缺", "比例", "%", "实配", "已配")
_NOTE = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")


def header_key(value: object) -> str:
    """Normalised header text: 「 姓 名 」 → 姓名, 「*身份证号(必填)」 → 身份证号."""
    text = "".join(unicodedata.normalize("NFKC", display(value)).split())
    text = _NOTE.sub("", text)
    return text.strip("*※★:#")


def _figure_field(group: str, sub: str) -> str | None:
    """quota:/used:/limit: field of a figure column, from its group header and sub-header."""
    text = group + sub
    if not text or any(word in text for word in _SKIP):
        return None
    probe = sub or text
    for word, code in _POST_WORDS:
        if word in probe:
            if "内设" in text and code in ("zz", "fz"):
                code = "nz" if code == "zz" else "nf"
            rest = _POST_DECOR.sub("", text.replace(word, "", 1))
            return f"limit:{code}" if not rest and not any(u in text for u in _USED) else None
    for word, code in _KIND_WORDS:
        if word in probe:
            rest = _KIND_DECOR.sub("", text.replace(word, "", 1))
            if rest:
                return None
            return f"used:{code}" if any(u in text for u in _USED) else f"quota:{code}"
    return None


def classify(group: str, sub: str) -> str | None:
    """Field of one column from its (already normalised) upper and lower header text."""
    if sub and sub in _EXACT:
        return _EXACT[sub]
    if not sub:
        return _EXACT.get(group) or _figure_field("", group)
    return _figure_field(group, sub)


def column_letter(index: int) -> str:
    """0-based column index → A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Layout:
    role: Literal["units", "persons"]
    header_rows: tuple[int, ...]  # 0-based row indices of the header (one or two rows)
    data_start: int               # 0-based index of the first row after the header
    columns: dict[str, int]       # field -> index in a row as calamine yields it
    labels: dict[str, str]        # field -> "C(身份证号)"


def _is_subheader(group_row: list[str], row: Row) -> bool:
    """A row that only holds sub-headers (行政/事业/正职…, or known field names) under groups."""
    seen = False
    for index, value in enumerate(row):
        if isinstance(value, str):
            key = header_key(value)
            if not key:
                continue
            group = group_row[index] if index < len(group_row) else ""
            if key not in _EXACT and key not in _TOTALS and _figure_field(group, key) is None:
                return False
            seen = True
        elif value is not None and value != "":
            return False
    return seen


def repeats_header(row: Row) -> bool:
    """A header line repeated inside the table (rosters pasted together, printed page headers)."""
    count = 0
    for value in row:
        if value == "" or value is None:
            continue
        if not isinstance(value, str):
            return False
        key = header_key(value)
        if not key:
            continue
        if key not in _EXACT and key not in _TOTALS and _figure_field("", key) is None:
            return False
        count += 1
    return count >= 2


def _fill_groups(upper: list[str], lower: list[str], row_index: int, col0: int,
                 merged: Merged | None) -> None:
    """Spread a group header (核定编制, 领导职数 …) over the columns it spans."""
    for (r0, c0), (r1, c1) in merged or ():
        if r0 == row_index and c1 > c0 and r1 >= r0:
            first = c0 - col0
            for index in range(max(first, 0), min(c1 - col0 + 1, len(upper))):
                if not upper[index] and 0 <= first < len(upper):
                    upper[index] = upper[first]
    # Without merge information (.xls) or with 「跨列居中」: a group's empty neighbours take its
    # text while they, and the group cell itself, have a sub-header below.
    for index in range(1, len(upper)):
        if not upper[index] and lower[index] and upper[index - 1] and lower[index - 1]:
            upper[index] = upper[index - 1]


def _layout(role_rows: tuple[int, ...], data_start: int, fields: list[tuple[str | None, str]],
            col0: int) -> Layout | None:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, (field, label) in enumerate(fields):
        if field and field not in columns:
            columns[field] = index
            labels[field] = f"{column_letter(col0 + index)}({label})"
    role: Literal["units", "persons"]
    if "name" in columns and "id" in columns:
        role = "persons"
    elif "unit" in columns and any(f.startswith("quota:") for f in columns):
        role = "units"
    else:
        return None
    return Layout(role, role_rows, data_start, columns, labels)


def _label(value: object) -> str:
    return "".join(display(value).split())


def detect(head: Sequence[Row], col0: int, merged: Merged | None) -> Layout | None:
    """Find the header in the first rows of a sheet (title rows above it are skipped).

    ``head`` holds the first rows as calamine yields them (row i is sheet row i; column j is
    sheet column col0 + j); ``merged`` are the sheet's merged ranges when the format gives them.
    """
    keys = [[header_key(v) for v in row] for row in head]
    for r in range(min(len(head), SCAN_ROWS)):
        if not any(keys[r]):
            continue
        if r + 1 < len(head):
            upper = list(keys[r])
            lower = keys[r + 1] + [""] * (len(upper) - len(keys[r + 1]))
            _fill_groups(upper, lower, r, col0, merged)
            if _is_subheader(upper, head[r + 1]):
                fields: list[tuple[str | None, str]] = []
                for index, (group, sub) in enumerate(zip(upper, lower, strict=False)):
                    field = classify(group, sub)
                    raw_sub = _label(head[r + 1][index]) if index < len(head[r + 1]) else ""
                    if not sub:
                        label = _label(head[r][index])
                    elif sub in _EXACT or not group:
                        label = raw_sub
                    else:
                        label = f"{group}/{raw_sub}"
                    fields.append((field, label))
                found = _layout((r, r + 1), r + 2, fields, col0)
                if found:
                    return found
        single = [(classify(key, ""), _label(head[r][index])) for index, key in enumerate(keys[r])]
        found = _layout((r,), r + 1, single, col0)
        if found:
            return found
    return None
