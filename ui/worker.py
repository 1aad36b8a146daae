"""One worker thread for every database write (Anki's taskman): results come back by signal.

`Worker.submit(fn, on_done, on_failed)` runs `fn()` on the single thread of a QThreadPool and
calls `on_done(result)` or `on_failed(error)` on the main thread, in submission order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class Job(QRunnable):
    """One unit of background work; `cancelled()` and `progress()` are safe to call from it."""

    def __init__(self, fn: Callable[[Job], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, what: str = "") -> None:
        self.signals.progress.emit(done, total, what)

    def run(self) -> None:
        try:
            result = self.fn(self)
        except BaseException as error:  # reported to the main thread, never lost in the worker
            self.signals.failed.emit(error)
        else:
            self.signals.done.emit(result)


class Worker(QObject):
    """Serialises database writes on one thread."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._jobs: set[Job] = set()

    def submit(self, fn: Callable[[Job], Any], on_done: Callable[[Any], None],
               on_failed: Callable[[BaseException], None]) -> Job:
        job = Job(fn)
        self._jobs.add(job)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._jobs.discard(job)
            callback(value)

        job.signals.done.connect(lambda result: finish(on_done, result))
        job.signals.failed.connect(lambda error: finish(on_failed, error))
        self.pool.start(job)
        return job

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
