"""Real PDFs: embedded subset fonts, A4 pages, page furniture, long tables, rendered glyphs."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL.Image import Image
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from bianzhi_app.reports.fonts import FontRegistry, MissingGlyph
from bianzhi_app.reports.page import Column, ReportDocTemplate, ReportHeader, TableLook, data_table

EmbedCheck = Callable[[Path], list[dict[str, str]]]
A4_W, A4_H = 595.28, 841.89
LEDGER = "台账 #1234 ab12cd34ef56"
NAMES = ["张𠮷", "王堃", "李四", "欧阳娜娜", "阿依古丽·买买提"]


def columns() -> list[Column]:
    return [Column("序号", 12 * mm), Column("单位名称", 55 * mm), Column("姓名", 28 * mm),
            Column("编制类型", 22 * mm), Column("核定", 14 * mm), Column("实有", 14 * mm),
            Column("在途", 14 * mm), Column("空编", 14 * mm)]


def rows(n: int, extra: str = "") -> list[list[object]]:
    names = NAMES + ([extra] if extra else [])
    return [[i + 1, "区农业农村局农业技术推广服务中心（事业单位）" if i % 9 == 0 else "区农业农村局",
             names[i % len(names)], "行政编制", 12, 11, 1, 0] for i in range(n)]


def header(title: str = "实名制人员花名册") -> ReportHeader:
    return ReportHeader(title, "杨陵区机构编制委员会办公室", dt.date(2026, 3, 31), LEDGER, note="单位：名")


@pytest.fixture(scope="module")
def report_pdf(fonts: FontRegistry, artifacts: Path) -> Path:
    chain = fonts.chain("table")
    fallback = min(c for c in chain.faces[1].chars - chain.faces[0].chars if ord(c) >= 0x20000)
    path = artifacts / "report-portrait.pdf"
    doc = ReportDocTemplate(path, header(), fonts=fonts)
    intro = fonts.paragraph("说明：本表按单位排列，" * 12, fonts.paragraph_style("body", 12))
    doc.build([intro, data_table(columns(), rows(130, f"刘{fallback}"), fonts=fonts,  # starts mid-page
                                 look=TableLook(zebra=colors.Color(0.95, 0.95, 1)),
                                 row_styles={2: [("TEXTCOLOR", colors.red)]})])
    return path


def test_report_fonts_are_embedded_subsets(report_pdf: Path, assert_fonts_embedded: EmbedCheck) -> None:
    fonts = assert_fonts_embedded(report_pdf)
    names = {f["name"].split("+", 1)[1] for f in fonts}
    assert names == {"BianzhiSansSC-Regular", "LXGWWenKai-Regular"}  # the fallback font is used too


def test_report_pages_and_text(report_pdf: Path) -> None:
    with pdfplumber.open(report_pdf) as pdf:
        assert len(pdf.pages) >= 3
        numbers: list[int] = []
        total = len(pdf.pages)
        for i, page in enumerate(pdf.pages, start=1):
            assert (round(page.width, 2), round(page.height, 2)) == (A4_W, A4_H)
            text = page.extract_text()
            assert "实名制人员花名册" in text
            assert "制表单位：杨陵区机构编制委员会办公室" in text
            assert "数据截至2026年3月31日" in text
            assert f"第 {i} 页 共 {total} 页" in text
            assert LEDGER in text
            assert "序号" in text and "单位名称" in text and "空编" in text  # header on every page
            table = page.extract_table()
            assert table and table[0][0] == "序号"
            numbers += [int(str(r[0])) for r in table[1:]]
        first = pdf.pages[0].extract_text()
        assert "𠮷" in first and "堃" in first and "张𠮷" in first and "王堃" in first
        assert f"第 1 页 共 {total} 页" in first
    assert numbers == list(range(1, 131)), "every row once, in order, across pages"


def test_report_page_renders(report_pdf: Path, artifacts: Path) -> None:
    pdf = pdfium.PdfDocument(str(report_pdf))
    image = pdf[0].render(scale=1.5).to_pil()
    out = artifacts / "report-portrait-page1.png"
    image.save(out)
    assert out.stat().st_size > 10_000
    gray = image.convert("L")
    dark = sum(1 for v in gray.tobytes() if v < 128)
    assert dark > 5_000


def test_landscape_report(fonts: FontRegistry, artifacts: Path, assert_fonts_embedded: EmbedCheck) -> None:
    path = artifacts / "report-landscape.pdf"
    doc = ReportDocTemplate(path, header("领导职数配备表"), landscape=True, fonts=fonts)
    cols = [Column("单位", 80 * mm), Column("职务类别", 40 * mm), *[Column(t, 25 * mm) for t in
                                                                      ("职数", "实配", "空缺", "超配")]]
    data = [["区财政局", "正职", 1, 1, 0, 0], ["区财政局", "副职", 3, 2, 1, 0],
            ["王堃所在单位", "副职", 2, 3, 0, 1]]
    doc.build([data_table(cols, data, fonts=fonts)])
    assert_fonts_embedded(path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert (round(page.width, 2), round(page.height, 2)) == (A4_H, A4_W)
        text = page.extract_text()
        assert "领导职数配备表" in text and "第 1 页 共 1 页" in text and LEDGER in text and "王堃" in text
        # numbers are right-aligned: the right edge of "3" sits at its cell's right edge minus padding
        words = [w for w in page.extract_words() if w["text"] in ("1", "2", "3")]
        left = doc.leftMargin
        col_right = left + (80 + 40 + 25) * mm  # right edge of the 职数 column
        assert any(abs(w["x1"] - (col_right - 2.5)) < 1 for w in words)


def test_multi_row_header_and_wrapping(fonts: FontRegistry) -> None:
    cols = [Column("单位", 50 * mm), *[Column(t, 18 * mm) for t in ("核定", "实有", "核定", "实有")]]
    head = [["单位", "行政编制", None, "事业编制", None], [None, "核定", "实有", "核定", "实有"]]
    spans = [((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (4, 0))]
    long_name = "区农业农村局下属农业技术推广服务中心与农产品质量安全检验检测站（合署办公）"
    table = data_table(cols, [[long_name, 5, 4, 30, 28]] * 80, fonts=fonts, header_rows=head,
                       header_spans=spans)
    buf = io.BytesIO()
    ReportDocTemplate(buf, header("机构编制情况总表"), fonts=fonts).build([table])
    with pdfplumber.open(buf) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            text = page.extract_text()
            assert "行政编制" in text and "事业编制" in text
            assert "合署办公" in text  # the long name wrapped inside its cell, not cut off
    cell = table._data.body[0][0]
    assert isinstance(cell, Paragraph)
    small = data_table(cols, [["区财政局", 5, 4, 30, 28]], fonts=fonts, header_rows=head, header_spans=spans)
    assert small.as_table()._cellvalues[2][1] == "5"


def test_a_long_table_prints_every_row_once_in_order_on_full_pages(fonts: FontRegistry) -> None:
    """3,000 rows: each page carries the column header and its page number, every page but the last is
    full, and the rows come out once each, in order. (How fast a long table is laid out is
    bench/bench_report_fonts.py's to measure.)"""
    buf = io.BytesIO()
    doc = ReportDocTemplate(buf, header(), fonts=fonts)
    doc.build([data_table(columns(), rows(3000), fonts=fonts)])
    pdf = pdfium.PdfDocument(buf.getvalue())
    assert len(pdf) == doc.page > 1
    numbers: list[int] = []
    per_page: list[int] = []
    for i, page in enumerate(pdf, start=1):
        text = page.get_textpage().get_text_range()
        assert "序号 单位名称 姓名 编制类型" in text and f"第 {i} 页" in text and f"共 {len(pdf)} 页" in text
        found = [int(m) for m in re.findall(r"^(\d+)\s+区", text, re.MULTILINE)]  # a wrapped cell may break the line
        numbers += found
        per_page.append(len(found))
    assert numbers == list(range(1, 3001)), "every row once, in order, across pages"
    full = per_page[:-1]
    assert min(full) >= 0.8 * max(full) and 0 < per_page[-1] <= max(full)


def test_missing_glyph_in_table_or_header(fonts: FontRegistry) -> None:
    with pytest.raises(MissingGlyph, match=r"U\+10FFFD"):
        data_table(columns(), [[1, "单位", "张\U0010fffd", "行政编制", 1, 1, 0, 0]], fonts=fonts)
    with pytest.raises(MissingGlyph, match=r"U\+0378"):
        ReportDocTemplate(io.BytesIO(), header("表\u0378"), fonts=fonts)


def _render(fonts: FontRegistry, role: str, text: str, name: str, artifacts: Path,
            raw: bool = False) -> Image:
    """``text`` drawn 200 pt large on an otherwise empty page, rendered to a grey image."""
    path = artifacts / f"glyph-{role}-{name}.pdf"
    canvas = Canvas(str(path), pagesize=(300, 300))
    if raw:  # bypass the fallback: reportlab prints .notdef for a missing glyph
        canvas.setFont(fonts.primary(role), 200)
        canvas.drawString(50, 70, text)
    else:
        fonts.draw_string(canvas, 50, 70, text, role, 200)
    canvas.save()
    image = pdfium.PdfDocument(str(path))[0].render(scale=1).to_pil().convert("L")
    image.save(path.with_suffix(".png"))
    return image


def _dark(image: Image) -> set[int]:
    return {i for i, v in enumerate(image.tobytes()) if v < 128}


@pytest.mark.parametrize("role", ["body", "table"])
def test_rare_glyph_is_drawn_not_blank_or_tofu(fonts: FontRegistry, artifacts: Path, role: str) -> None:
    area = 200 * 200
    tiao = _dark(_render(fonts, role, "𠮷", "U+20BB7", artifacts))
    assert 0.05 * area < len(tiao) < 0.6 * area, len(tiao)
    tofu = _dark(_render(fonts, role, "\U0010fffd", "notdef", artifacts, raw=True))
    assert len(tiao ^ tofu) > 0.05 * area, "𠮷 rendered like .notdef"
    # 𠮷 (土 over 口) differs from 吉 (士 over 口) in its top stroke lengths only
    ji = _dark(_render(fonts, role, "吉", "U+5409", artifacts))
    assert 0.002 * area < len(tiao ^ ji) < 0.2 * area
