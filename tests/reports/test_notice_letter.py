"""Issue 12 item 20: the 用编核准通知单 as a GB/T 9704-2012 letter (信函格式, 10.1), measured on the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from bianzhi_app.book import Book
from bianzhi_app.queries import approval_rows
from bianzhi_app.reports.common import ReportMeta
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.notice import NoticeData, copy_to, render_notice

TOL = 1 * mm
PAGE_H = 841.89
LEFT, RIGHT = 28 * mm, 28 * mm + 156 * mm
CENTRE = (LEFT + RIGHT) / 2
BLOCK_TOP, BLOCK_BOTTOM = 37 * mm, 37 * mm + 225 * mm
PITCH = 225 * mm / 22
SPACE = (156 * mm - 28 * 16) / 27  # character spacing that makes 28 characters fill 156 mm
RED = ((0, 1, 1, 0), [0, 1, 1, 0])
OFFICE = "杨陵区机构编制委员会办公室"


def text_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped by line (same top and size), top to bottom, left to right."""
    rows: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for c in chars:
        rows.setdefault((round(c["top"], 1), round(c["size"], 1)), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _k, r in sorted(rows.items())]


def joined(line: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in line)


def red_rules(page: Any) -> list[dict[str, Any]]:
    return sorted((ln for ln in page.lines if ln.get("stroking_color") in RED), key=lambda ln: ln["top"])


def notice(unit: str = "区农业农村局", kind: str = "行政编制", method: str = "公开招录",
           figures: tuple[int, int, int] = (12, 9, 0), count: int = 2) -> NoticeData:
    approved, used, reserved = figures
    before = {"approved": approved, "used": used, "reserved": reserved, "vacancy": approved - used - reserved}
    after = {**before, "reserved": reserved + count, "vacancy": before["vacancy"] - count}
    meta = ReportMeta("用编核准通知单", "杨陵区", OFFICE, dt.date(2026, 3, 31), 88, "0123456789ab" * 5)
    return NoticeData(meta, "2026-0003", "杨编发〔2026〕12号", unit, "xz", kind, count, method, dt.date(2026, 3, 31),
                      dt.date(2026, 9, 30), before, after, copy_to("杨陵区", "610403"))


@pytest.fixture(scope="module")
def demo_notice(render: Callable[..., Any], report_book: Path) -> Any:
    with Book.open(report_book) as book, book.read() as conn:
        approval = approval_rows(conn, book.catalog, status=None)[0]
    return render("notice", approval=approval["number"])


