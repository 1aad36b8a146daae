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


def install_language(app: QCoreApplication, language: str) -> bool:
    """Install the translator of `language` (zh_CN needs none); False when no file is found."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(language))
    if language == "zh_CN":
        return True
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS / f"bianzhi_{language}.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
