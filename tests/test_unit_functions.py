"""A unit's 主要职责 kept as data with its document (issue 12, item 26): the op, the typed API and `unit set`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, Raw, fingerprint, signed_in

from bianzhi_app.errors import DocumentRequired, InvalidInput, NotFound, StateRefused
from bianzhi_app.kernel import OP_LABELS, Op
from bianzhi_app.texts import FUNCTIONS_MAX

SANDING = "杨编发〔2026〕21号"
TEXT = "（一）贯彻执行党和国家关于农业农村工作的方针政策。\n（二）统筹研究和组织实施乡村振兴战略。"
NEW_TEXT = TEXT + "\n（三）负责全区农业综合执法。"

pytestmark = pytest.mark.both_backends


def functions_of(path: Path, unit: str) -> str | None:
    with Raw(path) as raw:
        return raw.execute("SELECT functions FROM units WHERE name = ?", (unit,)).fetchone()[0]


def last_entry(path: Path) -> dict:
    with Raw(path) as raw:
        cursor = raw.execute("SELECT * FROM ledger ORDER BY seq DESC LIMIT 1")
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return {**row, "before": json.loads(row["before"]), "after": json.loads(row["after"])}


@pytest.fixture
def book_path(region: Cli, db_path: Path) -> Path:
    region.ok("unit", "add", "区档案馆", "--category", "事业单位", "--rank", "正股", "--funding", "全额拨款",
              "--doc", DOC)
    return db_path


# ---------------------------------------------------------------- the core


def test_set_functions_writes_the_text_and_one_entry_with_before_and_after(book_path: Path) -> None:
    with signed_in(book_path) as book:
        first = book.units.set_functions(unit="区农业农村局", functions=TEXT, doc=SANDING, doc_title="三定规定")
        second = book.units.set_functions(unit="区农业农村局", functions=NEW_TEXT, doc="杨编发〔2026〕22号")
        assert book.head().seq == second.seq == first.seq + 1
    assert first.op is Op.UNIT_FUNCTIONS and OP_LABELS[Op.UNIT_FUNCTIONS] == "核定主要职责"
    assert functions_of(book_path, "区农业农村局") == NEW_TEXT
    entry = last_entry(book_path)
    assert (entry["op"], entry["unit_name"], entry["document_number"]) == ("unit.functions", "区农业农村局",
                                                                          "杨编发〔2026〕22号")
    assert entry["before"] == {"functions": TEXT} and entry["after"] == {"functions": NEW_TEXT}
    with Raw(book_path) as raw:
        title = raw.execute("SELECT title FROM documents WHERE number = ?", (SANDING,)).fetchone()[0]
    assert title == "三定规定"


def test_first_text_has_an_empty_before_and_clearing_is_recorded(book_path: Path) -> None:
    with signed_in(book_path) as book:
        book.units.set_functions(unit="区档案馆", functions=TEXT, doc=SANDING)
        assert last_entry(book_path)["before"] == {"functions": ""}
        book.units.set_functions(unit="区档案馆", functions="  \n ", doc=SANDING)
    assert functions_of(book_path, "区档案馆") is None
    assert last_entry(book_path)["before"] == {"functions": TEXT}
    assert last_entry(book_path)["after"] == {"functions": ""}


def test_text_is_normalised_line_by_line(book_path: Path) -> None:
    with signed_in(book_path) as book:
        book.units.set_functions(unit="区档案馆", functions="\r\n\u3000（一）收集档案。 \r\n\r\n\t（二）提供利用。\n",
                                 doc=SANDING)
    assert functions_of(book_path, "区档案馆") == "（一）收集档案。\n（二）提供利用。"


@pytest.mark.parametrize("bad", ["\u202e", "\u2066", "\u200f", "\x00", "\x07", "\x1b[31m", "\ufeff", "\ue000"])
def test_control_and_bidi_characters_are_refused(book_path: Path, bad: str) -> None:
    before = fingerprint(book_path)
    with signed_in(book_path) as book, pytest.raises(InvalidInput) as refused:
        book.units.set_functions(unit="区档案馆", functions=f"（一）收集{bad}档案。", doc=SANDING)
    assert refused.value.field == "functions"
    assert "主要职责第6字处含不可见的控制字符" in refused.value.message
    assert f"U+{ord(bad[0]):04X}" in refused.value.message
    assert fingerprint(book_path) == before


def test_over_long_text_is_refused_and_the_longest_kept(book_path: Path) -> None:
    longest = "职" * FUNCTIONS_MAX
    with signed_in(book_path) as book:
        with pytest.raises(InvalidInput, match=f"主要职责过长\\({FUNCTIONS_MAX + 1}字\\)") as refused:
            book.units.set_functions(unit="区档案馆", functions=longest + "责", doc=SANDING)
        assert refused.value.field == "functions"
        book.units.set_functions(unit="区档案馆", functions=longest, doc=SANDING)
    assert functions_of(book_path, "区档案馆") == longest


def test_refusals_name_their_field_and_change_nothing(book_path: Path) -> None:
    with signed_in(book_path) as book:
        book.units.set_functions(unit="区档案馆", functions=TEXT, doc=SANDING)
        book.units.abolish(unit="区档案馆", doc=SANDING)
        book.units.set_functions(unit="区农业农村局", functions=TEXT, doc=SANDING)
    before = fingerprint(book_path)
    cases = [
        (dict(unit="区档案馆", functions=NEW_TEXT, doc=SANDING), StateRefused, "unit", "已撤销"),
        (dict(unit="区不存在局", functions=NEW_TEXT, doc=SANDING), NotFound, "unit", "未找到单位"),
        (dict(unit="区农业农村局", functions=NEW_TEXT, doc=""), DocumentRequired, "doc", "文件依据"),
    ]
    with signed_in(book_path) as book:
        for kwargs, error, field, words in cases:
            with pytest.raises(error, match=words) as refused:
                book.units.set_functions(**kwargs)  # type: ignore[arg-type]
            assert refused.value.field == field
        with pytest.raises(InvalidInput, match="与现有内容相同") as same:
            book.units.set_functions(unit="区农业农村局", functions=f" {TEXT}\n", doc=SANDING)
        assert same.value.field == "functions"
    assert fingerprint(book_path) == before


def test_unit_added_with_functions_checks_and_records_them(book_path: Path) -> None:
    with signed_in(book_path) as book:
        with pytest.raises(InvalidInput) as refused:
            book.units.add(name="区数据局", category="政府工作部门", rank="正科", doc=DOC, functions="数据\u202e")
        assert refused.value.field == "functions"
        book.units.add(name="区数据局", category="政府工作部门", rank="正科", doc=DOC, functions=f" {TEXT} ")
    assert functions_of(book_path, "区数据局") == TEXT
    assert last_entry(book_path)["after"]["functions"] == TEXT


# ---------------------------------------------------------------- the command line


def test_cli_unit_set_sets_and_the_ledger_shows_it(book_path: Path, region: Cli) -> None:
    out = region.ok("unit", "set", "区农业农村局", "--functions", TEXT, "--doc", SANDING, "--doc-title", "三定规定")
    assert "已核定 区农业农村局 的主要职责" in out
    assert functions_of(book_path, "区农业农村局") == TEXT
    payload = region.json("unit", "set", "区农业农村局", "--functions", NEW_TEXT, "--doc", SANDING,
                          "--on", "2026-01-05")
    assert payload["op"] == "unit.functions" and payload["ok"] is True
    entry = region.json("ledger")["entries"][-1]
    assert (entry["seq"], entry["op"], entry["unit"], entry["doc"]) == (payload["seq"], "unit.functions",
                                                                      "区农业农村局", SANDING)
    stored = last_entry(book_path)
    assert stored["before"] == {"functions": TEXT} and stored["after"] == {"functions": NEW_TEXT}
    assert str(stored["effective_on"]) == "2026-01-05"  # ISO text in a file, a DATE on the server
    assert "核定主要职责\t区农业农村局" in region.ok("ledger")


def test_cli_without_a_document_changes_nothing(book_path: Path, region: Cli) -> None:
    before = fingerprint(book_path)
    code, _out, err = region("unit", "set", "区农业农村局", "--functions", TEXT)
    assert code == 2 and "--doc" in err
    code, _out, err = region("unit", "set", "区农业农村局", "--functions", TEXT, "--doc", " ")
    assert code == 3 and "文件依据" in err
    assert fingerprint(book_path) == before


def test_cli_refuses_bidi_and_control_characters(book_path: Path, region: Cli) -> None:
    before = fingerprint(book_path)
    for bad in ("\u202e", "\u2067", "\x1b"):
        code, _out, err = region("unit", "set", "区农业农村局", "--functions", f"职责{bad}", "--doc", SANDING)
        assert code == 4 and "含不可见的控制字符" in err and f"U+{ord(bad):04X}" in err
    assert fingerprint(book_path) == before


def test_cli_refuses_an_abolished_or_unknown_unit(book_path: Path, region: Cli) -> None:
    region.ok("unit", "abolish", "区档案馆", "--doc", SANDING)
    before = fingerprint(book_path)
    code, _out, err = region("unit", "set", "区档案馆", "--functions", TEXT, "--doc", SANDING)
    assert code == 3 and "已撤销" in err
    code, _out, err = region("unit", "set", "区不存在局", "--functions", TEXT, "--doc", SANDING)
    assert code == 5 and "未找到单位" in err
    assert fingerprint(book_path) == before


def test_printed_ledger_shows_the_change_in_words(book_path: Path, region: Cli, tmp_path: Path) -> None:
    import pdfplumber

    region.ok("unit", "set", "区农业农村局", "--functions", "职" * 3000, "--doc", SANDING)
    pdf = tmp_path / "台账.pdf"
    region.ok("report", "ledger", "-o", str(pdf))
    with pdfplumber.open(pdf) as document:
        text = "".join((page.extract_text() or "") for page in document.pages).replace("\n", "")
    assert "核定主要职责" in text and "(共3000字)" in text
