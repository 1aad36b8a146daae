"""Cell values of an imported workbook turned into typed values.

Pure functions on what python-calamine returns for a cell: ``str``, ``float``, ``int``,
``bool``, ``datetime.date``/``datetime.datetime``, ``datetime.time``/``timedelta`` (rare).
A value that cannot be used raises :class:`CellError` with a Chinese reason; an empty cell
gives ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from bianzhi_app.idcodes import id_from_15, id_problem, normalize_code

KIND_NAMES = {"xz": "行政编制", "zf": "政法专项编制", "sy": "事业编制", "gq": "机关工勤编制"}
POST_NAMES = {"zz": "正职", "fz": "副职", "nz": "内设机构正职", "nf": "内设机构副职"}
# The same tuples as bianzhi_app.catalog (a test keeps them equal); repeated here so that
# reading a workbook does not import the database layer.
CATEGORIES = ("党委工作机关", "政府工作部门", "人大机关", "政协机关", "审判机关", "检察机关",
              "群团机关", "事业单位", "乡镇(街道)")
RANKS = ("正厅", "副厅", "正处", "副处", "正科", "副科", "正股", "副股", "未定级")
FUNDINGS = ("全额拨款", "差额拨款", "自收自支")

PRECISION_LOST = "身份证号以数字格式存储已丢失精度,请将该列设为文本后重新录入"
# Integers up to 2**53 survive a float (every Excel number is an IEEE double).
_EXACT_LIMIT = 2**53


class CellError(ValueError):
    """A cell value that cannot be used; ``reason`` is Chinese and shown to the clerk."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- text


def display(value: object) -> str:
    """The value roughly as Excel shows it, for a problem report."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if value.is_integer() and abs(value) < 1e21:  # as Excel's formula bar: 15 digits, then zeros
            return format(Decimal(f"{value:.15g}"), "f")
        return f"{value:.15G}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fold(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation to ASCII) without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def compact(value: object) -> str:
    """Text of a cell without any whitespace (names of units, codes, vocabulary)."""
    return "".join(display(value).split())


_LATIN = re.compile(r"[A-Za-z]")


def person_name(value: object) -> str:
    """A person's name: 「王　芳」 → 王芳 (aligning spaces dropped); Latin names keep one space."""
    text = display(value)
    if _LATIN.search(text):
        return " ".join(text.split())
    return "".join(text.split())


def unit_name(value: object) -> str:
    """A unit's name as the book stores it (bianzhi_app.ops.units drops all whitespace too)."""
    return compact(value)


def loose_unit_key(name: str) -> str:
    """Key that ignores full-/half-width differences, to suggest a near match."""
    return fold(name)


# ---------------------------------------------------------------- numbers


_PLACEHOLDERS = {"-", "--", "—", "——", "/", "无", "－"}
_COUNT = re.compile(r"[+-]?\d+(\.0*)?")


def parse_count(value: object, what: str) -> int | None:
    """A non-negative whole number (编制数, 职数, 实有人数); None when empty or 「-」/「无」."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{what}应为整数")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"{what}应为整数")
        number = int(value)
    else:
        text = fold(display(value))
        if text in _PLACEHOLDERS:
            return None
        text = text.removesuffix("名").removesuffix("人").removesuffix("个")
        if not _COUNT.fullmatch(text):
            raise CellError(f"{what}应为整数")
        number = int(float(text)) if "." in text else int(text)
    if number < 0:
        raise CellError(f"{what}不能为负数")
    return number


# ---------------------------------------------------------------- dates

_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system, past its 1900-02-29 bug
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_FULL = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")


def parse_date(value: object, what: str) -> tuple[dt.date, bool] | None:
    """A date cell → (date, month_only); None when empty.

    Accepts date/datetime cells, Excel serial numbers, 20260105 as a number, and text
    2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, 20260105; year-month text (2026-01, 2026.1,
    2026年1月, 202601) gives the 1st of the month with month_only=True.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, bool):
        raise CellError(f"{what}「{display(value)}」不是日期")
    if isinstance(value, int | float):
        return _date_from_number(float(value), what), False
    if not isinstance(value, str):
        raise CellError(f"{what}「{display(value)}」不是日期")
    parts = unicodedata.normalize("NFKC", value).replace("T", " ").split()
    if len(parts) == 2 and _TIME.fullmatch(parts[1]):
        parts = parts[:1]
    text = "".join(parts)
    for pattern, month_only in ((_FULL, False), (_COMPACT, False), (_MONTH, True), (_COMPACT_MONTH, True)):
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match[1]), int(match[2])
            day = 1 if month_only else int(match[3])
            try:
                return dt.date(year, month, day), month_only
            except ValueError:
                raise CellError(f"{what}「{value.strip()}」不存在") from None
    raise CellError(f"{what}「{value.strip()}」无法识别,应写作2026-01-05")


def _date_from_number(number: float, what: str) -> dt.date:
    if number.is_integer() and 19000101 <= number <= 20991231:  # 20260105 typed as a number
        text = str(int(number))
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise CellError(f"{what}「{text}」不存在") from None
    if 1900 <= number < 2100 and number.is_integer():
        raise CellError(f"{what}「{display(number)}」只有年份,请写作1985-01-01这样的日期")
    if 1900 <= number < 2100:
        # 1985.01 typed as a number: Excel keeps 1985.1 for 「1985.10」, so October and January
        # cannot be told apart; refuse rather than guess.
        raise CellError(f"{what}「{display(number)}」以数字格式存储,无法确定月份,请写作1985-01-01这样的日期")
    if 1 <= number < 2958466:  # up to 9999-12-31
        return _EPOCH + dt.timedelta(days=int(number))
    raise CellError(f"{what}「{display(number)}」不是日期")


