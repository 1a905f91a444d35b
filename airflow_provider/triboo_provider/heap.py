"""Keep the cyclic garbage collector off the process's long-lived objects during an export.

An export decodes pages of JSON into hundreds of thousands of dicts and lists, so the
collector runs often, and every few pages it runs a full collection, which visits every
tracked object of the process: in a task process, the 150 000 or more of Airflow, its
providers and their modules, imported before the task starts and alive until it ends.
Measured on the 100 000-user export (``make bench`` workload 1), those full collections
cost about 3 us of CPU per row, a quarter of the export's CPU.

:func:`frozen_heap` moves the objects alive when it starts into the collector's permanent
generation (:func:`gc.freeze`) and back when it ends (:func:`gc.unfreeze`): meanwhile the
collector visits only what the export creates. Nothing is freed later than it would be
by reference counting; a reference cycle that was already garbage when the export started
is collected by the first full collection after it.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Freezes:
    """The blocks open in this process (exports in several threads) and whether the first
    of them froze the heap (then the last one unfreezes it)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.froze = False

    def enter(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.froze = gc.isenabled() and gc.get_freeze_count() == 0
                if self.froze:
                    gc.freeze()
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.froze:
                self.froze = False
                gc.unfreeze()


_FREEZES = _Freezes()
# A child forked inside a block never leaves it: it starts afresh. What the parent froze
# stays frozen in the child (its freeze count is above 0), so the child never unfreezes it.
os.register_at_fork(after_in_child=_FREEZES.reset)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects alive now for the collector while the block runs.

    Blocks may nest or overlap in threads: the first one freezes, the last one unfreezes.
    It does nothing when the collector is disabled, or when the permanent generation is
    already in use (``gc.get_freeze_count()`` above 0, as in a process forked from one
    that froze its heap first, like Airflow's LocalExecutor workers): unfreezing at the
    end would also unfreeze the objects someone else froze, and freezing without
    unfreezing would keep the cycles among them from ever being collected.
    """
    _FREEZES.enter()
    try:
        yield
    finally:
        _FREEZES.leave()
