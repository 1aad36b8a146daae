"""The PySide6 desktop window of Bianzhi; imports bianzhi_app, never the other way round."""
