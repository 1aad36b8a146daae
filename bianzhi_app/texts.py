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