# ---------------------------------------------------------------- ID numbers

_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)


MASKED = "身份证号已脱敏(中间位为*),不能据此登记人员;请使用「导出 --full-id」(含完整身份证号)的工作簿"


def parse_id(value: object, today: dt.date | None = None) -> str | None:
    """An ID number cell → the 18-character number (upper-case X); None when empty.

    A number cell is trusted only while it is an integer a double holds exactly (below 2**53):
    that covers legacy 15-digit numbers, never an 18-digit one, whose last digits Excel has
    already rounded (see PRECISION_LOST). Raises CellError with the reason.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("身份证号格式错误")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("身份证号格式错误")
        if abs(value) >= _EXACT_LIMIT:
            raise CellError(PRECISION_LOST)
        text = str(int(value))
    else:
        text = normalize_code(unicodedata.normalize("NFKC", display(value))).lstrip("'")
        if _SCIENTIFIC.fullmatch(text):  # 1.10105E+17 pasted as text
            raise CellError(PRECISION_LOST)
        if "*" in text:  # a masked number, from an export without --full-id
            raise CellError(MASKED)
    if len(text) == 15 and text.isdigit():
        text = id_from_15(text)
    problem = id_problem(text, today)
    if problem:
        raise CellError(problem)
    return text


# ---------------------------------------------------------------- vocabularies


def _key(text: str) -> str:
    return fold(text).replace("(", "").replace(")", "").lower()


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, synonyms in pairs.items():
        for word in (canonical, *synonyms):
            table[_key(word)] = canonical
    return table


_KINDS = _table({
    "xz": ("行政编制", "行政", "行政编", "行政专项编制"),
    "zf": ("政法专项编制", "政法专项", "政法编制", "政法", "政法编", "政法专编"),
    "sy": ("事业编制", "事业", "事业编"),
    "gq": ("机关工勤编制", "机关工勤", "工勤编制", "工勤", "工勤编", "机关工勤人员编制"),
})
_POSTS = _table({
    "zz": ("正职", "领导正职"),
    "fz": ("副职", "领导副职"),
    "nz": ("内设机构正职", "内设正职", "内设机构领导正职"),
    "nf": ("内设机构副职", "内设副职", "内设机构领导副职"),
})
_CATEGORIES = _table({
    "党委工作机关": ("党委工作部门", "党委部门", "党委机关", "党委工作机构"),
    "政府工作部门": ("政府部门", "政府组成部门", "政府工作机关", "政府机关", "政府直属机构", "政府工作机构"),
    "人大机关": ("人大",),
    "政协机关": ("政协",),
    "审判机关": ("法院", "人民法院"),
    "检察机关": ("检察院", "人民检察院"),
    "群团机关": ("群团", "群团组织", "群众团体", "人民团体", "群团机构"),
    "事业单位": ("事业",),
    "乡镇(街道)": ("乡镇", "街道", "乡镇街道", "乡镇、街道", "乡(镇)", "镇", "乡", "街道办事处"),
})
_RANKS = _table({
    **{rank: (rank + "级",) for rank in RANKS[:-1]},
    "正股": ("正股级", "股级"),
    "未定级": ("无", "无级别", "未定", "不定级", "未明确"),
})
_FUNDINGS = _table({
    "全额拨款": ("全额", "全额事业", "财政全额", "全额补助", "全供", "财政拨款", "全额预算"),
    "差额拨款": ("差额", "差额补助", "差额事业", "差供", "财政差额"),
    "自收自支": ("自收", "自收自支事业", "经费自理", "自筹"),
})
_GENDERS = _table({"男": ("男性",), "女": ("女性",)})


def _lookup(table: dict[str, str], value: object, what: str, choices: str) -> str | None:
    if is_blank(value):
        return None
    text = display(value)
    key = _key(text)
    if key.startswith("相当于"):
        key = key.removeprefix("相当于")
    elif key.startswith("相当"):
        key = key.removeprefix("相当")
    found = table.get(key)
    if found is None:
        raise CellError(f"{what}「{text}」无法识别,应为{choices}")
    return found


def kind_code(value: object) -> str | None:
    return _lookup(_KINDS, value, "编制类型", "、".join(KIND_NAMES.values()))


def post_code(value: object) -> str | None:
    if isinstance(value, str) and fold(value) in _PLACEHOLDERS:
        return None
    return _lookup(_POSTS, value, "领导职务", "、".join(POST_NAMES.values()))


def category(value: object) -> str | None:
    return _lookup(_CATEGORIES, value, "机构类别", "、".join(CATEGORIES))


def rank(value: object) -> str | None:
    return _lookup(_RANKS, value, "机构规格", "、".join(RANKS))


def funding(value: object) -> str | None:
    return _lookup(_FUNDINGS, value, "经费形式", "、".join(FUNDINGS))


def gender(value: object) -> str | None:
    return _lookup(_GENDERS, value, "性别", "男或女")
