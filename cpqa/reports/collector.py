"""Python's cyclic garbage collector paused while a report is built or drawn.

Building a report reads hundreds of thousands of facts, and WeasyPrint builds
hundreds of thousands of boxes that live until the PDF is written: the collector
walked them again and again as they grew, a quarter of the time of a long
report's PDF and about a tenth of a first build (bench/bench_reports.py). None of
that is garbage until the end; what is freed is freed by reference counting as
usual, and any cycles once the collector runs again. Measured: no higher peak
memory.
"""

from __future__ import annotations

import gc
import threading


class _CollectorPause:
    """`with collector_paused:` the collector is off until the last of the blocks
    open in any thread ends; then on again, if it was on at the start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._restore = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._restore:
                gc.enable()


collector_paused = _CollectorPause()
