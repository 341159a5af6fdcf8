"""Keep Python's cycle collector away from the standards while a build uses them.

Loading the standards makes a great many small objects (each YAML value's location, the
model) that live until the build ends. Left alone, the cycle collector looks at every one
of them again on each of its passes, and rendering the pages starts thousands of passes.
So the standards are loaded with the collector off, then frozen out of its reach
(:func:`gc.freeze`) until the build hands them back (:func:`thaw`). Objects are still
freed as soon as nothing refers to them; only the search for reference cycles skips them.

Measured with ``bench/bench_build.py``: at ten times the default standards this takes
about a fifth off loading, checking and rendering.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Create long-lived objects with the collector off; afterwards everything alive is frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


def thaw() -> None:
    """Hand every frozen object back to the collector (the end of a build, so a long-running preview does not keep them)."""
    gc.unfreeze()
