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

The permanent generation is one per interpreter and :func:`gc.unfreeze` empties it whole,
so the block must know whether anyone else put objects there. ``gc.get_freeze_count()``
cannot say so alone: on CPython 3.12 the collector itself parks the immortal objects it
meets there (a few hundred in a fresh interpreter, never unfrozen for good), while 3.11
and 3.13+ only put what :func:`gc.freeze` moves. What can say so is an object's place:
:func:`gc.get_objects` lists every tracked object except the frozen ones (3.10 to 3.13
checked; current free-threaded sources filter them out too), and a freeze moves every
tracked object alive at that moment. So "someone froze before the block" is "the ``sys``
module, alive since the interpreter started, is frozen", and "someone froze during the
block" is "an object the block created just after its own freeze is frozen".
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def _frozen(obj: object) -> bool:
    """Whether ``obj`` (a tracked object) sits in the permanent generation.

    O(tracked objects not frozen): about 30 ns each, a few ms in an Airflow task process.
    """
    return not any(o is obj for o in gc.get_objects())


def _frozen_by_someone_else() -> bool:
    """Whether the permanent generation holds objects a :func:`gc.freeze` put there."""
    if gc.get_freeze_count() == 0:
        return False  # nothing there: the common case, without scanning the heap
    if not gc.is_tracked(sys):
        return True  # no witness: read any count as a freeze, the cautious side
    # Any freeze since the interpreter started moved the sys module, unless undone by an
    # unfreeze since; objects the collector parked (3.12) do not move it.
    return _frozen(sys)


class _Freezes:
    """The blocks open in this process (exports in several threads) and whether the first
    of them froze the heap (then the last one unfreezes it, unless someone froze since)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.froze = False
        # Created right after the block's freeze: a later gc.freeze() moves it too.
        self.sentinel: list[object] | None = None

    def enter(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.froze = gc.isenabled() and not _frozen_by_someone_else()
                if self.froze:
                    gc.freeze()
                    self.sentinel = []
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.froze:
                sentinel, self.sentinel, self.froze = self.sentinel, None, False
                # Someone froze meanwhile (as Airflow's DAG processor manager does before
                # forking, never unfreezing): gc.unfreeze() would undo their freeze too,
                # so the heap stays frozen. Their freeze moved every object alive then,
                # so what that adds is only the cycles among the block's frozen objects
                # that became garbage before their freeze: never collected.
                if sentinel is not None and not _frozen(sentinel):
                    gc.unfreeze()


_FREEZES = _Freezes()
# A child forked inside a block never leaves it: it starts afresh. What the parent froze
# stays frozen in the child (its sys module is frozen), so the child never unfreezes it.
os.register_at_fork(after_in_child=_FREEZES.reset)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects alive now for the collector while the block runs.

    Blocks may nest or overlap in threads: the first one freezes, the last one unfreezes.
    It does nothing when the collector is disabled, or when someone else froze the heap
    first (as in a process forked from one that froze its heap, like Airflow's
    LocalExecutor workers): unfreezing at the end would also unfreeze the objects they
    froze, and freezing without unfreezing would keep the cycles among the objects made
    since from ever being collected. Objects the collector itself keeps in the permanent
    generation (the immortal ones, CPython 3.12) are not a freeze. When someone else
    freezes while a block is open, the last block leaves the heap frozen instead of
    unfreezing theirs.

    A freeze made by another thread between the block's own :func:`gc.freeze` and the
    creation of its sentinel (a few bytecodes) freezes the same objects and cannot be
    told apart; the block then unfreezes it.

    Costs one scan of the tracked objects not frozen when it starts on CPython 3.12 (or
    when someone froze), and one when the last block ends: about 30 ns an object. Raises
    nothing of its own.
    """
    _FREEZES.enter()
    try:
        yield
    finally:
        _FREEZES.leave()
