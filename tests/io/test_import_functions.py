"""A 主要职责 column in the 单位 sheet (issue 12, item 26): new units take it, units in the book have it set
(with the import's document), a control character is a problem of its cell, and export writes it back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
from bookhelpers import DOC, Cli, fingerprint
from test_workbook import new_book, put, save

from bianzhi_app.io.layout import UNIT_FUNCTIONS
from bianzhi_app.io.workbook import read_workbook

HEAD = ["单位名称", "机构类别", "机构规格", "经费形式", "行政编制核定数", "事业编制核定数", "主要职责"]
DOC2 = "杨编发〔2026〕9号"
OFFICE = "（一）贯彻执行农业农村工作方针政策。\n（二）统筹实施乡村振兴战略。"
CENTER = "（一）承担农业技术推广工作。"


def workbook(tmp_path: Path, units: list[list[object]], name: str = "in.xlsx") -> Path:
    wb, ws = new_book()
    ws.title = "单位"
    put(ws, 1, HEAD)
    for row, values in enumerate(units, start=2):
        put(ws, row, values)
    return save(wb, tmp_path, name)


def run_import(cli: Cli, path: Path, *options: str) -> tuple[int, dict, str]:
    code, out, err = cli("--json", "import", str(path), *options)
    return code, json.loads(out) if out.strip() else {}, err


def functions(path: Path) -> dict[str, str | None]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, functions FROM units"))
    finally:
        conn.close()


def test_the_column_is_recognised_under_its_usual_names(tmp_path: Path) -> None:
    for header in ("主要职责", "主要职能", "职责", "机构职责"):
        wb, ws = new_book()
        ws.title = "单位"
        put(ws, 1, ["单位名称", "行政编制核定数", header])
        put(ws, 2, ["区财政局", 3, " 负责全区财政工作。 "])
        parsed = read_workbook(save(wb, tmp_path, f"{header}.xlsx"))
        assert parsed.columns["单位"]["functions"] == f"C({header})" and parsed.problems == []
        assert parsed.units[0].functions == "负责全区财政工作。"


def test_import_adds_and_sets_functions_with_the_document(region: Cli, db_path: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path, [
        ["区农业农村局", "政府工作部门", "正科", "全额拨款", 12, None, OFFICE],
        ["区农业技术推广中心", "事业单位", "正股", "全额拨款", None, 5, CENTER],
    ])
    code, payload, err = run_import(region, path, "--doc", DOC2)
    assert code == 0, err
    assert payload["imported"]["functions_set"] == 1 and payload["imported"]["units_added"] == 1
    assert functions(db_path) == {"区农业农村局": OFFICE, "区农业技术推广中心": CENTER}
    entries = [e for e in region.json("ledger")["entries"] if e["op"] == "unit.functions"]
    assert [(e["unit"], e["doc"]) for e in entries] == [("区农业农村局", DOC2)]
    # the same workbook again: nothing to change, no entry
    code, payload, err = run_import(region, path, "--doc", DOC2)
    assert code == 0 and payload["imported"]["functions_set"] == 0, err
    assert len([e for e in region.json("ledger")["entries"] if e["op"] == "unit.functions"]) == 1


def test_a_changed_text_needs_a_document(region: Cli, db_path: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path, [["区农业农村局", None, None, None, 12, None, OFFICE]])
    before = fingerprint(db_path)
    code, _payload, err = run_import(region, path)
    assert code == 3 and "主要职责" in err and "--doc" in err
    assert fingerprint(db_path) == before


def test_a_blank_cell_leaves_the_text(region: Cli, db_path: Path, tmp_path: Path) -> None:
    region.ok("unit", "set", "区农业农村局", "--functions", OFFICE, "--doc", DOC)
    path = workbook(tmp_path, [["区农业农村局", None, None, None, 13, None, None]])
    code, payload, err = run_import(region, path, "--doc", DOC2)
    assert code == 0 and payload["imported"]["quotas_set"] == 1 and payload["imported"]["functions_set"] == 0, err
    assert functions(db_path)["区农业农村局"] == OFFICE


def test_a_control_character_is_a_problem_of_its_cell(region: Cli, db_path: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path, [["区农业农村局", None, None, None, 12, None, "负责\u202e农业"]])
    before = fingerprint(db_path)
    code, payload, _err = run_import(region, path, "--doc", DOC2)
    assert code == 4
    [problem] = payload["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("单位", 2, "G(主要职责)")
    assert "U+202E" in problem["reason"]
    assert fingerprint(db_path) == before


def test_initial_import_and_export_carry_the_text(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    path = workbook(tmp_path, [
        ["区农业农村局", "政府工作部门", "正科", "全额拨款", 12, None, OFFICE],
        ["区档案馆", "事业单位", "正股", "全额拨款", None, 3, None],
    ])
    code, _payload, err = run_import(cli, path, "--initial")
    assert code == 0, err
    assert functions(cli.db) == {"区农业农村局": OFFICE, "区档案馆": None}
    established = [e for e in cli.json("ledger")["entries"] if e["op"] == "unit.establish"]
    assert len(established) == 2
    exported = tmp_path / "out.xlsx"
    cli.ok("export", str(exported))
    sheet = openpyxl.load_workbook(exported)["单位"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "单位名称")
    column = header.index(UNIT_FUNCTIONS)
    assert column == len(header) - 1  # after the figures
    texts = {r[0]: r[column] for r in rows[rows.index(header) + 1:]}
    assert texts == {"区农业农村局": OFFICE, "区档案馆": None}
    assert {u.name: u.functions for u in read_workbook(exported).units} == texts  # re-imports as it is
