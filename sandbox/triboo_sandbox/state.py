"""A sandbox's state on disk, so that a killed sandbox restarts where it was.

A real tenant keeps users, enrollments and issued tokens in its database, and its rate-limit
history in a cache, so all of them outlive a restart of the server. The sandbox keeps them in
memory; ``triboo-sandbox serve --state FILE`` saves them to FILE after every change, before
the answer is sent (as the database commits before the server answers), and resumes from
FILE when it exists. The rate-limit history is the one of the last change: requests that
changed nothing since then are not in it.

What is not state: the fault settings (a restarted sandbox has the ones it is started with)
and the request counters. Token expiry times are ``time.monotonic()`` readings, the
machine's clock since boot, so they hold across processes on one machine.

The file is a pickle: resume only from files a sandbox wrote.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

from triboo_sandbox.app import Sandbox
from triboo_sandbox.faults import Faults


def save(sandbox: Sandbox, path: Path) -> None:
    """Write the state atomically: a kill at any moment leaves the previous or the new one."""
    durable = dataclasses.replace(sandbox, faults=Faults(), on_change=None, requests=0, throttled=0)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("wb") as file:
        pickle.dump(durable, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


def load(path: Path, faults: Faults) -> Sandbox:
    """The sandbox saved in ``path``, with ``faults`` as its fault settings."""
    with path.open("rb") as file:
        try:
            sandbox = pickle.load(file)  # noqa: S301 - a file a sandbox wrote (see the docstring)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as problem:
            raise ValueError(f"{path} is not a sandbox state file ({problem})") from None
    if not isinstance(sandbox, Sandbox):
        raise ValueError(f"{path} is not a sandbox state file")
    return dataclasses.replace(sandbox, faults=faults)


def persist(sandbox: Sandbox, path: Path) -> None:
    """Save ``sandbox`` to ``path`` now and after every change from here on."""
    sandbox.on_change = lambda changed: save(changed, path)
    save(sandbox, path)
