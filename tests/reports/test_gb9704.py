"""The GB/T 9704-2012 page: text block, page numbers, 发文字号 and the red rule."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.page import GB9704, DocNumberRule, OfficialDocTemplate, official_styles

TOL = 1 * mm
LEFT, TOP = 28 * mm, 37 * mm
RIGHT, BOTTOM = LEFT + 156 * mm, TOP + 225 * mm  # pdfplumber measures from the page top
LEDGER = "台账 #88 0123456789ab"
BODY = ("根据《杨凌示范区机构编制管理规定》，经审核，同意你单位使用行政编制1名，用于公开招录"
        "工作人员张𠮷、王堃。使用后你单位行政编制核定12名，实有12名，在途0名。")


@pytest.fixture(scope="module")
def notice_pdf(fonts: FontRegistry, artifacts: Path) -> Path:
    path = artifacts / "notice-gb9704.pdf"
    doc = OfficialDocTemplate(path, fonts=fonts, title="用编核准通知单", ledger_head=LEDGER)
    st = official_styles(fonts)
    story = [DocNumberRule("杨编发〔2026〕12号", fonts=fonts), Spacer(1, GB9704.line_pitch),
             fonts.paragraph("关于同意区农业农村局使用行政编制的通知", st["title"]),
             fonts.paragraph("区农业农村局：", st["addressee"]),
             fonts.paragraph("一、核准情况", st["heading1"]),
             fonts.paragraph("（一）核准前", st["heading2"])]
    story += [fonts.paragraph(BODY * 2, st["body"]) for _ in range(9)]
    story += [fonts.paragraph("杨陵区机构编制委员会办公室", st["signature"]),
              fonts.paragraph("2026年3月31日", st["date"]),
              fonts.paragraph("抄送：区委组织部，区人力资源和社会保障局，区财政局。", st["note"])]
    doc.build(story)
    return path


def _lines(chars: list[dict]) -> dict[float, list[dict]]:
    rows: dict[float, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["bottom"], 1), []).append(c)
    return rows


def test_notice_fonts_and_pages(notice_pdf: Path, assert_fonts_embedded: Callable[[Path], object]) -> None:
    assert_fonts_embedded(notice_pdf)
    with pdfplumber.open(notice_pdf) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert (round(page.width, 2), round(page.height, 2)) == (595.28, 841.89)
        text = pdf.pages[0].extract_text()
        assert "杨编发〔2026〕12号" in text and "张𠮷" in text and "王堃" in text


def test_text_stays_inside_the_text_block(notice_pdf: Path) -> None:
    with pdfplumber.open(notice_pdf) as pdf:
        for page in pdf.pages:
            inside = [c for c in page.chars if c["top"] < BOTTOM + 3 * mm]
            outside = [c for c in page.chars if c["top"] >= BOTTOM + 3 * mm]
            assert inside
            for c in inside:
                assert c["x0"] >= LEFT - TOL and c["x1"] <= RIGHT + TOL, c["text"]
                assert c["top"] >= TOP - TOL and c["bottom"] <= BOTTOM + TOL, c["text"]
            # only the page number and the ledger head live below the block
            below = "".join(c["text"] for c in sorted(outside, key=lambda c: (c["top"], c["x0"])))
            assert below.replace(" ", "") == f"—{page.page_number}—" + LEDGER.replace(" ", "")
        # the block is used edge to edge: flush-left lines, justified lines reach the right edge
        first = pdf.pages[0]
        body = [c for c in first.chars if c["top"] < BOTTOM + 3 * mm]
        assert min(c["x0"] for c in body) == pytest.approx(LEFT, abs=TOL)
        assert max(c["x1"] for c in body) == pytest.approx(RIGHT, abs=TOL)
        assert min(c["top"] for c in body) == pytest.approx(TOP, abs=TOL)
        assert max(c["bottom"] for c in body) > BOTTOM - 2 * GB9704.line_pitch - TOL  # no orphan line
        # body lines sit on the 22-line grid
        lines = sorted(_lines([c for c in body if c["size"] == pytest.approx(16)]))
        steps = {round(b - a, 1) for a, b in pairwise(lines)}
        assert round(GB9704.line_pitch, 1) in steps


def test_page_numbers_odd_right_even_left(notice_pdf: Path) -> None:
    with pdfplumber.open(notice_pdf) as pdf:
        for page in pdf.pages[:2]:
            n = page.page_number
            chars = [c for c in page.chars if BOTTOM + 3 * mm < c["top"] < BOTTOM + 15 * mm]
            assert "".join(c["text"] for c in chars).replace(" ", "") == f"—{n}—"
            assert all(c["size"] == pytest.approx(14) for c in chars)
            top = min(c["top"] for c in chars)
            assert top == pytest.approx(BOTTOM + 7 * mm, abs=TOL)
            if n % 2:  # odd: right, one character in from the block's right edge
                assert max(c["x1"] for c in chars) == pytest.approx(RIGHT - 14, abs=TOL)
            else:
                assert min(c["x0"] for c in chars) == pytest.approx(LEFT + 14, abs=TOL)


def test_red_rule_under_the_document_number(notice_pdf: Path) -> None:
    with pdfplumber.open(notice_pdf) as pdf:
        page = pdf.pages[0]
        number = [c for c in page.chars if c["text"] in "杨编发〔2026〕12号" and c["top"] < TOP + 20 * mm]
        assert number
        centre = (min(c["x0"] for c in number) + max(c["x1"] for c in number)) / 2
        assert centre == pytest.approx((LEFT + RIGHT) / 2, abs=TOL)
        red = [ln for ln in page.lines if ln.get("stroking_color") in ((0, 1, 1, 0), [0, 1, 1, 0])]
        assert len(red) == 1, page.lines
        rule = red[0]
        assert rule["x0"] == pytest.approx(LEFT, abs=0.5) and rule["x1"] == pytest.approx(RIGHT, abs=0.5)
        number_bottom = max(c["bottom"] for c in number)
        assert rule["top"] - number_bottom == pytest.approx(4 * mm, abs=TOL)
