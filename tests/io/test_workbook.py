"""bianzhi_app.io: reading units and persons from real .xlsx workbooks (built with openpyxl) and
from a legacy .xls (BIFF8 written by a small writer below, as no .xls writer is installed)."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bianzhi_app import errors
from bianzhi_app.idcodes import id_check_digit, id_from_15, uscc_check_char
from bianzhi_app.io import values
from bianzhi_app.io.values import PRECISION_LOST, CellError
from bianzhi_app.io.workbook import (
    Cancelled,
    ParsedWorkbook,
    PersonRow,
    Problem,
    UnitRow,
    read_workbook,
    unknown_units,
)

D = dt.date
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def masked(id_number: str) -> str:
    """A problem report repeats an ID number only masked."""
    return id_number[:6].upper() + "********" + id_number[-4:].upper()


def make_id(birth: str, seq: str = "12", male: bool = True, region: str = "610403") -> str:
    first17 = region + birth + seq + ("1" if male else "2")
    return first17 + id_check_digit(first17)


def make_uscc(first17: str = "11610403MB1234567") -> str:
    return first17 + uscc_check_char(first17)


def save(wb: openpyxl.Workbook, tmp_path: Path, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


def new_book() -> tuple[openpyxl.Workbook, Worksheet]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    return wb, ws


def put(ws: Worksheet, row: int, values_: Sequence[object], col: int = 1) -> None:
    for offset, value in enumerate(values_):
        if value is not None:
            ws.cell(row=row, column=col + offset, value=value)


def problems_of(parsed: ParsedWorkbook, sheet: str, row: int) -> list[Problem]:
    return [p for p in parsed.problems if p.sheet == sheet and p.row == row]


# ---------------------------------------------------------------- the happy path of a real-looking file

USCC = make_uscc()


def county_book(tmp_path: Path) -> Path:
    wb, notes = new_book()
    notes.title = "填表说明"
    put(notes, 1, ["本表用于导入机构编制数据"])
    put(notes, 2, ["1. 身份证号一列请设为文本格式"])

    units = wb.create_sheet("单位")
    put(units, 1, ["XX区机构编制情况表(2026年)"])
    units.merge_cells("A1:R1")
    put(units, 2, ["单位:XX区委编办    填报日期:2026年1月5日"])
    units.merge_cells("A2:R2")
    put(units, 3, ["序号", "单位 名称", "机构类别", "机构规格", "经费形式", "主管部门", "统一社会信用代码",
                   "核定编制(名)", None, None, None, None, "领导职数", None, None, None, "实有人数"])
    put(units, 4, ["行政", "政法", "事业", "工勤", "合计", "正职", "副职", "内设机构正职", "内设机构副职",
                   "行政", "事业"], col=8)
    for col in "ABCDEFG":
        units.merge_cells(f"{col}3:{col}4")
    units.merge_cells("H3:L3")
    units.merge_cells("M3:P3")
    units.merge_cells("Q3:R3")
    put(units, 5, list(range(1, 19)))  # the column-number line some forms carry
    put(units, 6, [1, "区委办公室", "党委部门", "正科级", "全额", None, USCC.lower(), "８", None, None, 2, 10,
                   1, 3, 2, 2, 7, None])
    # row 7 left blank
    put(units, 8, [2, "区人民法院", "法院", "正科", "全额拨款", None, None, None, 45, None, 3, 48,
                   1, 4, None, None, None, None])
    put(units, 9, ["小 计", None, None, None, None, None, None, 8, 45, 0, 5, 58])
    put(units, 10, [3, " 区农业技术推广中心 ", "事业", "股级", "差额", "区农业农村局", None, "-", None, "12",
                    None, 12, None, None, None, None, None, 11])
    put(units, 11, [4, "区农业农村局", "政府部门", "正科", "全额", None, None, 12.0, None, None, 1, 13,
                    1, 3, None, None, 12, None])
    put(units, 12, ["合计", None, None, None, None, None, None, 20, 45, 12, 6, 83])
    put(units, 13, ["序号", "单位名称", "机构类别"])  # a header line repeated further down
    put(units, 14, ["填表人:李四    审核人:王五"])

    persons = wb.create_sheet("人员花名册")
    put(persons, 1, ["XX区机关事业单位实名制人员花名册"])
    persons.merge_cells("A1:I1")
    put(persons, 2, ["(截至2026年1月5日)"])
    persons.merge_cells("A2:I2")
    put(persons, 3, ["入编日期", "编制类别", "身份证件号码", "姓\u3000名", "性 别", "所在单位", "出生年月",
                     "领导职务", "序号"])
    put(persons, 4, [46027, "行政编制", "11010519491231002x", "𠮷光明", "女", "区委办公室", "1949.12", "正职",
                     1])
    put(persons, 5, [dt.datetime(2010, 9, 1), "事业", "440524800101001", "王堃", "男", "区农业技术推广中心",
                     "1980-01-01", None, 2])
    full_width_id = " " + make_id("19850312", "34", male=False).translate(FW) + " "
    put(persons, 6, ["2026/1/5", "工勤", full_width_id, "李 娜", None, "区委办公室", None, "无", 3])
    put(persons, 7, ["2026.1.5", "政法专项", 610403850312123, "赵六", "男", "区人民法院", D(1985, 3, 12),
                     "副职", 4])
    put(persons, 8, ["2026年1月5日", "政法", make_id("19900101", "01"), "钱七", None, "区人民法院", None,
                     "内设正职", 5])
    put(persons, 9, ["20260105", "xz", make_id("19910101", "02"), "孙八", None, "区农业农村局", None,
                     "内设机构副职", 6])
    put(persons, 10, [20260105, "行政编", make_id("19920101", "03"), "周九", None, "区农业农村局", None, None,
                      7])
    # row 11 blank except the sequence number; row 13 a subtotal, row 14 the header again
    put(persons, 11, [None, None, None, None, None, None, None, None, 8])
    put(persons, 12, ["2026-01-05", "事业编制", make_id("19930101", "04", male=False), "Mary  Smith", "女",
                      "区农业技术推广中心", "1993年1月", None, 9])
    put(persons, 13, [None, None, None, "合　计:9人"])
    put(persons, 14, ["入编日期", "编制类别", "身份证件号码", "姓名"])
    return save(wb, tmp_path, "county.xlsx")


def test_units_sheet_with_title_rows_two_row_header_and_subtotals(tmp_path: Path) -> None:
    parsed = read_workbook(county_book(tmp_path))
    assert parsed.problems == []
    assert parsed.unit_sheets == ["单位"]
    assert parsed.person_sheets == ["人员花名册"]
    assert parsed.ignored_sheets == ["填表说明"]
    assert parsed.units == [
        UnitRow("单位", 6, "区委办公室", "党委工作机关", "正科", "全额拨款", None, USCC,
                quotas={"xz": 8, "gq": 2}, post_limits={"zz": 1, "fz": 3, "nz": 2, "nf": 2}, used={"xz": 7}),
        UnitRow("单位", 8, "区人民法院", "审判机关", "正科", "全额拨款", None, None,
                quotas={"zf": 45, "gq": 3}, post_limits={"zz": 1, "fz": 4}, used={}),
        UnitRow("单位", 10, "区农业技术推广中心", "事业单位", "正股", "差额拨款", "区农业农村局", None,
                quotas={"sy": 12}, post_limits={}, used={"sy": 11}),
        UnitRow("单位", 11, "区农业农村局", "政府工作部门", "正科", "全额拨款", None, None,
                quotas={"xz": 12, "gq": 1}, post_limits={"zz": 1, "fz": 3}, used={"xz": 12}),
    ]
    assert parsed.columns["单位"]["quota:xz"] == "H(核定编制/行政)"
    assert parsed.columns["单位"]["limit:nz"] == "O(领导职数/内设机构正职)"
    assert parsed.columns["单位"]["used:sy"] == "R(实有人数/事业)"
    assert parsed.columns["单位"]["unit"] == "B(单位名称)"
    assert "quota:合计" not in parsed.columns["单位"]


def test_persons_sheet_synonyms_shuffled_columns_dates_and_id_forms(tmp_path: Path) -> None:
    parsed = read_workbook(county_book(tmp_path))
    sheet = "人员花名册"
    jan5 = D(2026, 1, 5)
    assert parsed.persons == [
        PersonRow(sheet, 4, "𠮷光明", "11010519491231002X", "女", D(1949, 12, 31), "区委办公室", "xz", "zz",
                  jan5),
        PersonRow(sheet, 5, "王堃", id_from_15("440524800101001"), "男", D(1980, 1, 1), "区农业技术推广中心",
                  "sy", None, D(2010, 9, 1)),
        PersonRow(sheet, 6, "李娜", make_id("19850312", "34", male=False), "女", D(1985, 3, 12), "区委办公室",
                  "gq", None, jan5),
        PersonRow(sheet, 7, "赵六", id_from_15("610403850312123"), "男", D(1985, 3, 12), "区人民法院", "zf",
                  "fz", jan5),
        PersonRow(sheet, 8, "钱七", make_id("19900101", "01"), "男", D(1990, 1, 1), "区人民法院", "zf", "nz",
                  jan5),
        PersonRow(sheet, 9, "孙八", make_id("19910101", "02"), "男", D(1991, 1, 1), "区农业农村局", "xz",
                  "nf", jan5),
        PersonRow(sheet, 10, "周九", make_id("19920101", "03"), "男", D(1992, 1, 1), "区农业农村局", "xz",
                  None, jan5),
        PersonRow(sheet, 12, "Mary Smith", make_id("19930101", "04", male=False), "女", D(1993, 1, 1),
                  "区农业技术推广中心", "sy", None, jan5),
    ]
    assert id_from_15("440524800101001") == "440524198001010013"
    assert parsed.columns[sheet] == {
        "entered": "A(入编日期)", "kind": "B(编制类别)", "id": "C(身份证件号码)", "name": "D(姓名)",
        "gender": "E(性别)", "unit": "F(所在单位)", "birth": "G(出生年月)", "post": "H(领导职务)",
    }
    assert unknown_units(parsed, set()) == []


# ---------------------------------------------------------------- problems, each with sheet / row / column

BAD_BIRTH_17 = "11010519490231001"
BAD_BIRTH_ID = BAD_BIRTH_17 + id_check_digit(BAD_BIRTH_17)
ZHANG = make_id("19850312", "11")


def problem_book(tmp_path: Path) -> Path:
    wb, units = new_book()
    units.title = "单位"
    put(units, 1, ["单位名称", "机构类别", "机构规格", "经费形式", "统一社会信用代码", "核定行政编制数",
                   "事业编制", "正职职数", "副职职数", "实有行政编制人数"])
    put(units, 2, ["区财政局", "政府工作部门", "正科", "全额拨款", None, 3.5, None, 1, 2, 3])
    put(units, 3, ["区审计局", "政府工作部门", "正科", "全额拨款", None, -2, None, 1, 1, None])
    put(units, 4, ["区统计局", "委员会", "正科", "全额拨款", None, 5, "三", 1, 1, None])
    put(units, 5, ["区财政局", "政府工作部门", "正科", "全额拨款", None, 9, None, None, None, None])
    put(units, 6, [None, "政府工作部门", "正科", "全额拨款", None, 9, None, None, None, None])
    put(units, 7, ["区信访局", "政府工作部门", "处级", "全额", "91610403MA6X0Y1234", 4, None, "1.5", -1,
                   None])

    people = wb.create_sheet("人员")
    header = ["姓名", "身份证号", "性别", "出生日期", "所在单位", "编制类型", "职务", "入编时间"]
    put(people, 1, header)
    rows: list[list[object]] = [
        ["张三", ZHANG, "男", "1985-03-12", "区财政局", "行政编制", None, "2020-01-01"],  # 2 ok
        ["李四", "110105194912310021", None, None, "区财政局", "行政编制", None, None],  # 3
        ["王五", BAD_BIRTH_ID, None, None, "区财政局", "行政编制", None, None],  # 4
        ["张三丰", ZHANG.lower(), None, None, "区审计局", "行政编制", None, None],  # 5 duplicate
        ["赵六", make_id("19860101", "21"), None, None, "区财政局", "合同制", None, None],  # 6
        ["钱七", make_id("19860101", "22"), None, None, "区财政局", "行政编制", "局长", None],  # 7
        [None, make_id("19860101", "23"), None, None, "区财政局", "行政编制", None, None],  # 8
        ["孙八", None, None, None, "区财政局", "行政编制", None, None],  # 9
        ["周九", make_id("19860101", "24"), None, None, None, "行政编制", None, None],  # 10
        ["吴十", make_id("19860101", "25"), None, None, "区财政局", None, None, None],  # 11
        ["郑一", make_id("19850312", "26"), None, "1985-03-13", "区财政局", "事业编制", None, None],  # 12
        ["冯二", make_id("19850312", "27"), "女", "1985-03", "区财政局", "事业编制", None, None],  # 13
        ["陈三", 1.10105194912310e17, None, None, "区财政局", "行政编制", None, None],  # 14
        ["褚四", None, None, None, "区财政局", "行政编制", None, None],  # 15 (its number below)
        ["卫五", make_id("19490301", "28"), None, "19490231", "区财政局", "行政编制", None, "去年"],  # 16
        ["蒋六", make_id("19870101", "29"), "未知", "1987-01", "区教育局", "事业编制", None, 1987.1],  # 17
    ]
    for index, row in enumerate(rows, start=2):
        put(people, index, row)
    # An 18-digit number that a double holds exactly and whose check digit is valid: still refused.
    first17s = (f"61040319880101{n:03d}" for n in range(1000))
    candidates = (f + id_check_digit(f) for f in first17s)
    exact = next(int(i) for i in candidates if i[-1] != "X" and float(int(i)) == int(i))
    people.cell(row=15, column=2, value=exact)

    more = wb.create_sheet("人员(二)")
    put(more, 1, header)
    put(more, 2, ["张三", ZHANG, "男", None, "区财政局", "行政编制", None, None])
    return save(wb, tmp_path)


def test_row_problems_name_sheet_row_column_and_reason(tmp_path: Path) -> None:
    parsed = read_workbook(problem_book(tmp_path))
    got = {(p.sheet, p.row, p.column, p.value, p.reason) for p in parsed.problems}
    expected = {
        ("单位", 2, "F(核定行政编制数)", "3.5", "编制数应为整数"),
        ("单位", 3, "F(核定行政编制数)", "-2", "编制数不能为负数"),
        ("单位", 4, "B(机构类别)", "委员会",
         "机构类别「委员会」无法识别,应为" + "、".join(values.CATEGORIES)),
        ("单位", 4, "G(事业编制)", "三", "编制数应为整数"),
        ("单位", 5, "A(单位名称)", "区财政局", "单位名称与第2行重复"),
        ("单位", 6, "A(单位名称)", "", "单位名称不能为空"),
        ("单位", 7, "C(机构规格)", "处级", "机构规格「处级」无法识别,应为" + "、".join(values.RANKS)),
        ("单位", 7, "E(统一社会信用代码)", "91610403MA6X0Y1234",
         "统一社会信用代码校验位错误(应为" + make_uscc("91610403MA6X0Y123")[-1] + ",实为4)"),
        ("单位", 7, "H(正职职数)", "1.5", "领导职数应为整数"),
        ("单位", 7, "I(副职职数)", "-1", "领导职数不能为负数"),
        ("人员", 3, "B(身份证号)", masked("110105194912310021"), "身份证号校验位错误(应为X,实为1)"),
        ("人员", 4, "B(身份证号)", masked(BAD_BIRTH_ID), "身份证号中的出生日期19490231不存在"),
        ("人员", 5, "B(身份证号)", masked(ZHANG), "身份证号与第2行(张三)重复"),
        ("人员", 6, "F(编制类型)", "合同制",
         "编制类型「合同制」无法识别,应为行政编制、政法专项编制、事业编制、机关工勤编制"),
        ("人员", 7, "G(职务)", "局长",
         "领导职务「局长」无法识别,应为正职、副职、内设机构正职、内设机构副职"),
        ("人员", 8, "A(姓名)", "", "姓名不能为空"),
        ("人员", 9, "B(身份证号)", "", "身份证号不能为空"),
        ("人员", 10, "E(所在单位)", "", "所在单位不能为空"),
        ("人员", 11, "F(编制类型)", "", "编制类型不能为空"),
        ("人员", 12, "D(出生日期)", "1985-03-13", "出生日期与身份证号不符(身份证号为1985-03-12)"),
        ("人员", 13, "C(性别)", "女", "性别与身份证号不符(身份证号为男性)"),
        ("人员", 14, "B(身份证号)", masked("110105194912310000"), PRECISION_LOST),
        ("人员", 16, "D(出生日期)", "19490231", "出生日期「19490231」不存在"),
        ("人员", 16, "H(入编时间)", "去年", "入编时间「去年」无法识别,应写作2026-01-05"),
        ("人员", 17, "C(性别)", "未知", "性别「未知」无法识别,应为男或女"),
        ("人员", 17, "H(入编时间)", "1987.1",
         "入编时间「1987.1」以数字格式存储,无法确定月份,请写作1985-01-01这样的日期"),
        ("人员(二)", 2, "B(身份证号)", masked(ZHANG), "身份证号与「人员」表第2行(张三)重复"),
    }
    assert len(got) == len(parsed.problems)
    row15 = problems_of(parsed, "人员", 15)
    assert [(p.column, p.reason) for p in row15] == [("B(身份证号)", PRECISION_LOST)]
    assert got - {(p.sheet, p.row, p.column, p.value, p.reason) for p in row15} == expected
    # Month-precision birth dates are compared by month (row 13 and 17 raise no birth problem).
    assert not [p for p in parsed.problems if p.row in (13, 17) and p.column.startswith("D")]


def test_rows_with_problems_in_required_fields_are_left_out(tmp_path: Path) -> None:
    parsed = read_workbook(problem_book(tmp_path))
    assert [(p.sheet, p.row) for p in parsed.persons] == [
        ("人员", 2), ("人员", 7), ("人员", 12), ("人员", 13), ("人员", 16), ("人员", 17)]
    by_row = {p.row: p for p in parsed.persons}
    assert by_row[7].post is None                 # unknown post: kept, field empty
    assert by_row[16].entered_on is None
    assert by_row[12].birth_date == D(1985, 3, 12)  # the ID number wins
    assert by_row[13].gender == "男"
    assert [(u.row, u.name) for u in parsed.units] == [
        (2, "区财政局"), (3, "区审计局"), (4, "区统计局"), (7, "区信访局")]
    units = {u.row: u for u in parsed.units}
    assert units[2].quotas == {} and units[2].used == {"xz": 3} and units[2].post_limits == {"zz": 1, "fz": 2}
    assert units[4].category is None and units[4].quotas == {"xz": 5}
    assert units[7].rank is None and units[7].funding == "全额拨款" and units[7].uscc is None
    assert units[7].post_limits == {}


def test_unknown_units_against_the_units_sheet_and_known_names(tmp_path: Path) -> None:
    parsed = read_workbook(problem_book(tmp_path))
    found = unknown_units(parsed, set())
    assert [(p.sheet, p.row, p.column, p.value, p.reason) for p in found] == [
        ("人员", 17, "E(所在单位)", "区教育局", "所在单位「区教育局」不在单位表中")]
    assert unknown_units(parsed, {" 区教育局 "}) == []
    with_book = unknown_units(parsed, {"区委办公室"})
    assert with_book[0].reason == "所在单位「区教育局」不在单位表和系统中"


def test_unknown_units_only_with_a_units_sheet_or_known_names(tmp_path: Path) -> None:
    wb, ws = new_book()
    ws.title = "人员"
    put(ws, 1, ["姓名", "身份证号", "工作单位", "编制类型"])
    put(ws, 2, ["张三", ZHANG, "区委办(档案局)", "行政"])
    parsed = read_workbook(save(wb, tmp_path))
    assert parsed.unit_sheets == [] and len(parsed.persons) == 1
    assert unknown_units(parsed, set()) == []
    [problem] = unknown_units(parsed, {"区委办（档案局）"})
    assert problem == Problem("人员", 2, "C(工作单位)", "区委办(档案局)",
                              "所在单位「区委办(档案局)」不在系统中;是否应为「区委办（档案局）」(全角/半角字符不同)?")


def test_unknown_parent_unit(tmp_path: Path) -> None:
    parsed = read_workbook(county_book(tmp_path))
    parsed.units[2].parent = "区农业局"
    [problem] = unknown_units(parsed, set())
    assert (problem.sheet, problem.row, problem.column) == ("单位", 10, "F(主管部门)")
    assert problem.value == "区农业局"
    assert problem.reason == "上级单位「区农业局」不在单位表中"


# ---------------------------------------------------------------- recognising sheets and headers


def test_header_may_start_in_a_later_column_and_single_row_unit_headers(tmp_path: Path) -> None:
    wb, ws = new_book()
    ws.title = "花名册"
    put(ws, 3, ["姓名", "身份证号码", "单位", "编制性质", "进编时间"], col=2)
    put(ws, 4, ["张三", "110105194912310021", "区财政局", "行政", "2020-1-1"], col=2)
    put(ws, 5, ["李四", ZHANG, "区财政局", "行政", "2020年1月"], col=2)
    units = wb.create_sheet("机构")
    put(units, 1, ["机构名称", "规格", "核定行政编制", "机关工勤编制", "正职", "副职", "内设机构正职"])
    put(units, 2, ["区财政局", "副科", 10, 1, 1, 2, 3])
    parsed = read_workbook(save(wb, tmp_path))
    assert parsed.problems == [Problem("花名册", 4, "C(身份证号码)", masked("110105194912310021"),
                                       "身份证号校验位错误(应为X,实为1)")]
    assert parsed.persons == [
        PersonRow("花名册", 5, "李四", ZHANG, "男", D(1985, 3, 12), "区财政局", "xz", None, D(2020, 1, 1))]
    assert parsed.units == [
        UnitRow("机构", 2, "区财政局", None, "副科", None, None, None, {"xz": 10, "gq": 1},
                {"zz": 1, "fz": 2, "nz": 3}, {})]


def test_notes_line_under_the_header_is_skipped(tmp_path: Path) -> None:
    wb, ws = new_book()
    ws.title = "人员"
    put(ws, 1, ["姓名", "身份证号", "所在单位", "编制类型", "职务"])
    put(ws, 2, ["(必填)", "（必填,18位）", "【必填】", "必填", "选填"])
    put(ws, 3, ["张三", ZHANG, "区财政局", "行政"])
    parsed = read_workbook(save(wb, tmp_path))
    assert parsed.problems == []
    assert [(p.row, p.name) for p in parsed.persons] == [(3, "张三")]


def test_persons_sheet_without_unit_column_is_reported_once(tmp_path: Path) -> None:
    wb, ws = new_book()
    ws.title = "人员"
    put(ws, 1, ["人员名单"])
    put(ws, 2, ["姓名", "身份证号", "编制类型"])
    put(ws, 3, ["张三", ZHANG, "行政"])
    put(ws, 4, ["李四", make_id("19900101"), "行政"])
    parsed = read_workbook(save(wb, tmp_path))
    assert parsed.persons == []
    assert parsed.problems == [Problem("人员", 2, "", "", "缺少「所在单位」列,本表人员无法导入")]


def test_workbook_without_recognisable_sheet_is_invalid(tmp_path: Path) -> None:
    wb, ws = new_book()
    ws.title = "说明"
    put(ws, 1, ["请按模板填写"])
    put(ws, 2, ["姓名", "电话"])
    with pytest.raises(errors.InvalidInput, match=r"empty\.xlsx.*没有可识别的人员表或单位表"):
        read_workbook(save(wb, tmp_path, "empty.xlsx"))


# ---------------------------------------------------------------- files that are not workbooks


def test_unreadable_files(tmp_path: Path) -> None:
    text = tmp_path / "名单.xlsx"
    text.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    with pytest.raises(errors.InvalidInput, match=r"名单\.xlsx.*不是Excel工作簿"):
        read_workbook(text)
    html = tmp_path / "导出.xls"
    html.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(errors.InvalidInput, match=r"导出\.xls.*网页"):
        read_workbook(html)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(errors.InvalidInput, match=r"空\.xlsx.*空文件"):
        read_workbook(empty)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(county_book(tmp_path).read_bytes()[:2000])
    with pytest.raises(errors.InvalidInput, match=r"无法读取文件「坏\.xlsx」"):
        read_workbook(broken)
    with pytest.raises(errors.NotFound, match=r"找不到文件「没有\.xlsx」"):
        read_workbook(tmp_path / "没有.xlsx")


def test_password_protected_xlsx(tmp_path: Path) -> None:
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(_compound_file(bytes(5000), name="EncryptedPackage"))
    with pytest.raises(errors.InvalidInput, match=r"文件「加密\.xlsx」设有打开密码"):
        read_workbook(locked)


def test_xlsx_content_with_xls_extension_is_read(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xls"
    renamed.write_bytes(county_book(tmp_path).read_bytes())
    parsed = read_workbook(renamed)
    assert len(parsed.units) == 4 and len(parsed.persons) == 8 and parsed.problems == []


# ---------------------------------------------------------------- progress and cancel


def big_book(tmp_path: Path, count: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.append(["姓名", "身份证号", "所在单位", "编制类型"])
    for n in range(count):
        ws.append([f"人员{n}", make_id(f"1980{1 + n // 28 % 12:02d}{1 + n % 28:02d}", f"{n // 336:02d}"),
                   "区财政局", "事业编制"])
    return save(wb, tmp_path, "big.xlsx")


def test_progress_is_reported_and_cancel_is_honoured(tmp_path: Path) -> None:
    path = big_book(tmp_path, 1200)
    calls: list[tuple[int, int]] = []
    parsed = read_workbook(path, progress=lambda done, total: calls.append((done, total)))
    assert len(parsed.persons) == 1200 and parsed.problems == []
    # what a progress bar needs: one total, moving before the end, never back, ending at 100%
    assert {total for _done, total in calls} == {1200}
    done = [d for d, _total in calls]
    assert len(done) >= 2 and done == sorted(done) and done[-1] == 1200

    asked: list[int] = []

    def cancel() -> bool:
        asked.append(len(calls))
        return len(asked) > 1  # let the sheet start, cancel at the first progress point

    calls.clear()
    with pytest.raises(Cancelled) as caught:
        read_workbook(path, progress=lambda done, total: calls.append((done, total)), cancel=cancel)
    assert isinstance(caught.value, errors.Cancelled)
    assert (1200, 1200) not in calls  # stopped before the end
    assert str(caught.value) == "已取消读取工作簿,没有导入任何数据"


# ---------------------------------------------------------------- legacy .xls


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """A minimal BIFF8 workbook in a compound file: shared strings, numbers, dates (XF 1 = format 14)."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def sst(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    def rec(typ: int, data: bytes) -> bytes:
        return struct.pack("<HH", typ, len(data)) + data

    bodies: list[bytes] = []
    for rows in sheets.values():
        body = [rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6)),
                rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))]
        for r, row in enumerate(rows):
            for c, val in enumerate(row):
                if isinstance(val, str):
                    body.append(rec(0x00FD, struct.pack("<HHHI", r, c, 0, sst(val))))
                elif isinstance(val, dt.date):
                    serial = (val - dt.date(1899, 12, 30)).days
                    body.append(rec(0x0203, struct.pack("<HHHd", r, c, 1, serial)))
                elif isinstance(val, int | float):
                    body.append(rec(0x0203, struct.pack("<HHHd", r, c, 0, float(val))))
        body.append(rec(0x000A, b""))
        bodies.append(b"".join(body))
    sst_data = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s.encode("utf-16-le")) // 2, 1) + s.encode("utf-16-le") for s in strings)
    assert len(sst_data) <= 8224  # no CONTINUE records needed
    head = [rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)),
            rec(0x0042, struct.pack("<H", 1200)),
            rec(0x00E0, struct.pack("<HH", 0, 0) + bytes(16)),
            rec(0x00E0, struct.pack("<HH", 0, 14) + bytes(16))]
    names = [name.encode("utf-16-le") for name in sheets]
    size = sum(map(len, head)) + sum(4 + 8 + len(n) for n in names) + 4 + len(sst_data) + 4
    pos = size
    for name, sheet_stream in zip(names, bodies, strict=True):
        head.append(rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name) // 2, 1) + name))
        pos += len(sheet_stream)
    head += [rec(0x00FC, sst_data), rec(0x000A, b"")]
    stream = b"".join(head)
    assert len(stream) == size
    path.write_bytes(_compound_file(stream + b"".join(bodies)))


