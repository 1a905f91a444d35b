"""frozen_heap: the collector leaves the objects alive at an export's start alone, and
gets them back when the last export of the process ends."""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Iterator

import pytest
from triboo_provider.heap import frozen_heap


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()
    gc.enable()


def test_freezes_the_objects_alive_now_and_unfreezes_them_after() -> None:
    with frozen_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_unfreezes_after_an_exception() -> None:
    with pytest.raises(RuntimeError), frozen_heap():
        raise RuntimeError("the export failed")
    assert gc.get_freeze_count() == 0


def test_a_cycle_made_garbage_meanwhile_is_collected_after() -> None:
    class Node:
        other: object

    node = Node()
    node.other = node
    alive = weakref.ref(node)
    with frozen_heap():
        del node
        gc.collect()
        assert alive() is not None  # frozen: out of the collector's sight
    gc.collect()
    assert alive() is None  # back in the oldest generation: collected


def test_nested_and_overlapping_blocks_unfreeze_once_at_the_last_exit() -> None:
    entered, release = threading.Event(), threading.Event()
    counts: list[int] = []

    def other_export() -> None:
        with frozen_heap():
            entered.set()
            release.wait(10)

    with frozen_heap():
        thread = threading.Thread(target=other_export)
        thread.start()
        assert entered.wait(10)
        with frozen_heap():
            pass
        counts.append(gc.get_freeze_count())
    counts.append(gc.get_freeze_count())  # the other export still runs
    release.set()
    thread.join(10)
    assert counts[0] > 0
    assert counts[1] > 0
    assert gc.get_freeze_count() == 0


def test_leaves_a_heap_frozen_by_someone_else_as_it_is() -> None:
    gc.freeze()  # as in a process forked from an Airflow LocalExecutor worker
    before = gc.get_freeze_count()
    keep: list[list[int]] = [[] for _ in range(100)]  # new tracked objects, not frozen by the block
    with frozen_heap():
        assert gc.get_freeze_count() == before
    assert gc.get_freeze_count() == before
    assert keep


def test_does_nothing_while_the_collector_is_disabled() -> None:
    gc.disable()
    with frozen_heap():
        assert gc.get_freeze_count() == 0
    assert gc.get_freeze_count() == 0
    assert not gc.isenabled()


def test_a_child_forked_inside_a_block_leaves_the_frozen_heap_frozen() -> None:
    reader, writer = os.pipe()
    with frozen_heap():
        pid = os.fork()
        if pid == 0:  # the child: the parent's block is not its own
            with frozen_heap():
                pass
            os.write(writer, b"1" if gc.get_freeze_count() > 0 else b"0")
            os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    assert os.read(reader, 1) == b"1"
    os.close(reader)
    assert gc.get_freeze_count() == 0
