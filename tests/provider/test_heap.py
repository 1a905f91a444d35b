"""frozen_heap: the collector leaves the objects alive at an export's start alone, and
gets them back when the last export of the process ends."""

from __future__ import annotations

import gc
import glob
import os
import shutil
import subprocess
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from triboo_provider import heap
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
    theirs: list[int] = []
    gc.freeze()  # as in a process forked from an Airflow LocalExecutor worker
    keep: list[list[int]] = [[] for _ in range(100)]  # new tracked objects, not frozen by the block
    # Objects, not the freeze count: frozen objects that die (another test's thread letting
    # go of one) leave the permanent generation, so the count may drop meanwhile.
    with frozen_heap():
        assert not _visible(theirs)
        assert all(_visible(one) for one in keep)
    assert not _visible(theirs)
    assert all(_visible(one) for one in keep)


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


def _visible(obj: object) -> bool:
    """Whether the collector still visits ``obj`` (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


def test_collector_parked_objects_are_not_a_freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    # CPython 3.12 parks immortal objects in the permanent generation by itself, so the
    # count is above 0 though nobody froze (tests/provider/test_review_export_cpu.py runs
    # the real thing on a 3.12 interpreter); the block must freeze all the same.
    alive: list[int] = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 375)
    with frozen_heap():
        assert not _visible(alive)
    assert _visible(alive)


def test_a_freeze_made_during_overlapping_blocks_outlives_the_last() -> None:
    entered, release = threading.Event(), threading.Event()

    def other_export() -> None:
        with frozen_heap():
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=other_export)
    with frozen_heap():
        thread.start()
        assert entered.wait(10)
        with frozen_heap():
            theirs: list[int] = []
            gc.freeze()  # someone else, never unfreezing
    release.set()
    thread.join(10)
    assert not _visible(theirs)
    mine: list[int] = []
    with frozen_heap():  # the heap is theirs now: the next block leaves it alone
        assert _visible(mine)
    assert not _visible(theirs)


def test_a_freeze_undone_during_the_block_does_not_keep_the_heap_frozen() -> None:
    alive: list[int] = []
    with frozen_heap():
        gc.freeze()
        gc.unfreeze()  # theirs is over, and it undid the block's freeze too
    assert _visible(alive)
    assert gc.get_freeze_count() == 0


def _python(minor: int) -> str | None:
    """A CPython 3.<minor> interpreter on this machine, if any (heap.py needs only the
    standard library, so it runs there as it is)."""
    pattern = os.path.expanduser(f"~/.pyenv/versions/3.{minor}*/bin/python3.{minor}")
    for candidate in [*sorted(glob.glob(pattern)), shutil.which(f"python3.{minor}")]:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        try:  # a pyenv shim answers for a version it does not have, and fails
            answer = subprocess.run(
                [candidate, "-I", "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if answer.stdout.strip() == f"(3, {minor})":
            return candidate
    return None


# The cases above, as another interpreter runs them: what the permanent generation holds
# differs by version (3.12's collector parks immortal objects there, 3.11 and 3.13 not).
_CASES = """
import gc, importlib.util, sys
spec = importlib.util.spec_from_file_location("heap", sys.argv[1])
heap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(heap)
seen = lambda obj: any(o is obj for o in gc.get_objects())
alive = [[] for _ in range(100)]
gc.collect()
with heap.frozen_heap():
    inside = sum(map(seen, alive))
after = sum(map(seen, alive))
with heap.frozen_heap():
    theirs = []
    gc.freeze()
mine = []
with heap.frozen_heap():
    left_alone = seen(mine)
print(inside, after, seen(theirs), left_alone)
"""


@pytest.mark.parametrize("minor", [11, 12, 13, 14])
def test_the_same_on_every_python_version(minor: int) -> None:
    python = _python(minor)
    if python is None:
        pytest.skip(f"no CPython 3.{minor} interpreter on this machine")
    answer = subprocess.run(
        [python, "-I", "-c", _CASES, str(Path(heap.__file__))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Frozen inside, back after; a freeze made meanwhile kept, and left to the next block.
    assert answer.stdout.split() == ["0", "100", "False", "True"]
