"""The bundled font shows rare name characters (𠮷, 堃) in the window: real glyphs, not tofu."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter


def _render(app_font, text: str) -> QImage:
    image = QImage(64, 64, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    font = app_font
    font.setPixelSize(48)
    painter.setFont(font)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return image


def test_application_font_covers_and_draws_rare_name_characters(qapp):
    font = qapp.font()
    metrics = QFontMetrics(font)
    for char in ("𠮷", "堃", "吉"):
        assert metrics.inFontUcs4(ord(char)), f"{char} missing from {font.family()}"
    rare, common = _render(font, "𠮷"), _render(font, "吉")
    tofu = _render(font, "\U0010fffd")  # a private-use code point no font draws: the missing-glyph box
    ink = sum(1 for y in range(64) for x in range(64) if rare.pixelColor(x, y).value() < 128)
    assert ink > 100, "𠮷 drew nothing"
    assert rare != common, "𠮷 must not fall back to 吉"
    assert rare != tofu, "𠮷 drew the missing-glyph box"
