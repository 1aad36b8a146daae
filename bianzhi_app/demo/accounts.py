"""The demo's accounts (issue 15): one of each role, so a demo book can be tried as every user of an office.

`create_demo_accounts(book, password)` gives a book without accounts the accounts that the command-line
contract (docs/CLI.md) names for `demo`: admin (系统管理员), auditor (安全审计员), jingban (经办人),
shenhe (审核人) and chaxun (查询), all with ``password`` (the caller passes BIANZHI_PASSWORD or
DEMO_PASSWORD) and no change required.
The command line's `demo` and the window's 生成演示区域 both call it after `generate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bianzhi_app.accounts.roles import Role

if TYPE_CHECKING:
    from bianzhi_app.book import Book

DEMO_PASSWORD = "Demo-2026"
DEMO_ADMIN = "admin"
# name → role, after the admin that create_first makes
DEMO_ACCOUNTS: dict[str, Role] = {"auditor": Role.AUDITOR, "jingban": Role.CLERK, "shenhe": Role.REVIEWER,
                                  "chaxun": Role.VIEWER}


def create_demo_accounts(book: Book, password: str = DEMO_PASSWORD) -> str:
    """Create the demo accounts in ``book`` (which must have none: StateRefused otherwise); returns the
    recovery key of the first admin. The admin signs in to add the others; whoever was signed in before (on
    a new demo book: nobody) is signed in again afterwards. Refuses a weak ``password`` (InvalidInput)."""
    before = (book.account, book.actor)
    key = book.accounts.create_first(name=DEMO_ADMIN, password=password)
    try:
        book.sign_in(DEMO_ADMIN, password)
        for name, role in DEMO_ACCOUNTS.items():
            book.accounts.add(name=name, roles=[role], password=password, must_change=False)
    finally:
        book.account, book.actor = before
    return key