def _compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """CFB v3, 512-byte sectors: header, one FAT sector, one directory sector, the Workbook stream
    (padded to 4096 bytes so that it lives in regular sectors, not the mini stream)."""
    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    stream += bytes(max(4096, -(-len(stream) // sector) * sector) - len(stream))
    count = len(stream) // sector
    assert count + 2 <= 128
    fat = [0xFFFFFFFD, end, *range(3, 2 + count), end]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + b"\xff" * (4 * 108))

    def entry(name: str, typ: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), typ, 1, free, free, child)
                + bytes(36) + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(name, 2, free, 2, len(stream))
                 + entry("", 0, free, 0, 0) * 2)
    assert len(header) == 512 and len(directory) == 512
    return header + struct.pack("<128I", *fat) + directory + stream


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "旧表.xls"
    write_xls(path, {
        "说明": [["本表由旧系统导出"]],
        "单位": [
            ["单位名称", "经费形式", "核定编制", None, "领导职数", None],  # no merge records in .xls
            [None, None, "行政", "事业", "正职", "副职"],
            ["区财政局", "全额", 10, 2, 1, 2],
            ["合计", None, 10, 2, 1, 2],
        ],
        "人员": [
            ["实名制人员名册"],
            ["姓名", "身份证号", "所在单位", "编制类型", "入编时间", "出生日期"],
            ["𠮷堃", "11010519491231002x", "区财政局", "行政编制", dt.date(2026, 1, 5), 18263],
            ["王五", 440524800101001, "区财政局", "事业编制", "2026.1.5", "1980/1/1"],
            ["赵六", 1.10105194912310e17, "区财政局", "事业编制", None, None],
        ],
    })
    parsed = read_workbook(path)
    assert parsed.ignored_sheets == ["说明"]
    assert parsed.units == [UnitRow("单位", 3, "区财政局", None, None, "全额拨款", None, None,
                                    {"xz": 10, "sy": 2}, {"zz": 1, "fz": 2}, {})]
    assert parsed.persons == [
        PersonRow("人员", 3, "𠮷堃", "11010519491231002X", "女", D(1949, 12, 31), "区财政局", "xz", None,
                  D(2026, 1, 5)),
        PersonRow("人员", 4, "王五", "440524198001010013", "男", D(1980, 1, 1), "区财政局", "sy", None,
                  D(2026, 1, 5)),
    ]
    assert parsed.problems == [Problem("人员", 5, "B(身份证号)", masked("110105194912310000"), PRECISION_LOST)]


