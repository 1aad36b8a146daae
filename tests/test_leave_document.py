"""出编 cites its document when one is given (a retirement or transfer notice): the ledger keeps it, and
the printed 台账 shows it on the 出编 row (issue 12, item 23)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from bookhelpers import DOC, Cli, person_id

pytestmark = pytest.mark.both_backends

LEAVE_DOC = "杨人社发〔2026〕31号"


def test_leave_with_a_document_is_printed_on_its_ledger_row(region: Cli, tmp_path: Path) -> None:
    region.ok("approval", "add", "区农业农村局", "xz", "2", "--method", "公开招录", "--doc", DOC)
    region.ok("person", "enter", "区农业农村局", "xz", "--name", "张三", "--id", person_id(1))
    region.ok("person", "enter", "区农业农村局", "xz", "--name", "李四", "--id", person_id(2))
    region.ok("person", "leave", person_id(1), "--reason", "退休", "--doc", "杨人社发[2026]31号")
    region.ok("person", "leave", person_id(2), "--reason", "辞职")
    leaves = [e for e in region.json("ledger")["entries"] if e["op"] == "person.leave"]
    assert [e["doc"] for e in leaves] == [LEAVE_DOC, None]  # brackets normalised to 〔〕
    assert LEAVE_DOC in [d["number"] for d in region.json("document", "list")["documents"]]
    pdf = tmp_path / "台账.pdf"
    region.ok("report", "ledger", "-o", str(pdf))
    with pdfplumber.open(pdf) as document:
        text = "".join((page.extract_text() or "") for page in document.pages).replace("\n", "")
    assert LEAVE_DOC in text
