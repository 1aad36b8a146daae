"""The rules of DOMAIN.md as pure checks on plain numbers; each refusal names the figures."""

from __future__ import annotations

from dataclasses import dataclass

from bianzhi_app.errors import ApprovalRequired, PoolExceeded, PostLimitExceeded, QuotaExceeded, StateRefused


@dataclass(frozen=True, slots=True)
class QuotaFigures:
    """One unit's figures of one kind: approved (核定), used (实有), reserved (在途), allowance (超编只出不进)."""

    approved: int
    used: int
    reserved: int
    allowance: int

    @property
    def vacancy(self) -> int:
        return max(0, self.approved - self.used - self.reserved)

    @property
    def overage(self) -> int:
        return max(0, self.used + self.reserved - self.approved)

    def as_dict(self) -> dict[str, int]:
        return {"approved": self.approved, "used": self.used, "reserved": self.reserved,
                "allowance": self.allowance}

    def shrunk_allowance(self) -> int:
        """Rule 6: the allowance only ever covers the overage that is left (只出不进)."""
        return min(self.allowance, self.overage)

    def describe(self) -> str:
        text = f"核定{self.approved}名,实有{self.used}名,在途{self.reserved}名"
        if self.overage:
            text += f",超编{self.overage}名"
            if self.allowance:
                text += "(只出不进)"
        elif self.vacancy:
            text += f",空编{self.vacancy}名"
        else:
            text += ",无空编"
        return text


@dataclass(frozen=True, slots=True)
class PostFigures:
    """One unit's figures of one post kind: the limit (职数), posts held, the allowance over the limit."""

    limit: int
    used: int
    allowance: int

    @property
    def vacancy(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True, slots=True)
class PoolFigures:
    """The region pool (编制总额) of one kind: its total and what the units' quotas take of it."""

    total: int
    allocated: int

    @property
    def unallocated(self) -> int:
        return self.total - self.allocated


def check_room(unit: str, kind: str, figures: QuotaFigures, count: int, action: str) -> None:
    """Rules 1 and 6: `count` more slots fit only inside the approved quota (never the allowance)."""
    if figures.used + figures.reserved + count > figures.approved:
        need = f"需{count}名," if count > 1 else ""
        raise QuotaExceeded(f"{unit} {kind} {figures.describe()},{need}不能{action}", field="count")


def check_quota_cut(unit: str, kind: str, figures: QuotaFigures, new_approved: int) -> None:
    """Rule 7: a quota below the persons (and reservations) on it is refused."""
    if figures.used + figures.reserved > new_approved + figures.allowance:
        raise QuotaExceeded(
            f"{unit} {kind} 实有{figures.used}名,在途{figures.reserved}名,不能核定为{new_approved}名"
            f"(低于实有与在途之和;改革中确需如此的,须以文件将超出部分记为超编只出不进)", field="count")


def check_pool(kind: str, total: int, allocated: int, delta: int, unit: str) -> None:
    """Rule 2: the sum of approved quotas stays within the region pool."""
    if delta > 0 and allocated + delta > total:
        raise PoolExceeded(
            f"{kind} 编制总额{total}名,已分配{allocated}名,未分配{total - allocated}名,"
            f"不能为{unit}增加{delta}名", field="count")


def check_pool_total(kind: str, new_total: int, allocated: int) -> None:
    if new_total < allocated:
        raise PoolExceeded(f"{kind} 已分配{allocated}名,编制总额不能核定为{new_total}名", field="count")


def check_post_room(unit: str, post: str, limit: int, used: int) -> None:
    """Rule 3: posts used stay within the post limit."""
    if used + 1 > limit:
        raise PostLimitExceeded(f"{unit} {post} 职数{limit}名,已配{used}名,无空缺职数,不能任职", field="post")


def check_post_cut(unit: str, post: str, used: int, allowance: int, new_limit: int) -> None:
    if used > new_limit + allowance:
        raise PostLimitExceeded(f"{unit} {post} 已配{used}名,职数不能核定为{new_limit}名", field="count")


def check_approval_available(unit: str, kind: str, requires_approval: bool, usable_approvals: int) -> None:
    """Rule 5 (先核准后进人): a unit that requires approvals needs a usable one of that kind."""
    if requires_approval and usable_approvals == 0:
        raise ApprovalRequired(f"{unit} {kind} 没有有效的用编核准,不能入编(先核准后进人)", field="approval")


def check_abolish(unit: str, staff: int, reserved: int, children: int) -> None:
    """Rule 9: a unit is abolished only once its staff, reservations and sub-units are gone."""
    if staff or reserved:
        raise StateRefused(f"{unit} 尚有实有人员{staff}名、在途{reserved}名,须先调出人员、撤销用编核准后才能撤销",
                           field="unit")
    if children:
        raise StateRefused(f"{unit} 尚有{children}个内设或下属机构,须先撤销或划转", field="unit")
