"""Roles (三员分立) and what each may do. The one place that says who may do what; the typed API asks it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bianzhi_app.errors import InvalidInput


class Role(StrEnum):
    ADMIN = "admin"  # 系统管理员: accounts, roles, policy, backup/restore; no establishment data
    AUDITOR = "auditor"  # 安全审计员: reads the ledger and the security log, verifies; changes nothing
    CLERK = "clerk"  # 经办人: every operation; 机构编制事项 become proposals while review is on
    REVIEWER = "reviewer"  # 审核人: approves or rejects others' proposals
    VIEWER = "viewer"  # 查询: figures, masked roster, reports

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.ADMIN: "系统管理员", Role.AUDITOR: "安全审计员", Role.CLERK: "经办人",
               Role.REVIEWER: "审核人", Role.VIEWER: "查询"}

# Held alone: the administrator does not do the business, the auditor does not administer (等保 三员分立).
SOLE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


class Permission(StrEnum):
    READ = "read"  # figures, roster (masked), ledger, reports, check
    ESTABLISH = "establish"  # 机构编制事项: pool, units, quotas, post limits, usage approvals, kinds
    STAFF = "staff"  # persons: enter, leave, transfer, appoint …; cancel approvals, snapshots, import
    REVIEW = "review"  # approve or reject a proposal
    ACCOUNTS = "accounts"  # accounts, roles, policy
    BACKUP = "backup"
    RESTORE = "restore"  # restore a backup, break a stale lock
    AUDIT = "audit"  # read the security log
    REVEAL = "reveal"  # see full ID numbers (logged)


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.READ, Permission.ACCOUNTS, Permission.BACKUP, Permission.RESTORE}),
    Role.AUDITOR: frozenset({Permission.READ, Permission.AUDIT}),
    Role.CLERK: frozenset({Permission.READ, Permission.ESTABLISH, Permission.STAFF, Permission.BACKUP,
                           Permission.REVEAL}),
    Role.REVIEWER: frozenset({Permission.READ, Permission.REVIEW, Permission.REVEAL}),
    Role.VIEWER: frozenset({Permission.READ}),
}

PERMISSION_LABELS = {
    Permission.READ: "查阅", Permission.ESTABLISH: "办理机构编制事项", Permission.STAFF: "办理人员事项",
    Permission.REVIEW: "审核待审事项", Permission.ACCOUNTS: "管理账户和安全策略", Permission.BACKUP: "备份",
    Permission.RESTORE: "恢复备份", Permission.AUDIT: "查阅安全审计日志", Permission.REVEAL: "查看完整身份证号",
}


def allows(roles: Iterable[Role], permission: Permission) -> bool:
    return any(permission in GRANTS[role] for role in roles)


def roles_with(permission: Permission) -> list[Role]:
    """The roles that grant a permission, in the table's order (for 'needs role …' messages)."""
    return [role for role in Role if permission in GRANTS[role]]


def describe_needed(permission: Permission) -> str:
    names = "或".join(f"{role.label}({role.value})" for role in roles_with(permission))
    return f"{PERMISSION_LABELS[permission]}需要{names}角色"


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Role codes or Chinese names → roles; refuses an unknown one, none, or admin/auditor with another role."""
    by_name = {role.label: role for role in Role} | {role.value: role for role in Role}
    roles: set[Role] = set()
    for value in values:
        text = str(value).strip()
        if text not in by_name:
            known = "、".join(f"{role.value}({role.label})" for role in Role)
            raise InvalidInput(f"未知角色「{text[:20]}」;可用角色:{known}", field="role")
        roles.add(by_name[text])
    if not roles:
        raise InvalidInput("账户至少要有一个角色", field="role")
    sole = roles & SOLE_ROLES
    if sole and len(roles) > 1:
        role = next(iter(sole))
        raise InvalidInput(f"{role.label}({role.value})角色须单独持有,不能与其他角色兼任(三员分立)", field="role")
    return frozenset(roles)


def encode_roles(roles: Iterable[Role]) -> str:
    return ",".join(sorted(role.value for role in roles))


def decode_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(code) for code in text.split(",") if code)


def roles_label(roles: Iterable[Role]) -> str:
    return "、".join(role.label for role in Role if role in set(roles))
