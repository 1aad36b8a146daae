"""Check digits of 身份证号 (GB 11643) and 统一社会信用代码 (GB 32100).

Pure functions on strings; the ops layer and the importer call them and turn a
problem into an InvalidInput with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import operator

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＹ"}


def normalize_code(text: str) -> str:
    """Strip spaces, fold full-width digits/letters, upper-case (accepts a lowercase x)."""
    return "".join(str(text).translate(_FULLWIDTH).split()).upper()


_ID_WEIGHT_SUM = sum(ID_WEIGHTS)


def id_check_digit(first17: str) -> str:
    # Weighted sum over the ASCII codes, less the weighted "0"s: the C-level map is the hot path of bulk entry.
    total = sum(map(operator.mul, first17.encode("ascii"), ID_WEIGHTS)) - 48 * _ID_WEIGHT_SUM
    return ID_CHECK[total % 11]


def id_problem(id_number: str, today: dt.date | None = None) -> str | None:
    """Return a Chinese reason why an (already normalised) ID number is invalid, or None."""
    if len(id_number) != 18:
        return f"身份证号应为18位,实为{len(id_number)}位"
    if not (id_number.isascii() and id_number[:17].isdigit()) or not (id_number[17].isdigit() or id_number[17] == "X"):
        return "身份证号前17位应为数字,末位应为数字或X"
    birth = id_birth_date(id_number)
    if birth is None:
        return f"身份证号中的出生日期{id_number[6:14]}不存在"
    if birth > (today or dt.date.today()):
        return f"身份证号中的出生日期{birth.isoformat()}晚于今天"
    expected = id_check_digit(id_number[:17])
    if expected != id_number[17]:
        return f"身份证号校验位错误(应为{expected},实为{id_number[17]})"
    return None


def id_birth_date(id_number: str) -> dt.date | None:
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_gender(id_number: str) -> str:
    """男 when digit 17 is odd, else 女."""
    return "男" if int(id_number[16]) % 2 else "女"


def id_from_15(old: str) -> str:
    """Convert a legacy 15-digit ID number (19xx births) to 18 digits with its check digit."""
    first17 = old[:6] + "19" + old[6:15]
    return first17 + id_check_digit(first17)


def canonical_id(text: str) -> str:
    """The form every look-up and the keyed hash use: `normalize_code` (lower-case x folded), and a 15-digit
    number converted to its 18 digits. Not validated: see `id_problem`."""
    code = normalize_code(text)
    if len(code) == 15 and code.isdigit():
        return id_from_15(code)
    return code


def mask_id(id_number: str) -> str:
    """110105********002X: keep the region code and the last four characters."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def uscc_problem(code: str) -> str | None:
    """Return a Chinese reason why an (already normalised) USCC is invalid, or None."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位,实为{len(code)}位"
    bad = [c for c in code if c not in _USCC_VALUE]
    if bad:
        return f"统一社会信用代码含非法字符「{bad[0]}」(不得使用I、O、Z、S、V)"
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        return f"统一社会信用代码校验位错误(应为{expected},实为{code[17]})"
    return None
