"""Free text a clerk types or pastes (a unit's 主要职责): its normal form and what it may not hold.

Pure functions on strings, like ``idcodes``: the ops layer refuses with ``functions_problem``'s reason,
the window checks the same as the clerk types, the importer reads the cell as it is and lets the op
refuse it.
"""

from __future__ import annotations

import unicodedata

# The most characters (line breaks included) of a unit's 主要职责: room for the 主要职责 section of a city
# department's 三定规定 in full (a county's runs to 1,500–4,000 characters). The 机构编制信息公开表 prints any
# length, continuing a long text in further rows.
FUNCTIONS_MAX = 10_000

# Characters that may stand in a text: printable ones, and the line break (a tab becomes a space).
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
# Categories never allowed: control (Cc), format (Cf: the bidi overrides U+202A–U+202E and isolates
# U+2066–U+2069, marks U+200E/U+200F, zero-width characters, BOM), surrogate, private use, unassigned.
_FORBIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn"}


def normalize_text(text: str) -> str:
    """Line breaks unified to ``\\n``, tabs to spaces, each line stripped of surrounding white space
    (the full-width 　 included), empty lines dropped."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")
    return "\n".join(kept for kept in (line.strip() for line in lines) if kept)


def hidden_character(text: str) -> tuple[int, str] | None:
    """The first character a text may not hold (control, bidi or other invisible format character,
    private use or unassigned): its 1-based position and code point, or None."""
    for i, c in enumerate(text, start=1):
        if c not in _ALLOWED_CONTROLS and unicodedata.category(c) in _FORBIDDEN:
            return i, f"U+{ord(c):04X}"
    return None


def functions_problem(text: str) -> str | None:
    """A Chinese reason why a 主要职责 as typed cannot be kept, or None (its length is that of its
    normal form)."""
    hidden = hidden_character(text)
    if hidden is not None:
        return f"主要职责第{hidden[0]}字处含不可见的控制字符({hidden[1]}),请删除后重新输入"
    length = len(normalize_text(text))
    if length > FUNCTIONS_MAX:
        return f"主要职责过长({length}字),不超过{FUNCTIONS_MAX}字"
    return None


# --- one-line fields: names, 文号, titles --------------------------------------------------------------
# The most characters of each one-line field, such that every printed report (台账, 用编核准通知书, 花名册,
# 信息公开表 …) prints the longest accepted value (tests/hardening print them).
REGION_NAME_MAX = 30
OFFICE_NAME_MAX = 60
UNIT_NAME_MAX = 100
PERSON_NAME_MAX = 30
DOC_NUMBER_MAX = 40
DOC_TITLE_MAX = 100
KIND_NAME_MAX = 20
REASON_MAX = 200
# The largest count a figure may take (a unit's quota, a post limit, an approval's slots, a transfer): far above
# any unit's, and well inside SQLite's 64-bit integers. A region pool (编制总额) of one kind may be larger: a
# province holds ~1,500,000 persons (shared/DOMAIN.md "Scale"), so its pool is bounded by POOL_MAX instead.
COUNT_MAX = 1_000_000
POOL_MAX = 10_000_000

# White space inside a one-line field is dropped (a name typed with spaces, a cell with a line break).
_LINE_WHITESPACE = {"\n", "\r", "\t"}


def is_unit_id_text(text: str) -> bool:
    """Whether a unit reference is a numeric id: up to 18 ASCII digits (``١`` or ``²`` are not ids, and no
    id overflows SQLite's integers)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def line_problem(value: str, what: str, max_length: int) -> str | None:
    """A Chinese reason why a one-line value (after ``clean_line``'s white-space removal) cannot be kept, or None:
    a control, bidi or other format character, a lone surrogate, a non-character or private-use character,
    or more than ``max_length`` characters."""
    for i, c in enumerate(value, start=1):
        if c not in _LINE_WHITESPACE and unicodedata.category(c) in _FORBIDDEN:
            return f"{what}第{i}字处含不可见的控制字符或非法字符(U+{ord(c):04X}),请删除后重新输入"
    text = "".join(value.split())
    if len(text) > max_length:
        return f"{what}过长({len(text)}字),不超过{max_length}字"
    return None


def clean_line(value: object, what: str, max_length: int, *, required: bool = True) -> str:
    """A one-line field as kept: all white space removed; raises ValueError with ``line_problem``'s reason, or
    ``{what}不能为空`` when ``required`` and nothing is left. The ops turn the ValueError into InvalidInput
    naming their field (``ops.common.clean_text``)."""
    text = "" if value is None else str(value)
    problem = line_problem(text, what, max_length)
    if problem is not None:
        raise ValueError(problem)
    text = "".join(text.split())
    if required and not text:
        raise ValueError(f"{what}不能为空")
    return text


def count_problem(value: int, what: str, *, minimum: int = 0, maximum: int = COUNT_MAX) -> str | None:
    """A Chinese reason why a count is out of range (below ``minimum`` or above ``maximum``), or None."""
    if value < minimum:
        return f"{what}应为{'正整数' if minimum > 0 else '不小于0的整数'},实为{value}"
    if value > maximum:
        return f"{what}过大({value}),不超过{maximum:,}"
    return None