def test_letterhead_30mm_red_double_lines_and_document_number(demo_notice: Any) -> None:
    with pdfplumber.open(demo_notice.path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        mark = [c for c in page.chars if c.get("non_stroking_color") in RED]
        assert joined(sorted(mark, key=lambda c: c["x0"])) == OFFICE
        assert min(c["top"] for c in mark) == pytest.approx(30 * mm, abs=TOL)  # 上边缘至上页边30mm
        mark_bottom = max(c["bottom"] for c in mark)
        centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2
        assert centre == pytest.approx(CENTRE, abs=TOL)
        rules = red_rules(page)
        assert len(rules) == 4, rules
        for rule in rules:  # 线长170mm, 居中
            assert rule["x1"] - rule["x0"] == pytest.approx(170 * mm, abs=0.5)
            assert (rule["x0"] + rule["x1"]) / 2 == pytest.approx(CENTRE, abs=TOL)
        upper, lower = rules[:2], rules[2:]
        assert upper[0]["linewidth"] > upper[1]["linewidth"], "上粗下细"
        assert lower[0]["linewidth"] < lower[1]["linewidth"], "上细下粗"
        upper_top = upper[0]["top"] - upper[0]["linewidth"] / 2
        upper_bottom = upper[1]["top"] + upper[1]["linewidth"] / 2
        assert upper_top - mark_bottom == pytest.approx(4 * mm, abs=TOL)  # 标志下4mm
        lower_top = lower[0]["top"] - lower[0]["linewidth"] / 2
        assert PAGE_H - lower_top == pytest.approx(20 * mm, abs=TOL)  # 距下页边20mm
        # 发文字号: flush right, 7/8 of a 3号 character under the double line
        number = next(ln for ln in text_lines(page.chars) if joined(ln) == demo_notice.data.doc)
        assert number[-1]["x1"] == pytest.approx(RIGHT, abs=0.5)
        assert number[0]["top"] - upper_bottom == pytest.approx(16 * 7 / 8, abs=TOL)
        # title two blank lines under it, 2号, centred
        title = [ln for ln in text_lines(page.chars) if ln[0]["size"] == pytest.approx(22)]
        assert title and joined(title[0]).startswith("关于核准")
        assert title[0][0]["top"] - number[0]["top"] == pytest.approx(3 * PITCH, abs=TOL)
        for line in title:
            assert (line[0]["x0"] + line[-1]["x1"]) / 2 == pytest.approx(CENTRE, abs=TOL)
        below = joined([c for c in page.chars if c["top"] > PAGE_H - 20 * mm]).replace(" ", "")
        assert "—" not in below, "no page number on the first page"
        # nothing of the letter crosses the lower double line (7/8 of a 3号 character clear of it)
        text = [c for c in page.chars if c["top"] < lower_top]
        assert max(c["bottom"] for c in text) <= lower_top - 16 * 7 / 8 + 0.5


def test_body_lines_hold_28_characters_across_156mm(fonts: FontRegistry, tmp_path: Path) -> None:
    data = notice(method="公开招聘并由主管部门会同人力资源和社会保障部门按照事业单位公开招聘有关规定组织实施的")
    path = tmp_path / "n.pdf"
    render_notice(data, path, fonts=fonts)
    with pdfplumber.open(path) as pdf:
        lines = [ln for p in pdf.pages for ln in text_lines(p.chars) if ln[0]["size"] == pytest.approx(16)]
    justified = [ln for ln in lines if ln[-1]["x1"] == pytest.approx(RIGHT, abs=0.3)]
    for ln in justified:  # spacing never below the 28-to-a-line pitch: at most 28 characters
        assert all(b["x0"] - a["x0"] >= a["x1"] - a["x0"] + SPACE - 0.01 for a, b in pairwise(ln)), joined(ln)
    # full-width characters at exactly that pitch: 28 from edge to edge (26 after the indent)
    full = [ln for ln in justified if all(b["x0"] - a["x0"] == pytest.approx(16 + SPACE, abs=0.01)
                                          for a, b in pairwise(ln))]
    flush = [ln for ln in full if ln[0]["x0"] == pytest.approx(LEFT, abs=0.3)]
    indented = [ln for ln in full if ln[0]["x0"] == pytest.approx(LEFT + 2 * (16 + SPACE), abs=0.3)]
    assert flush, "the test text has full lines"
    for ln in flush:
        assert len(ln) == 28, joined(ln)  # 28 characters, not 27 and a gap
        assert ln[-1]["x1"] - ln[0]["x0"] == pytest.approx(156 * mm, abs=0.3)
    for ln in indented:
        assert len(ln) == 26, joined(ln)
    for a, b in pairwise(lines):  # on the 22-line grid
        if a[0]["top"] < b[0]["top"]:
            assert round((b[0]["top"] - a[0]["top"]) / PITCH, 3) == round((b[0]["top"] - a[0]["top"]) / PITCH)
    for ln in lines:  # no line starts with closing punctuation
        assert ln[0]["text"] not in "，。、；：）」》"


def test_signature_centred_over_the_date_with_room_for_the_seal(demo_notice: Any) -> None:
    with pdfplumber.open(demo_notice.path) as pdf:
        lines = text_lines(pdf.pages[0].chars)
    body = [ln for ln in lines if ln[0]["size"] == pytest.approx(16) and ln[0]["non_stroking_color"] not in RED]
    issued = demo_notice.data.issued_on
    date = next(ln for ln in body if joined(ln) == f"{issued.year}年{issued.month}月{issued.day}日")
    signature = body[body.index(date) - 1]
    assert joined(signature) == OFFICE
    assert date[-1]["x1"] == pytest.approx(RIGHT - 4 * (16 + SPACE), abs=0.5)  # 右空四字
    centre = (date[0]["x0"] + date[-1]["x1"]) / 2
    assert (signature[0]["x0"] + signature[-1]["x1"]) / 2 == pytest.approx(centre, abs=0.5)
    assert date[0]["top"] - signature[0]["top"] == pytest.approx(PITCH, abs=0.5)
    text_above = body[body.index(signature) - 1]
    assert joined(text_above) == "特此通知。"
    assert signature[0]["top"] - text_above[0]["top"] == pytest.approx(3 * PITCH, abs=0.5)  # two lines for the seal
    imprint = next(ln for ln in lines if joined(ln).startswith("抄送："))
    assert imprint[0]["size"] == pytest.approx(14) and imprint[0]["x0"] == pytest.approx(LEFT + 14, abs=0.5)
    assert imprint[0]["top"] - date[0]["top"] >= 2 * PITCH - 0.5, "the seal's lower half stays clear"
    assert joined(imprint) == "抄送：区委组织部，区人力资源和社会保障局，区财政局。"


def test_metadata_names_the_office_the_format_and_the_stand_in_fonts(demo_notice: Any) -> None:
    info = PdfReader(demo_notice.path).metadata
    assert info.author == OFFICE
    assert "信函格式" in (info.subject or "") and "GB/T 9704-2012" in (info.subject or "")
    keywords = info.get("/Keywords", "")
    assert "代替未安装的方正小标宋简体" in keywords and "代替未安装的仿宋_GB2312" in keywords, keywords


TITLE_WORDS = {
    "杨陵区现代农业示范园区综合服务中心": ["关于核准", "杨陵区", "现代农业示范园区", "综合服务中心", "使用",
                                     "政法专项编制", "的通知"],
    "区住房和城乡建设局": ["关于核准", "区住房和城乡建设局", "使用", "政法专项编制", "的通知"],
}


@pytest.mark.parametrize("unit", list(TITLE_WORDS))
def test_long_title_breaks_between_words_into_a_trapezoid_or_diamond(fonts: FontRegistry, tmp_path: Path,
                                                                     unit: str) -> None:
    path = tmp_path / "t.pdf"
    render_notice(notice(unit=unit, kind="政法专项编制"), path, fonts=fonts)
    with pdfplumber.open(path) as pdf:
        title = [ln for ln in text_lines(pdf.pages[0].chars) if ln[0]["size"] == pytest.approx(22)]
    texts = [joined(ln) for ln in title]
    assert len(texts) >= 2 and "".join(texts) == "".join(TITLE_WORDS[unit])
    boundaries = {len("".join(TITLE_WORDS[unit][:i])) for i in range(len(TITLE_WORDS[unit]) + 1)}
    at = 0
    for text in texts[:-1]:
        at += len(text)
        assert at in boundaries, f"broken inside a word: {texts}"
    widths = [ln[-1]["x1"] - ln[0]["x0"] for ln in title]
    assert max(widths) <= 156 * mm + 0.5
    peak = widths.index(max(widths))
    trapezoid = all(b >= a - 1 for a, b in pairwise(widths))
    diamond = 0 < peak < len(widths) - 1 and all(b >= a - 1 for a, b in pairwise(widths[:peak + 1])) \
        and all(b <= a + 1 for a, b in pairwise(widths[peak:]))
    assert trapezoid or diamond, texts
    for ln in title:
        assert (ln[0]["x0"] + ln[-1]["x1"]) / 2 == pytest.approx(CENTRE, abs=TOL)


@pytest.mark.parametrize("extra", range(0, 9))
def test_the_closing_and_the_imprint_never_stand_alone(fonts: FontRegistry, tmp_path: Path, extra: int) -> None:
    """The body grows a third of a line at a time across the first page's end."""
    data = notice(unit="区住房和城乡建设局", method="公开招聘" + "，并由主管部门按规定组织" * extra)
    path = tmp_path / "c.pdf"
    pages = render_notice(data, path, fonts=fonts)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages
        last = pdf.pages[-1]
        lines = text_lines([c for c in last.chars if c["top"] < BLOCK_BOTTOM + 3 * mm or pages == 1])
        texts = [joined(ln) for ln in lines]
        assert texts[-1].startswith("抄送：") or texts[-2].startswith("抄送："), texts[-3:]
        assert OFFICE in texts and "特此通知。" in texts
        body = [t for t in texts[:texts.index("特此通知。") + 1] if t not in (OFFICE, data.doc)]
        assert len(body) >= 2, "the last page carries text of the body, not the signature alone"
        for page in pdf.pages[1:]:
            n = page.page_number
            number = [c for c in page.chars if c["top"] > BLOCK_BOTTOM + 5 * mm and c["size"] == pytest.approx(14)]
            assert joined(number).replace(" ", "") == f"—{n}—"
            body_chars = [c for c in page.chars if c["size"] >= 14 and c["top"] < BLOCK_BOTTOM + 3 * mm]
            assert min(c["top"] for c in body_chars) >= BLOCK_TOP - 0.5
            assert max(c["bottom"] for c in body_chars) <= BLOCK_BOTTOM + 0.5
        for page in pdf.pages:
            inside = [c for c in page.chars if c["size"] >= 14 and c.get("non_stroking_color") not in RED
                      and c["top"] < PAGE_H - 20 * mm]
            assert min(c["x0"] for c in inside) >= LEFT - 0.5 and max(c["x1"] for c in inside) <= RIGHT + 0.5


def test_official_fonts_are_used_and_named_when_installed(tmp_path: Path) -> None:
    """A machine with 方正小标宋 and 仿宋_GB2312 (here: stand-ins under the official file names)."""
    from bianzhi_app.reports.fonts import build_registry
    from bianzhi_app.resources import resource_path

    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "fzxbsjw.ttf").write_bytes(resource_path("fonts", "BianzhiSansSC-Regular.ttf").read_bytes())
    (folder / "fs_gb2312.ttf").write_bytes(resource_path("fonts", "LXGWWenKai-Regular.ttf").read_bytes())
    official = build_registry(use_system=True, extra_dirs=[folder])
    path = tmp_path / "official.pdf"
    render_notice(notice(), path, fonts=official)
    keywords = PdfReader(path).metadata.get("/Keywords", "")
    assert "发文机关标志和标题：方正小标宋简体" in keywords and "正文：仿宋_GB2312" in keywords, keywords
    assert "代替未安装的方正小标宋简体" not in keywords and "代替未安装的仿宋_GB2312" not in keywords
