"""The request histories of API users in a SQLite file, shared by the processes of a machine.

Every task process on one machine opens the same file (by default
:func:`default_sqlite_path`, in the system's temp directory: no set-up) and each
check-and-record runs in one ``BEGIN IMMEDIATE`` transaction, which takes the file's write
lock before reading, so two processes never both see room for the last slot. WAL mode
lets the lock be held only for the microseconds of the transaction. Each row keeps its
scope's limit for the in-flight rule (:func:`~triboo_provider.client.budget.wait_for`,
here in SQL). No Airflow import.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from triboo_provider.client.budget import MAX_WINDOW, MICROS, ForkSafeLock, StoreUnavailable
from triboo_provider.client.budget_local import keep_us, poll_us

FILE_NAME = "rate-limit-budget.sqlite3"
# Table "requests", not "history": development builds made "history" with no limit column,
# and a file left by one in the temp directory must not break (each build its own table).
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS requests"
    " (api_user TEXT NOT NULL, at_us INTEGER NOT NULL, lim INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS requests_by_user ON requests (api_user, at_us)",
)
# Any entry older than this is dropped, whoever's it is: no history keeps one that long.
_FORGET_US = 3 * round(MAX_WINDOW * MICROS)
# Entries "after t" (budget.wait_for): later than t, or unanswered (a limit above 0) when
# there is a margin. The in-flight rule: the latest unanswered entry E whose count of
# entries after E's window start (E included) has reached its limit.
_IN_FLIGHT = """
SELECT MAX(e.at_us) FROM requests AS e
WHERE e.api_user = :key AND e.lim > 0
  AND e.lim <= (SELECT COUNT(*) FROM requests AS x
                WHERE x.api_user = :key
                  AND (x.at_us > e.at_us - :window OR (:margin > 0 AND x.lim > 0)))
"""
# The own rule's counts: inside the window, and after its start.
_COUNTS = """
SELECT COALESCE(SUM(at_us > :now - :window), 0),
       COALESCE(SUM(at_us > :now - :window OR (:margin > 0 AND lim > 0)), 0)