# ---------------------------------------------------------------- cell values


@pytest.mark.parametrize(("cell", "expected"), [
    (46027, (D(2026, 1, 5), False)),
    (46027.75, (D(2026, 1, 5), False)),
    (dt.datetime(2026, 1, 5, 8, 30), (D(2026, 1, 5), False)),
    (D(2026, 1, 5), (D(2026, 1, 5), False)),
    ("2026-01-05", (D(2026, 1, 5), False)),
    ("2026/1/5", (D(2026, 1, 5), False)),
    ("2026.1.5", (D(2026, 1, 5), False)),
    ("2026年1月5日", (D(2026, 1, 5), False)),
    ("20260105", (D(2026, 1, 5), False)),
    (20260105, (D(2026, 1, 5), False)),
    ("２０２６－０１－０５", (D(2026, 1, 5), False)),
    (" 2026 - 01 - 05 ", (D(2026, 1, 5), False)),
    ("2026-01-05 00:00:00", (D(2026, 1, 5), False)),
    ("2026-01", (D(2026, 1, 1), True)),
    ("2026.1", (D(2026, 1, 1), True)),
    ("2026年1月", (D(2026, 1, 1), True)),
    ("202601", (D(2026, 1, 1), True)),
    ("", None),
    (None, None),
])
def test_parse_date(cell: object, expected: object) -> None:
    assert values.parse_date(cell, "入编时间") == expected


