"""Chinese source text, an English translation compiled with pyside6-lrelease, chosen in Settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

ROOT = Path(__file__).resolve().parents[2]


def test_english_translation_loads_and_switches_back(qapp, session, qtbot):  # type: ignore[no-untyped-def]
    from ui.i18n import install_language, tr
    from ui.main_window import MainWindow

    assert (ROOT / "ui" / "translations" / "bianzhi_en.qm").is_file()
    assert tr("入编") == "入编"
    try:
        assert install_language(qapp, "en")
        assert tr("入编") == "Enter"
        assert tr("核定{0} 实有{1} 在途{2} 空编{3}").format(12, 11, 1, 0) == "approved 12 used 11 reserved 1 vacancy 0"
        window = MainWindow(session)
        qtbot.addWidget(window)
        assert [a.text() for a in window.menuBar().actions()][:2] == ["&File", "Staff"]
        assert window.pages.tabText(2) == "Staff"
    finally:
        install_language(qapp, "zh_CN")
    assert tr("入编") == "入编"


def test_settings_dialog_saves_language_and_actor(qtbot):  # type: ignore[no-untyped-def]
    from ui import settings
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    qtbot.keyClicks(dialog.actor, "wang")
    dialog.findChild(QDialogButtonBox).accepted.emit()
    try:
        assert settings.get("ui/language") == "en"
        assert settings.get("ui/actor") == "wang"
    finally:
        settings.set("ui/language", "zh_CN")
        settings.set("ui/actor", "")
