"""Every operation dialog with its menu, label and shortcut, in menu order.

A dialog is named "module:Class" and imported when first opened: the menus are built at start-up
without importing every dialog and the ops behind them. Each entry needs a permission (issue 15): the
window disables it, with the reason, for an account whose roles do not grant it (the core refuses anyway).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from bianzhi_app.accounts.roles import Permission

if TYPE_CHECKING:
    from ui.dialogs.base import OpDialog


@dataclass(frozen=True, slots=True)
class OpEntry:
    key: str
    menu: str
    label: str
    dialog_name: str  # "ui.dialogs.staff:EnterDialog"
    shortcut: str = ""
    toolbar: bool = False
    permission: Permission | None = None  # None: by its menu (人员 → STAFF; 编制, 机构 → ESTABLISH)

    @property
    def needs(self) -> Permission:
        """The permission the operation's area method declares (bianzhi_app.areas @operation)."""
        return self.permission or (Permission.STAFF if self.menu == "人员" else Permission.ESTABLISH)

    @property
    def dialog(self) -> type[OpDialog]:
        module, name = self.dialog_name.split(":")
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


OPERATIONS = [
    OpEntry(
        "enter",
        QT_TRANSLATE_NOOP("", "人员"),
        QT_TRANSLATE_NOOP("", "入编…"),
        "ui.dialogs.staff:EnterDialog",
        "Ctrl+E",
        True,
    ),
    OpEntry("leave", "人员", QT_TRANSLATE_NOOP("", "出编…"), "ui.dialogs.staff:LeaveDialog", "Ctrl+L", True),
    OpEntry("transfer", "人员", QT_TRANSLATE_NOOP("", "调动…"), "ui.dialogs.staff:TransferDialog", "Ctrl+T", True),
    OpEntry("change_kind", "人员", QT_TRANSLATE_NOOP("", "变更编制类型…"), "ui.dialogs.staff:ChangeKindDialog"),
    OpEntry("appoint", "人员", QT_TRANSLATE_NOOP("", "任职…"), "ui.dialogs.staff:AppointDialog", "Ctrl+P"),
    OpEntry("dismiss", "人员", QT_TRANSLATE_NOOP("", "免职…"), "ui.dialogs.staff:DismissDialog"),
    OpEntry(
        "quota_set",
        QT_TRANSLATE_NOOP("", "编制"),
        QT_TRANSLATE_NOOP("", "核定编制…"),
        "ui.dialogs.quota:SetQuotaDialog",
        "Ctrl+K",
        True,
    ),
    OpEntry("quota_transfer", "编制", QT_TRANSLATE_NOOP("", "编制划转…"), "ui.dialogs.quota:TransferQuotaDialog"),
    OpEntry("posts_set", "编制", QT_TRANSLATE_NOOP("", "核定领导职数…"), "ui.dialogs.quota:SetPostLimitDialog"),
    OpEntry("pool_set", "编制", QT_TRANSLATE_NOOP("", "核定编制总额…"), "ui.dialogs.quota:SetPoolDialog"),
    OpEntry(
        "approval_add",
        "编制",
        QT_TRANSLATE_NOOP("", "用编核准…"),
        "ui.dialogs.approvals:AddApprovalDialog",
        "Ctrl+Shift+A",
        True,
    ),
    OpEntry(
        "approval_cancel", "编制", QT_TRANSLATE_NOOP("", "撤销用编核准…"), "ui.dialogs.approvals:CancelApprovalDialog",
        permission=Permission.STAFF,
    ),
    OpEntry(
        "unit_add",
        QT_TRANSLATE_NOOP("", "机构"),
        QT_TRANSLATE_NOOP("", "设立机构…"),
        "ui.dialogs.units:AddUnitDialog",
        "Ctrl+Shift+N",
    ),
    OpEntry("unit_rename", "机构", QT_TRANSLATE_NOOP("", "机构更名…"), "ui.dialogs.units:RenameUnitDialog"),
    OpEntry("unit_functions", "机构", QT_TRANSLATE_NOOP("", "核定主要职责…"), "ui.dialogs.units:SetFunctionsDialog"),
    OpEntry("unit_abolish", "机构", QT_TRANSLATE_NOOP("", "撤销机构…"), "ui.dialogs.units:AbolishUnitDialog"),
    OpEntry("unit_merge", "机构", QT_TRANSLATE_NOOP("", "机构合并…"), "ui.dialogs.units:MergeUnitsDialog"),
]
