"""Every operation dialog with its menu, label and shortcut, in menu order."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ui.dialogs.approvals import AddApprovalDialog, CancelApprovalDialog
from ui.dialogs.base import OpDialog
from ui.dialogs.quota import SetPoolDialog, SetPostLimitDialog, SetQuotaDialog, TransferQuotaDialog
from ui.dialogs.staff import AppointDialog, ChangeKindDialog, DismissDialog, EnterDialog, LeaveDialog, TransferDialog
from ui.dialogs.units import AbolishUnitDialog, AddUnitDialog, MergeUnitsDialog, RenameUnitDialog


@dataclass(frozen=True)
class OpEntry:
    key: str
    menu: str
    label: str
    dialog: type[OpDialog]
    shortcut: str = ""
    toolbar: bool = False


OPERATIONS = [
    OpEntry("enter", QT_TRANSLATE_NOOP("", "人员"), QT_TRANSLATE_NOOP("", "入编…"), EnterDialog, "Ctrl+E", True),
    OpEntry("leave", "人员", QT_TRANSLATE_NOOP("", "出编…"), LeaveDialog, "Ctrl+L", True),
    OpEntry("transfer", "人员", QT_TRANSLATE_NOOP("", "调动…"), TransferDialog, "Ctrl+T", True),
    OpEntry("change_kind", "人员", QT_TRANSLATE_NOOP("", "变更编制类型…"), ChangeKindDialog),
    OpEntry("appoint", "人员", QT_TRANSLATE_NOOP("", "任职…"), AppointDialog, "Ctrl+P"),
    OpEntry("dismiss", "人员", QT_TRANSLATE_NOOP("", "免职…"), DismissDialog),
    OpEntry("quota_set", QT_TRANSLATE_NOOP("", "编制"), QT_TRANSLATE_NOOP("", "核定编制…"), SetQuotaDialog, "Ctrl+K",
            True),
    OpEntry("quota_transfer", "编制", QT_TRANSLATE_NOOP("", "编制划转…"), TransferQuotaDialog),
    OpEntry("posts_set", "编制", QT_TRANSLATE_NOOP("", "核定领导职数…"), SetPostLimitDialog),
    OpEntry("pool_set", "编制", QT_TRANSLATE_NOOP("", "核定编制总额…"), SetPoolDialog),
    OpEntry("approval_add", "编制", QT_TRANSLATE_NOOP("", "用编核准…"), AddApprovalDialog, "Ctrl+Shift+A", True),
    OpEntry("approval_cancel", "编制", QT_TRANSLATE_NOOP("", "撤销用编核准…"), CancelApprovalDialog),
    OpEntry("unit_add", QT_TRANSLATE_NOOP("", "机构"), QT_TRANSLATE_NOOP("", "设立机构…"), AddUnitDialog,
            "Ctrl+Shift+N"),
    OpEntry("unit_rename", "机构", QT_TRANSLATE_NOOP("", "机构更名…"), RenameUnitDialog),
    OpEntry("unit_abolish", "机构", QT_TRANSLATE_NOOP("", "撤销机构…"), AbolishUnitDialog),
    OpEntry("unit_merge", "机构", QT_TRANSLATE_NOOP("", "机构合并…"), MergeUnitsDialog),
]
