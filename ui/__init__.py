"""The PySide6 desktop window of Bianzhi; imports bianzhi_app, never the other way round."""

import os

from ui import qt_import

qt_import.install()  # before any module of ui imports PySide6
# Qt's raster engine hands every fill taller than 96 lines (a frame, a scroll bar, a tab page) to a
# thread pool and waits for it: on an office PC's 2 cores, starting those threads and handing off
# cost more than the fills (the first paint took 8 ms longer). Read by Qt at the first paint.
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