FROM requests WHERE api_user = :key
"""


def default_sqlite_path() -> Path:
    """``<temp dir>/airflow-provider-triboo-<uid>/rate-limit-budget.sqlite3``: one per OS
    user of a machine (``TMPDIR`` moves it). Per user, as a directory of mode 0700: no other
    local user can read the histories, fill them, or plant the file first."""
    return Path(tempfile.gettempdir()) / f"airflow-provider-triboo-{os.getuid()}" / FILE_NAME


class SQLiteHistory:
    """Histories in the SQLite file ``path`` (its directory made, mode 0700, if missing).

    ``timeout`` is how long (seconds) a transaction waits for another process's lock.
    Errors of the file (unwritable, locked past ``timeout``, corrupt, disk full) raise
    :class:`StoreUnavailable`. Safe across threads (one connection, a lock) and across
    ``fork()`` (a child opens its own connection and makes its own lock).
    """

    def __init__(self, path: Path | str | None = None, *, timeout: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_sqlite_path()
        self.timeout = timeout
        self._lock = ForkSafeLock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def __str__(self) -> str:
        return f"SQLite file {self.path}"

    def admit(
        self,
        key: str,
        limit: int,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> tuple[int, int]:
        with self._transaction() as db:
            now_us = clock_us()  # under the write lock: see HistoryStore.admit
            args: dict[str, int | str] = {
                "key": key,
                "now": now_us,
                "window": window_us,
                "margin": margin_us,
            }
            _tidy(db, args)
            # Histories of API users no longer used would stay forever: drop what no window
            # can still count (the index's order is per user: this scans a small table).
            db.execute("DELETE FROM requests WHERE at_us <= ?", (now_us - _FORGET_US,))
            wait_us = self._wait(db, limit, args) if limit > 0 else 0
            if wait_us > 0:
                return wait_us, now_us
            db.execute("INSERT INTO requests VALUES (?, ?, ?)", (key, now_us, max(limit, 0)))
            return 0, now_us

    @staticmethod
    def _wait(db: sqlite3.Connection, limit: int, args: dict[str, int | str]) -> int:
        now_us, window_us, margin_us = int(args["now"]), int(args["window"]), int(args["margin"])
        poll = poll_us(margin_us)
        (inside, count) = db.execute(_COUNTS, args).fetchone()
        inside, count = int(inside), int(count)
        wait_us = 0
        if count >= limit:
            leaving = count - limit  # among the entries inside the window, oldest first
            if leaving < inside:
                (oldest,) = db.execute(
                    "SELECT at_us FROM requests WHERE api_user = :key AND at_us > :now - :window"
                    " ORDER BY at_us LIMIT 1 OFFSET :offset",
                    {**args, "offset": leaving},
                ).fetchone()
                wait_us = int(oldest) + window_us - now_us
            else:
                wait_us = poll
        if margin_us > 0:
            (in_flight,) = db.execute(_IN_FLIGHT, args).fetchone()
            if in_flight is not None:
                margin_end = int(in_flight) + margin_us - now_us
                wait_us = max(wait_us, margin_end if margin_end > 0 else poll)
        return wait_us

    def settle(
        self,
        key: str,
        at_us: int,
        limit: int,
        *,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> None:
        with self._transaction() as db:
            args: dict[str, int | str] = {
                "key": key,
                "now": clock_us(),  # under the write lock, as in admit
                "window": window_us,
                "margin": margin_us,
                "at": at_us,
                "lim": max(limit, 0),
            }
            _tidy(db, args)
            moved = db.execute(
                "UPDATE requests SET at_us = :now, lim = 0 WHERE rowid = (SELECT rowid"
                " FROM requests WHERE api_user = :key AND at_us = :at AND lim = :lim LIMIT 1)",
                args,
            )
            if moved.rowcount == 0:  # none such: recorded anyway (see HistoryStore.settle)
                db.execute("INSERT INTO requests VALUES (:key, :now, 0)", args)

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        keep = keep_us(window_us, margin_us)
        rows = [(key, now_us - max(age, 0), 0) for age in ages_us if age < keep]
        with self._transaction() as db:
            _clamp(db, {"key": key, "now": now_us})  # as the other stores do; nothing trimmed
            db.executemany("INSERT INTO requests VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            with suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                db = self._connect()
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.rollback()
                    raise
                db.commit()
            except (sqlite3.Error, OSError) as error:
                # Open a new connection next time: this one may be what broke.
                self._drop()
                raise StoreUnavailable(f"{type(error).__name__}: {error}") from error

    def _connect(self) -> sqlite3.Connection:
        # A connection inherited through fork() shares the parent's file locks: never use it.
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.path == default_sqlite_path():
            _check_private(self.path.parent)
        db = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            # WAL: readers never wait; NORMAL: no fsync per commit (a lost budget after a
            # power cut costs at most one window of pacing).
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            db.commit()
        except BaseException:
            db.close()
            raise
        self._connection, self._pid = db, os.getpid()
        return db


def _clamp(db: sqlite3.Connection, args: dict[str, int | str]) -> None:
    """Move the key's entries later than now to now (the clock stepped back)."""
    db.execute("UPDATE requests SET at_us = :now WHERE api_user = :key AND at_us > :now", args)


def _tidy(db: sqlite3.Connection, args: dict[str, int | str]) -> None:
    """:func:`_clamp`, then drop the entries no longer kept (:func:`keep_us`)."""
    _clamp(db, args)
    keep = keep_us(int(args["window"]), int(args["margin"]))
    db.execute(
        "DELETE FROM requests WHERE api_user = :key AND at_us <= :now - :keep",
        {**args, "keep": keep},
    )


def _check_private(directory: Path) -> None:
    """Refuse (``PermissionError``: the budget then paces locally) a default directory that
    another user made or can write: in a shared temp directory, anyone can create it first."""
    info = directory.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not directory.is_dir():
        raise PermissionError(f"{directory} is not a private directory of this user (mode 0700)")