@pytest.mark.parametrize(("cell", "reason"), [
    ("19490231", "出生日期「19490231」不存在"),
    ("1949-02-31", "出生日期「1949-02-31」不存在"),
    (19490231, "出生日期「19490231」不存在"),
    ("2026-13", "出生日期「2026-13」不存在"),
    ("昨天", "出生日期「昨天」无法识别,应写作2026-01-05"),
    (1985.1, "出生日期「1985.1」以数字格式存储,无法确定月份,请写作1985-01-01这样的日期"),
    (1985, "出生日期「1985」只有年份,请写作1985-01-01这样的日期"),
    (True, "出生日期「TRUE」不是日期"),
    (dt.time(8, 30), "出生日期「08:30:00」不是日期"),
])
def test_parse_date_refuses(cell: object, reason: str) -> None:
    with pytest.raises(CellError) as caught:
        values.parse_date(cell, "出生日期")
    assert caught.value.reason == reason


@pytest.mark.parametrize(("cell", "expected"), [
    ("11010519491231002x", "11010519491231002X"),
    (" 110105 19491231 002X ", "11010519491231002X"),
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
    ("'11010519491231002X", "11010519491231002X"),
    ("440524800101001", "440524198001010013"),
    (440524800101001, "440524198001010013"),
    (440524800101001.0, "440524198001010013"),
    ("440524188001010014", "440524188001010014"),
    ("", None),
])
def test_parse_id(cell: object, expected: str | None) -> None:
    assert values.parse_id(cell) == expected


