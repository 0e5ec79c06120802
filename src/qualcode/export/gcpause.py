"""Pausing Python's cyclic garbage collector while an export builds its tables.

An export creates hundreds of thousands of small objects that all stay alive until the file is
written (passages, members, cells); every 700 allocations the collector walks them again. With
50,000 codings that was a third of reading the project and building the data matrix. The
objects hold no reference cycles that need collecting before the export ends, and the collector
is switched back on (as it was) afterwards, so memory behaves as before once the export returns.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import wraps


@contextmanager
def paused_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(fn):
    """Decorator: run ``fn`` with the cyclic collector paused."""

    @wraps(fn)
    def run(*args, **kwargs):
        with paused_gc():
            return fn(*args, **kwargs)

    return run
