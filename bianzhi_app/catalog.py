"""Fixed vocabularies: kinds, post kinds, unit categories, ranks, funding, reasons, methods."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bianzhi_app.db.sql import rows
from bianzhi_app.errors import InvalidInput

CATEGORIES = ("党委工作机关", "政府工作部门", "人大机关", "政协机关", "审判机关", "检察机关",
              "群团机关", "事业单位", "乡镇(街道)")
RANKS = ("正厅", "副厅", "正处", "副处", "正科", "副科", "正股", "副股", "未定级")
FUNDINGS = ("全额拨款", "差额拨款", "自收自支")
LEAVE_REASONS = ("退休", "死亡", "调出", "辞职", "辞退", "开除", "解除聘用合同")
APPROVAL_METHODS = ("公开招录", "公开招聘", "调任", "转任", "军转安置", "遴选", "选调", "人才引进", "其他")


@dataclass(frozen=True, slots=True)
class Kind:
    """An establishment kind or a post kind of the book: its id, code (xz) and Chinese name."""

    id: int
    code: str
    name: str

    @property
    def short(self) -> str:
        return self.name.removesuffix("编制")


class Catalog:
    """Establishment kinds and post kinds of one book, resolved by code or Chinese name."""

    def __init__(self, kinds: list[Kind], post_kinds: list[Kind]):
        self.kinds = kinds
        self.post_kinds = post_kinds
        self._kind_by_id = {k.id: k for k in kinds}
        self._post_by_id = {k.id: k for k in post_kinds}

    @classmethod
    def load(cls, conn: Any) -> Catalog:
        """The kinds of the book on `conn` (a SQLAlchemy Connection or the window's sqlite3 reader)."""
        def kinds(table: str) -> list[Kind]:
            return [Kind(*r) for r in rows(conn, f"SELECT id, code, name FROM {table} ORDER BY sort_order")]

        return cls(kinds("establishment_kinds"), kinds("post_kinds"))

    def kind(self, text: str) -> Kind:
        """Resolve 行政编制 / 行政 / xz; refuse anything else, listing what exists."""
        return _resolve(self.kinds, text, "编制类型", "kind")

    def post_kind(self, text: str) -> Kind:
        return _resolve(self.post_kinds, text, "职务类别", "post")

    def kind_by_id(self, kind_id: int) -> Kind:
        return self._kind_by_id[kind_id]

    def post_kind_by_id(self, post_kind_id: int) -> Kind:
        return self._post_by_id[post_kind_id]


def _resolve(options: list[Kind], text: str, what: str, field: str) -> Kind:
    key = "".join(str(text).split())
    for option in options:
        if key in (option.code, option.name, option.short) or key.lower() == option.code:
            return option
    listed = "、".join(f"{o.name}({o.code})" for o in options)
    raise InvalidInput(f"未知的{what}「{text}」,可用:{listed}", field=field)


def check_choice(value: str, choices: tuple[str, ...], what: str, field: str) -> str:
    """Return value if it is one of choices, else refuse naming them."""
    value = "".join(str(value).split()).replace("（", "(").replace("）", ")")
    if value not in choices:
        raise InvalidInput(f"未知的{what}「{value}」,可用:{'、'.join(choices)}", field=field)
    return value
