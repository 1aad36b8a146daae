"""Issue 12, item 26: the 机构编制信息公开表 prints each unit's 主要职责 as the book keeps it, read back from the PDF;
a text longer than a page goes on in 「(续)」 rows instead of failing the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber
from bookhelpers import DOC, Cli

from bianzhi_app.reports.builders import DisclosureReport, DisclosureRow
from bianzhi_app.reports.common import ReportMeta
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.render_tables import render_disclosure
from bianzhi_app.texts import FUNCTIONS_MAX

KINDS = [("xz", "行政编制"), ("zf", "政法专项编制"), ("sy", "事业编制"), ("gq", "机关工勤编制")]
POST_KINDS = [("zz", "正职"), ("fz", "副职"), ("nz", "内设机构正职"), ("nf", "内设机构副职")]
META = ReportMeta("机构编制信息公开表", "某某市", "某某市机构编制委员会办公室", dt.date(2026, 9, 30), 4242,
                  "0123456789abcdef" * 4)
TEXT = ("（一）贯彻执行党和国家关于农业农村工作的方针政策和决策部署。\n"
        "（二）统筹研究和组织实施全区乡村振兴战略,拟订农业农村发展规划。")


def table_rows(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [[c or "" for c in row] for page in pdf.pages for row in (page.extract_table() or [])]


def flat(text: str) -> str:
    return "".join(text.split())


def test_disclosure_prints_the_functions_set_with_unit_set(region: Cli, tmp_path: Path) -> None:
    region.ok("unit", "add", "区档案馆", "--category", "事业单位", "--rank", "正股", "--funding", "全额拨款",
              "--doc", DOC)
    region.ok("unit", "set", "区农业农村局", "--functions", TEXT, "--doc", "杨编发〔2026〕21号")
    pdf = tmp_path / "公开表.pdf"
    region.ok("report", "disclosure", "-o", str(pdf))
    rows = {flat(r[1]): r for r in table_rows(pdf) if r[0].isdigit()}
    assert set(rows) == {"区农业农村局", "区档案馆"}
    assert flat(rows["区农业农村局"][4]) == flat(TEXT)
    assert rows["区档案馆"][4] == "—"  # none set: a dash, not an empty cell
    region.ok("unit", "set", "区农业农村局", "--functions", "负责全区农业农村工作。", "--doc", "杨编发〔2026〕22号")
    region.ok("report", "disclosure", "-o", str(pdf))
    rows = {flat(r[1]): r for r in table_rows(pdf) if r[0].isdigit()}
    assert flat(rows["区农业农村局"][4]) == "负责全区农业农村工作。"  # the new text, not the old


def test_the_longest_functions_continue_over_pages(fonts: FontRegistry, tmp_path: Path) -> None:
    item = "负责贯彻执行国家和省市关于农业农村工作的方针政策和法律法规,拟订全区农业农村发展规划并组织实施。"
    long_text = "\n".join(f"（{i}）{item}" for i in range(1, 200))[:FUNCTIONS_MAX]
    rows = [DisclosureRow(f"区第{i}局", "政府工作部门", "正科", long_text if i == 2 else "短", {"xz": 30, "zf": 0,
                          "sy": 12, "gq": 2}, {"zz": 1, "fz": 4, "nz": 12, "nf": 6}) for i in range(1, 4)]
    path = tmp_path / "long.pdf"
    pages = render_disclosure(DisclosureReport(META, KINDS, POST_KINDS, rows), path, fonts=fonts)
    assert pages > 3
    printed = [r for r in table_rows(path) if r[1] and not r[1].startswith("单位名称") and r[1] != "合计"]
    names = [flat(r[1]) for r in printed]
    assert names[0] == "区第1局" and names[1] == "区第2局" and names[-1] == "区第3局"
    assert set(names[2:-1]) == {"区第2局(续)"}
    assert all(r[5] == "" for r in printed[2:-1]), "a continuation row repeats no figure"
    assert flat("".join(r[4] for r in printed[1:-1])) == flat(long_text)  # all of it, in order


def test_disclosure_as_of_a_past_day_prints_the_functions_of_that_day(tmp_path: Path) -> None:
    """核定主要职责 keeps the old text in its ledger entry, so `--as-of` prints what a unit's functions were."""
    from bianzhi_app.book import Book
    from bianzhi_app.queries import unit_rows

    start = dt.date.today() - dt.timedelta(days=20)
    day = {"value": start}
    book = Book.open(tmp_path / "f.db", clock=lambda: dt.datetime.combine(day["value"], dt.time(10)).astimezone())
    with book.batch() as b:
        b.region.init(name="测试区", code="610403")
        b.units.add(name="甲局", category="政府工作部门", rank="正科", doc=DOC)
        b.units.add(name="乙局", category="政府工作部门", rank="正科", doc=DOC)
    day["value"] = start + dt.timedelta(days=5)
    book.units.set_functions(unit="甲局", functions="旧的职责。", doc=DOC)
    day["value"] = start + dt.timedelta(days=10)
    book.units.set_functions(unit="甲局", functions="新的职责。", doc=DOC)
    book.units.set_functions(unit="乙局", functions="乙局职责。", doc=DOC)
    with book.read() as conn:
        def functions(on: dt.date | None) -> dict[str, str | None]:
            return {u.name: u.functions for u in unit_rows(conn, on)}

        assert functions(None) == {"甲局": "新的职责。", "乙局": "乙局职责。"}
        assert functions(start + dt.timedelta(days=7)) == {"甲局": "旧的职责。", "乙局": None}
        assert functions(start + dt.timedelta(days=1)) == {"甲局": None, "乙局": None}
        assert functions(start + dt.timedelta(days=10)) == functions(None)
    pdf = tmp_path / "公开表.pdf"
    from bianzhi_app.reports.common import ReportOptions
    from bianzhi_app.reports.render import render_report  # the report as the CLI and the window make it

    render_report(book, "disclosure", pdf, options=ReportOptions(as_of=start + dt.timedelta(days=7)))
    rows = {flat(r[1]): r for r in table_rows(pdf) if r[0].isdigit()}
    assert flat(rows["甲局"][4]) == "旧的职责。" and rows["乙局"][4] == "—"
    book.close()
