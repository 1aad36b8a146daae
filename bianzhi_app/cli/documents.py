"""Commands of the documents (文件依据) every change cites: document list."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from typing import Any

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import Registry, open_book, out, stream_json


def _all_documents(conn: Any, search: str) -> Iterator[dict[str, Any]]:
    """Every page of the window's 文件 list, newest first, with dates as ISO text."""
    from bianzhi_app.queries import documents_page

    after = None
    while True:
        found = documents_page(conn, search, after, 500)
        for row in found:
            yield {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
        if len(found) < 500:
            return
        after = found[-1]["id"]


def cmd_document_list(args: argparse.Namespace) -> None:
    with open_book(args) as book, book.read() as conn:
        documents = _all_documents(conn, args.search or "")
        if args.json:
            stream_json("documents", documents)
            return
        out(args, None, "\n".join(f"{d['number']}\t{d.get('title') or ''}\t{d.get('issuer') or ''}\t"
                                  f"{d.get('issued_on') or ''}" for d in documents))


def register(cli: Registry) -> None:
    document = cli.group("document", "文件依据")
    p = cli.command("list", cmd_document_list, "列出文件依据(新的在前),与窗口「文件」页相同", writes=False,
                    permission=Permission.READ, parent=document)
    p.add_argument("--search", metavar="文字", help="文号或标题中含有的文字")
