"""What the signed-in account may use in the window (issue 15): each action and page asks the roles
(`bianzhi_app.accounts.roles.allows`) for the permission its core method declares. An action the roles do
not grant is disabled with the reason as its tooltip; a page of another duty (账户, 审计, 待审事项) is hidden.
The core refuses anyway: this only keeps the window from offering what would be refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bianzhi_app.accounts.roles import Permission, describe_needed
from ui.dialogs.registry import OPERATIONS
from ui.i18n import tr

if TYPE_CHECKING:
    from bianzhi_app.accounts.signin import Account
    from ui.main_window import MainWindow

# window actions beside the operation dialogs → the permission of the core call behind them
ACTION_PERMISSIONS: dict[str, Permission] = {
    "import": Permission.STAFF, "export_book": Permission.READ, "backup": Permission.BACKUP,
    "restore": Permission.RESTORE, "snapshot": Permission.STAFF, "check": Permission.READ,
    "reports": Permission.READ,
}
# pages for one duty → any of these permissions shows them (none of them without accounts)
PAGE_PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "review": (Permission.REVIEW, Permission.ESTABLISH),
    "accounts": (Permission.ACCOUNTS,),
    "audit": (Permission.AUDIT,),
}
ACCOUNT_ACTIONS = ("passwd", "lock")  # only with someone signed in


def action_permissions() -> dict[str, Permission]:
    return {**{entry.key: entry.needs for entry in OPERATIONS}, **ACTION_PERMISSIONS}


def may_see(account: Account | None, page: str) -> bool:
    needed = PAGE_PERMISSIONS.get(page)
    if needed is None:
        return True
    return account is not None and any(account.may(p) for p in needed)


def gate(widget: Any, permission: Permission, account: Account | None, *, read_only: bool = False,
         label: str = "") -> None:
    """Enable `widget` (an action or a button) when the account's roles grant `permission`, else disable it with
    the role needed as its tooltip; a write on a read-only book stays disabled."""
    allowed = account is None or account.may(permission)
    widget.setEnabled(allowed and not read_only)
    if allowed:
        widget.setToolTip(label)  # back to its own text
    else:
        text = widget.text().rstrip("…")
        widget.setToolTip(tr("{0}:{1}").format(text, tr(describe_needed(permission))))


def apply_access(window: MainWindow) -> None:
    """Enable, disable and explain the window's actions and show its pages for the session's account."""
    from ui.dialogs.book_actions import WRITE_ACTIONS

    session = window.session
    account = session.account
    for key, permission in action_permissions().items():
        action = window.actions.get(key)
        if action is None:
            continue
        gate(action, permission, account, read_only=session.read_only and key in WRITE_ACTIONS)
    if window.built("roster"):
        window.roster.apply_access()
    if window.built("reports") and window.reports.built:  # its content is built when first shown
        window.reports.apply_access()
    for key in ACCOUNT_ACTIONS:
        if key in window.actions:
            window.actions[key].setVisible(account is not None)
    for page in PAGE_PERMISSIONS:
        window.set_page_visible(page, may_see(account, page))
