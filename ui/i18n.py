"""Qt's translation function for the whole window, and loading the chosen language.

Source texts are Chinese (the default language); `tr("…")` calls are what pyside6-lupdate
extracts into translations/bianzhi_en.ts (one context for the app keeps the file simple).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh_CN": "中文(简体)", "en": "English"}

_installed: list[QTranslator] = []


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def qt_translations_dir() -> str:
    """Where Qt keeps its own translations (qtbase_zh_CN.qm: OK, Cancel, Yes, the file dialogs …)."""
    from PySide6.QtCore import QLibraryInfo

    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install_qt_translation(app: QCoreApplication, language: str) -> bool:
    """Qt's own texts (the buttons of QDialogButtonBox and QMessageBox, the file dialogs) in `language`."""
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", qt_translations_dir()):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def install_language(app: QCoreApplication, language: str) -> bool:
    """Install the translator of `language` (the app's own texts are Chinese, so zh_CN needs only Qt's);
    False when the app's file is not found."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(language))
    install_qt_translation(app, language)
    if language == "zh_CN":
        return True
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS / f"bianzhi_{language}.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
