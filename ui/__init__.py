"""The PySide6 desktop window of Bianzhi; imports bianzhi_app, never the other way round."""

from ui import qt_import

qt_import.install()  # before any module of ui imports PySide6