@pytest.mark.parametrize(("cell", "reason"), [
    (1.10105194912310e17, PRECISION_LOST),
    (110105194912310016, PRECISION_LOST),   # exact in a double, yet not trusted
    ("1.10105E+17", PRECISION_LOST),
    ("110105194912310021", "身份证号校验位错误(应为X,实为1)"),
    ("11010519491231002", "身份证号应为18位,实为17位"),
    ("440524800231001", "身份证号中的出生日期19800231不存在"),
    (12345.5, "身份证号格式错误"),
])
def test_parse_id_refuses(cell: object, reason: str) -> None:
    with pytest.raises(CellError) as caught:
        values.parse_id(cell)
    assert caught.value.reason == reason


def test_parse_count() -> None:
    assert [values.parse_count(c, "编制数") for c in (12, 12.0, "１２", " 12 名", "-", "—", "", None, 0)] == [
        12, 12, 12, 12, None, None, None, None, 0]
    for cell, reason in ((3.5, "编制数应为整数"), ("三", "编制数应为整数"), (-1, "编制数不能为负数"),
                         ("-1", "编制数不能为负数"), (True, "编制数应为整数")):
        with pytest.raises(CellError) as caught:
            values.parse_count(cell, "编制数")
        assert caught.value.reason == reason


def test_vocabulary_short_forms() -> None:
    assert values.funding("全额") == "全额拨款"
    assert values.funding("差额") == "差额拨款"
    assert values.funding("自收自支") == "自收自支"
    assert values.category("乡镇（街道）") == "乡镇(街道)"
    assert values.category("街道") == "乡镇(街道)"
    assert values.category("党委部门") == "党委工作机关"
    assert values.rank("相当于正科级") == "正科"
    assert values.rank("无") == "未定级"
    assert values.kind_code("政法专项编制") == "zf"
    assert values.kind_code("ＧＱ") == "gq"
    assert values.post_code("内设机构副职") == "nf"
    assert values.post_code("—") is None
    assert values.gender("男性") == "男"


def test_vocabulary_matches_the_catalog() -> None:
    from bianzhi_app import catalog

    assert values.CATEGORIES == catalog.CATEGORIES
    assert values.RANKS == catalog.RANKS
    assert values.FUNDINGS == catalog.FUNDINGS
