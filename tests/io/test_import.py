"""bianzhi_app.io.importer through the CLI: regular and initial imports, every problem with its row and
column, all-or-nothing, dry run, --skip-invalid, cancel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, fingerprint, person_id, signed_in
from test_workbook import make_id, new_book, put, save

from bianzhi_app.errors import Cancelled
from bianzhi_app.io.importer import import_workbook

UNIT_HEAD = ["单位名称", "上级单位", "机构类别", "机构规格", "经费形式", "行政编制核定数", "事业编制核定数",
             "正职职数", "副职职数"]
PERSON_HEAD = ["姓名", "身份证号", "所在单位", "编制类型", "领导职务", "入编时间"]
DOC2 = "杨编发〔2026〕9号"


def workbook(tmp_path: Path, units: list[list[object]], people: list[list[object]], name: str = "in.xlsx",
             pool: list[list[object]] | None = None, approvals: list[list[object]] | None = None) -> Path:
    wb, ws = new_book()
    ws.title = "单位"
    put(ws, 1, UNIT_HEAD)
    for row, values in enumerate(units, start=2):
        put(ws, row, values)
    ps = wb.create_sheet("人员")
    put(ps, 1, ["人员名单"])  # a title row: data start at row 3
    put(ps, 2, PERSON_HEAD)
    for row, values in enumerate(people, start=3):
        put(ps, row, values)
    if pool is not None:
        sheet = wb.create_sheet("编制总额")
        put(sheet, 1, ["行政区域", "行政区划代码", "编制类型", "编制总额"])
        for row, values in enumerate(pool, start=2):
            put(sheet, row, values)
    if approvals is not None:
        sheet = wb.create_sheet("用编核准")
        put(sheet, 1, ["核准编号", "单位名称", "编制类型", "核准数", "已使用", "补充方式", "核准日期", "有效期至",
                       "文件依据"])
        for row, values in enumerate(approvals, start=2):
            put(sheet, row, values)
    return save(wb, tmp_path, name)


def run_import(cli: Cli, path: Path, *options: str) -> tuple[int, dict, str]:
    code, out, err = cli("--json", "import", str(path), *options)
    return code, json.loads(out) if out.strip() else {}, err


def problems(payload: dict) -> set[tuple[str, int, str, str]]:
    return {(p["sheet"], p["row"], p["column"], p["value"]) for p in payload["problems"]}


def unit_status(cli: Cli, unit: str) -> dict:
    return cli.json("status", "--unit", unit)["units"][0]


# ---------------------------------------------------------------- regular imports


def test_regular_import_updates_quotas_adds_units_and_enters_persons(region: Cli, tmp_path: Path) -> None:
    cli = region
    cli.ok("approval", "add", "区农业农村局", "xz", "2", "--method", "公开招录", "--doc", DOC)
    path = workbook(tmp_path, [
        ["区农业农村局", None, "政府工作部门", "正科", "全额拨款", 14, None, 1, 2],
        ["区农业技术推广中心", "区农业农村局", "事业单位", "正股", "差额", None, 10, 1, None],
    ], [
        ["张三", person_id(1), "区农业农村局", "行政编制", "正职", None],
        ["李四", person_id(2), "区农业农村局", "行政", None, None],
    ])
    code, payload, err = run_import(cli, path, "--doc", DOC2)
    assert code == 0, err
    assert payload["problems"] == [] and payload["committed"] is True
    assert payload["imported"] == {"units_added": 1, "quotas_set": 2, "post_limits_set": 3, "functions_set": 0,
                                   "pools_set": 0,
                                   "persons_entered": 2, "posts_appointed": 1, "persons_unchanged": 0,
                                   "approvals_added": 0, "rows_refused": 0}
    office = unit_status(cli, "区农业农村局")
    assert office["quota"]["xz"] == {"approved": 14, "used": 2, "reserved": 0, "vacancy": 12, "overage": 0,
                                     "allowance": 0}
    assert office["posts"]["zz"] == {"limit": 1, "used": 1, "allowance": 0}
    center = unit_status(cli, "区农业技术推广中心")
    assert center["quota"]["sy"]["approved"] == 10 and center["parent_id"] == office["id"]
    roster = cli.json("roster")["persons"]
    assert {(p["name"], p["post"]) for p in roster} == {("张三", "zz"), ("李四", None)}
    docs = {e["doc"] for e in cli.json("ledger")["entries"] if e["op"] in ("quota.set", "unit.add", "posts.set")}
    assert DOC2 in docs

    # The same file again: persons already there are unchanged, nothing needs a document.
    code, payload, err = run_import(cli, workbook(tmp_path, [], [
        ["张三", person_id(1), "区农业农村局", "行政编制", "正职", None]], "again.xlsx"))
    assert code == 0, err
    assert payload["imported"]["persons_unchanged"] == 1 and payload["imported"]["persons_entered"] == 0


def test_unit_changes_without_document_are_refused(region: Cli, tmp_path: Path) -> None:
    path = workbook(tmp_path, [["区农业农村局", None, "政府工作部门", "正科", None, 13]], [])
    before = fingerprint(region.db)
    code, _out, err = region("import", str(path))
    assert code == 3
    assert "--doc" in err and "第2行" in err
    assert fingerprint(region.db) == before


BAD_ID = "110105194912310021"


def book_problems_file(tmp_path: Path) -> Path:
    return workbook(tmp_path, [
        ["区农业农村局", None, "政府工作部门", "正科", None, 12, None, 1, None],   # 2 unchanged
        ["区财政局", None, "政府工作部门", "正科", None, 95, None, None, None],    # 3 pool: 100 - 12 < 95
        ["区统计局", None, None, "正科", None, 2, None, None, None],              # 4 no category
    ], [
        ["甲", person_id(1), "区农业农村局", "行政编制", None, None],            # 3 in the book elsewhere? no: ok
        ["乙", person_id(2), "区教育局", "事业编制", None, None],                # 4 unknown unit
        ["丙", person_id(3), "区农业农村局", "行政编制", None, None],            # 5 ok
        ["丁", BAD_ID, "区农业农村局", "行政编制", None, None],                  # 6 bad ID (reader)
        ["戊", person_id(5), "区财政局", "行政编制", None, None],                # 7 its unit row was refused
        ["己", person_id(6), "区农业农村局", "事业编制", None, None],            # 8 no 事业 quota
        ["庚", person_id(7), "区农业农村局", "行政编制", "正职", None],          # 9 ok, post limit 1
        ["辛", person_id(8), "区农业农村局", "行政编制", "正职", None],          # 10 post limit exceeded
        ["壬", person_id(9), "区农业农村局", "行政编制", None, None],            # 11 already elsewhere (一人一编)
        ["癸", person_id(10), "区农业农村局", "行政编制", None, "2031-01-01"],   # 12 future date
    ])


def prepare_book_problems(cli: Cli) -> None:
    cli.ok("unit", "add", "区水利局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
           "--doc", DOC)
    cli.ok("quota", "set", "区水利局", "sy", "5", "--doc", DOC)
    cli.ok("person", "enter", "区水利局", "sy", "--name", "壬", "--id", person_id(9))
    cli.ok("approval", "add", "区农业农村局", "xz", "6", "--method", "公开招录", "--doc", DOC)


def test_every_problem_has_its_row_and_column_and_nothing_is_imported(region: Cli, tmp_path: Path) -> None:
    cli = region
    prepare_book_problems(cli)
    path = book_problems_file(tmp_path)
    before = fingerprint(cli.db)
    code, payload, err = run_import(cli, path, "--doc", DOC2)
    assert code == 4
    assert "未导入任何数据" in err
    assert fingerprint(cli.db) == before
    assert payload["committed"] is False and payload["imported"]["persons_entered"] == 0
    reasons = {(p["sheet"], p["row"], p["column"]): p["reason"] for p in payload["problems"]}
    assert problems(payload) == {
        ("单位", 3, "F(行政编制核定数)", "95"),
        ("单位", 4, "C(机构类别)", ""),
        ("人员", 4, "C(所在单位)", "区教育局"),
        ("人员", 6, "B(身份证号)", BAD_ID[:6] + "********" + BAD_ID[-4:]),  # a problem report masks the number
        ("人员", 7, "C(所在单位)", "区财政局"),
        ("人员", 8, "D(编制类型)", "事业编制"),
        ("人员", 10, "E(领导职务)", "正职"),
        ("人员", 11, "B(身份证号)", person_id(9)[:6] + "********" + person_id(9)[-4:]),
        ("人员", 12, "F(入编时间)", "2031-01-01"),
    }
    assert "编制总额100名,已分配12名" in reasons[("单位", 3, "F(行政编制核定数)")]
    assert reasons[("单位", 4, "C(机构类别)")] == "新设单位「区统计局」须填写机构类别"
    assert reasons[("人员", 4, "C(所在单位)")] == "所在单位「区教育局」不在单位表和系统中"
    assert "校验位" in reasons[("人员", 6, "B(身份证号)")]
    assert reasons[("人员", 7, "C(所在单位)")] == "所在单位「区财政局」未能导入(见「单位」表第3行)"
    assert "事业编制" in reasons[("人员", 8, "D(编制类型)")]
    assert "职数1名,已配1名" in reasons[("人员", 10, "E(领导职务)")]
    assert "一人一编" in reasons[("人员", 11, "B(身份证号)")] and "区水利局" in reasons[("人员", 11, "B(身份证号)")]
    assert "晚于今天" in reasons[("人员", 12, "F(入编时间)")]
    rows = [(p["sheet"], p["row"]) for p in payload["problems"]]
    assert rows == sorted(rows, key=lambda r: (r[0] != "单位", r[1]))

    # The same through the table on stderr.
    code, _out, err = cli("import", str(path), "--doc", DOC2)
    assert code == 4
    assert "人员\t11\tB(身份证号)\t" + person_id(9)[:6] + "********" + person_id(9)[-4:] in err
    assert person_id(9) not in err and BAD_ID not in err  # never a full number in a problem report


def test_missing_approval_and_full_quota(region: Cli, tmp_path: Path) -> None:
    cli = region
    path = workbook(tmp_path, [], [["甲", person_id(1), "区农业农村局", "行政编制", None, None]])
    code, payload, _err = run_import(cli, path)
    assert code == 4
    [problem] = payload["problems"]
    assert (problem["row"], problem["column"]) == (3, "D(编制类型)")
    assert "没有有效的用编核准" in problem["reason"] and "先核准后进人" in problem["reason"]
    cli.ok("approval", "add", "区农业农村局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    path = workbook(tmp_path, [], [["甲", person_id(1), "区农业农村局", "行政编制", None, None],
                                   ["乙", person_id(2), "区农业农村局", "行政编制", None, None]], "two.xlsx")
    code, payload, _err = run_import(cli, path)
    assert code == 4
    assert [(p["row"], p["column"]) for p in payload["problems"]] == [(4, "D(编制类型)")]


def test_dry_run_reports_and_changes_nothing(region: Cli, tmp_path: Path) -> None:
    cli = region
    prepare_book_problems(cli)
    before = fingerprint(cli.db)
    code, payload, _err = run_import(cli, book_problems_file(tmp_path), "--dry-run", "--doc", DOC2)
    assert code == 4 and len(payload["problems"]) == 9 and payload["dry_run"] is True
    assert fingerprint(cli.db) == before
    good = workbook(tmp_path, [["区农业农村局", None, "政府工作部门", "正科", None, 13]],
                    [["甲", person_id(1), "区农业农村局", "行政编制", None, None]], "good.xlsx")
    code, payload, err = run_import(cli, good, "--dry-run", "--doc", DOC2)
    assert code == 0, err
    assert payload["imported"]["persons_entered"] == 1 and payload["imported"]["quotas_set"] == 1
    assert payload["committed"] is False
    assert fingerprint(cli.db) == before


def test_skip_invalid_imports_the_valid_rows(region: Cli, tmp_path: Path) -> None:
    cli = region
    prepare_book_problems(cli)
    code, payload, err = run_import(cli, book_problems_file(tmp_path), "--skip-invalid", "--doc", DOC2)
    assert code == 0, err
    assert payload["committed"] is True and len(payload["problems"]) == 9
    assert "人员\t11\tB(身份证号)" in err
    names = {p["name"] for p in cli.json("roster", "--unit", "区农业农村局")["persons"]}
    assert names == {"甲", "丙", "庚", "辛"}  # 辛 entered, but not appointed
    assert payload["imported"]["units_added"] == 0 and payload["imported"]["persons_entered"] == 4
    assert cli.json("status", "--unit", "区农业农村局")["units"][0]["posts"]["zz"]["used"] == 1
    assert "区统计局" not in {u["name"] for u in cli.json("status")["units"]}
    assert cli.ok("check")


# ---------------------------------------------------------------- initial imports


def initial_file(tmp_path: Path, pool: list[list[object]] | None = None,
                 approvals: list[list[object]] | None = None) -> Path:
    return workbook(tmp_path, [
        ["区委办公室", None, "党委工作机关", "正科", "全额拨款", 2, None, 1, None],
        ["区档案馆", "区委办公室", "事业单位", "副科", "全额拨款", None, 3, None, None],
    ], [
        ["甲", person_id(1), "区委办公室", "行政编制", "正职", "2015-03-01"],
        ["乙", person_id(2), "区委办公室", "行政编制", "正职", "2016-03-01"],   # 2 holders, limit 1
        ["丙", person_id(3), "区委办公室", "行政编制", None, "2017-03-01"],     # 3 persons, quota 2
        ["丁", make_id("19800101", "44"), "区档案馆", "事业编制", None, None],
    ], "县里的数据.xlsx", pool, approvals)


def test_initial_import_states_the_existing_establishment(region: Cli, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "empty.db", region.capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    code, payload, err = run_import(cli, initial_file(tmp_path), "--initial")
    assert code == 0, err
    assert payload["document"] == "初始导入:县里的数据.xlsx"
    office = unit_status(cli, "区委办公室")
    assert office["quota"]["xz"] == {"approved": 2, "used": 3, "reserved": 0, "vacancy": 0, "overage": 1,
                                     "allowance": 1}
    assert office["posts"]["zz"] == {"limit": 1, "used": 2, "allowance": 1}
    pool = cli.json("status")["pool"]
    assert pool["xz"] == {"total": 2, "allocated": 2, "unallocated": 0}
    assert pool["sy"]["total"] == 3
    roster = {p["name"]: p for p in cli.json("roster")["persons"]}
    assert roster["甲"]["entered_on"] == "2015-03-01" and roster["甲"]["post"] == "zz"
    entries = cli.json("ledger")["entries"]
    assert {e["doc"] for e in entries if e["op"] != "person.enter" and e["op"] != "person.appoint"
            and e["op"] != "region.init"} == {"初始导入:县里的数据.xlsx"}
    code, _out, err = cli("person", "enter", "区委办公室", "xz", "--name", "新", "--id", person_id(20))
    assert code == 3  # 只出不进
    assert cli.ok("check")


def test_initial_import_creates_the_region_from_the_pool_sheet(region: Cli, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "new.db", region.capsys)
    path = initial_file(tmp_path, pool=[["杨陵区", "610403", "行政编制", 10], [None, None, "事业编制", 3]])
    code, payload, err = run_import(cli, path, "--initial", "--doc", DOC2)
    assert code == 0, err
    status = cli.json("status")
    assert status["region"] == {"name": "杨陵区", "code": "610403"}
    assert status["pool"]["xz"]["total"] == 10 and status["pool"]["sy"]["total"] == 3
    assert payload["document"] == DOC2


def test_initial_import_re_creates_open_approvals_and_reports_bad_rows(region: Cli, tmp_path: Path) -> None:
    path = initial_file(tmp_path, approvals=[
        ["2026-0007", "区档案馆", "事业编制", 2, 1, "公开招聘", "2026-03-01", "2027-02-28", "杨编发〔2026〕5号"],
        ["2026-0008", "区委办公室", "行政编制", 1, 0, "调任", "2026-03-02", None, None],   # no vacancy (rule 1)
        ["2026-0009", "区水务局", "行政编制", 1, 0, "调任", "2026-03-02", None, None],     # unknown unit
        ["2026-0007", "区档案馆", "事业编制", 1, 0, "调任", "2026-03-02", None, None],     # duplicate number
        ["2026-0010", "区档案馆", "事业编制", 1, 0, "调任", "2026-13-45", None, None],     # bad date
        ["26-1", "区档案馆", "事业编制", 1, 0, "调任", "2026-03-02", None, None],          # bad number
        ["2026-0011", "区档案馆", "事业编制", 1, 0, "抽签", "2026-03-02", None, None],     # unknown method
        ["2026-0012", "区档案馆", "事业编制", 1, 3, "调任", "2026-03-02", None, None],     # used > count
    ])
    cli = Cli(tmp_path / "empty.db", region.capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    before = fingerprint(cli.db)
    code, payload, _err = run_import(cli, path, "--initial")
    assert code == 4 and payload["committed"] is False
    assert [(p["sheet"], p["row"], p["column"], p["value"]) for p in payload["problems"]] == [
        ("用编核准", 3, "D(核准数)", "1"),
        ("用编核准", 4, "B(单位名称)", "区水务局"),
        ("用编核准", 5, "A(核准编号)", "2026-0007"),
        ("用编核准", 6, "G(核准日期)", "2026-13-45"),
        ("用编核准", 7, "A(核准编号)", "26-1"),
        ("用编核准", 8, "F(补充方式)", "抽签"),
        ("用编核准", 9, "E(已使用)", "3"),
    ]
    reasons = [p["reason"] for p in payload["problems"]]
    assert "不能核准1名用编" in reasons[0] and "区水务局" in reasons[1] and "重复" in reasons[2]
    assert fingerprint(cli.db) == before
    code, payload, err = run_import(cli, path, "--initial", "--skip-invalid")
    assert code == 0, err
    assert payload["imported"]["approvals_added"] == 1 and payload["imported"]["rows_refused"] == 4
    archive = unit_status(cli, "区档案馆")
    assert archive["quota"]["sy"]["reserved"] == 1 and archive["quota"]["sy"]["used"] == 1
    [approval] = cli.json("approval", "list")["approvals"]
    assert {k: approval[k] for k in ("number", "unit", "kind", "count", "used", "remaining", "method", "issued_on",
                                     "valid_until")} == {
        "number": "2026-0007", "unit": "区档案馆", "kind": "sy", "count": 1, "used": 0, "remaining": 1,
        "method": "公开招聘", "issued_on": "2026-03-01", "valid_until": "2027-02-28"}
    number = cli.json("approval", "add", "区档案馆", "sy", "1", "--method", "调任", "--doc", DOC)["number"]
    year = dt.date.today().year
    assert number == (f"{year}-0008" if year == 2026 else f"{year}-0001")  # numbering goes on after the kept one
    entries = [e for e in cli.json("ledger")["entries"] if e["op"] == "approval.add"]
    assert [(e["doc"], e["effective_on"], e["detail"]["number"]) for e in entries] == [
        ("杨编发〔2026〕5号", "2026-03-01", "2026-0007"), (DOC, dt.date.today().isoformat(), number)]
    assert cli.ok("check")


def test_regular_import_ignores_the_approval_sheet(region: Cli, tmp_path: Path) -> None:
    path = workbook(tmp_path, [], [["甲", person_id(1), "区农业农村局", "行政编制", None, None]],
                    approvals=[["bad", "区水务局", "行政编制", "x", None, None, None, None, None]])
    region.ok("approval", "add", "区农业农村局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    code, payload, err = run_import(region, path)
    assert code == 0, err
    assert payload["problems"] == [] and payload["imported"]["approvals_added"] == 0
    assert payload["imported"]["persons_entered"] == 1


def test_initial_import_refusals(region: Cli, tmp_path: Path) -> None:
    path = initial_file(tmp_path)
    before = fingerprint(region.db)
    code, _out, err = region("import", str(path), "--initial")
    assert code == 3 and "空台账" in err
    assert fingerprint(region.db) == before
    cli = Cli(tmp_path / "none.db", region.capsys)
    code, _out, err = cli("import", str(path), "--initial")
    assert code == 3 and "init" in err
    cli = Cli(tmp_path / "small.db", region.capsys)
    path = initial_file(tmp_path, pool=[["杨陵区", "610403", "行政编制", 1]])
    code, payload, _err = run_import(cli, path, "--initial")
    assert code == 4
    assert [(p["sheet"], p["row"], p["column"]) for p in payload["problems"]] == [("编制总额", 2, "D(编制总额)")]
    assert "已分配2名" in payload["problems"][0]["reason"]


def test_cancel_leaves_the_book_unchanged(region: Cli, tmp_path: Path) -> None:
    cli = region
    cli.ok("approval", "add", "区农业农村局", "xz", "2", "--method", "公开招录", "--doc", DOC)
    path = workbook(tmp_path, [], [["甲", person_id(1), "区农业农村局", "行政编制", None, None]])
    before = fingerprint(cli.db)
    stages: list[str] = []
    with signed_in(cli.db) as book, pytest.raises(Cancelled):
        import_workbook(book, path, progress=lambda d, t, s: stages.append(s), cancel=lambda: "登记人员" in stages)
    assert fingerprint(cli.db) == before
    with signed_in(cli.db) as book:
        result = import_workbook(book, path, progress=lambda d, t, s: stages.append(s))
    assert result.committed and "读取文件" in stages and "登记人员" in stages
