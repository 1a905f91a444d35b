"""Fault injection for the API routes, switchable per run (CLI flags or the admin route).

Faults apply to ``/api/`` requests only, after the app would have answered. Counted faults
(``*_next``) are used up one request at a time; rates draw from a seeded generator so a
test run is repeatable.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTML_ERROR = b"<!DOCTYPE html><html><head><title>%d</title></head><body><h1>%d</h1></body></html>"


@dataclass
class Faults:
    """What goes wrong, and how often. All zero: nothing does."""

    fail_rate: float = 0.0  # share of requests answered with fail_status
    fail_next: int = 0  # the next N requests answered with fail_status
    fail_status: int = 503  # 500 answers JSON like the current server, 502/503 an HTML page
    drop_rate: float = 0.0  # share of connections dropped mid-response
    drop_next: int = 0
    delay: float = 0.0  # seconds added to delayed requests
    delay_next: int = 0  # 0 with delay > 0: every request is delayed
    throttle_next: int = 0  # a 429 storm: the next N requests are throttled
    truncate_next: int = 0  # the next N bodies are cut in half (invalid JSON)
    html_next: int = 0  # the next N answers are an HTML error page (502)
    # The Nth request from now is the last: its change is saved, then the process is killed
    # before it answers. Only a sandbox in its own process (`triboo-sandbox serve`) allows it.
    kill_after: int = 0
    expire_after: int = 0  # the Nth request from now finds every issued token expired
    # Data that changes while a client pages through it: the Nth request from now finds each
    # organisation's first ordinary user and first course moved out of it (count one lower,
    # every later item one place earlier), for `leave_for` requests (0: for good).
    leave_after: int = 0
    leave_for: int = 0
    seed: int = 0
    injected: int = 0  # faults injected so far (read by tests; not a setting)
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)
    _kill: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply settings by name; unknown names are an error."""
        known = {
            f.name: f.type
            for f in fields(self)
            if not f.name.startswith("_") and f.name != "injected"
        }
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown fault setting {name!r}; known: {sorted(known)}")
            if name == "kill_after" and int(value) > 0 and self._kill is None:
                raise ValueError(
                    "kill_after needs a sandbox in its own process (triboo-sandbox serve): "
                    "this one runs inside another program, which it would kill"
                )
            setattr(self, name, float(value) if "float" in str(known[name]) else int(value))
        self._rng.seed(self.seed)

    def reset(self) -> None:
        self.update(
            {
                f.name: f.default
                for f in fields(self)
                if not f.name.startswith("_") and f.name != "injected"
            }
        )

    def allow_kill(self, kill: Callable[[], None]) -> None:
        """Let ``kill_after`` end the process with ``kill`` (the CLI passes a SIGKILL)."""
        self._kill = kill

    def arrived(self, counter: str, *, fault: bool = True) -> bool:
        """Count one request down towards ``counter`` (``kill_after``, ``expire_after``,
        ``leave_after``); True for the request it was counting to, which counts as an
        injected fault unless ``fault`` is False (a change of data, not of the transport)."""
        remaining: int = getattr(self, counter)
        if remaining <= 0:
            return False
        setattr(self, counter, remaining - 1)
        if remaining == 1:
            self.injected += fault
            return True
        return False

    def kill(self) -> None:
        if self._kill is None:
            raise RuntimeError("this sandbox cannot be killed (see kill_after)")
        self._kill()

    def settings(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}

    def _take(self, counter: str, rate: float = 0.0) -> bool:
        remaining: int = getattr(self, counter)
        if remaining > 0:
            setattr(self, counter, remaining - 1)
            return True
        return rate > 0 and self._rng.random() < rate

    def pick(self) -> str | None:
        """The fault for the next request, if any (counters are consumed here)."""
        for name, counter, rate in (
            ("throttle", "throttle_next", 0.0),
            ("fail", "fail_next", self.fail_rate),
            ("html", "html_next", 0.0),
            ("drop", "drop_next", self.drop_rate),
            ("truncate", "truncate_next", 0.0),
        ):
            if self._take(counter, rate):
                self.injected += 1
                return name
        return None

    def delay_for_next(self) -> float:
        """Seconds to hold the next request: ``delay`` for every request, or for the next
        ``delay_next`` ones only, after which the delay is over."""
        seconds = self.delay
        if seconds > 0 and self.delay_next > 0:
            self.delay_next -= 1
            if self.delay_next == 0:
                self.delay = 0.0
        return seconds


class FaultMiddleware:
    """ASGI middleware that injects the configured faults into ``/api/`` requests.

    ``leave`` and ``rejoin`` move records out of their organisation and back (``Store.leave``
    and ``Store.rejoin``) for the ``leave_after`` fault.
    """

    def __init__(
        self,
        app: ASGIApp,
        faults: Faults,
        expire_tokens: Callable[[], object],
        leave: Callable[[], Any],
        rejoin: Callable[[Any], object],
    ) -> None:
        self.app = app
        self.faults = faults
        self.expire_tokens = expire_tokens
        self.leave = leave
        self.rejoin = rejoin
        self._away: Any = None
        self._away_for = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        seconds = self.faults.delay_for_next()
        if seconds > 0:
            await asyncio.sleep(seconds)
        if self.faults.arrived("expire_after"):
            self.expire_tokens()
        self._move_records()
        if self.faults.arrived("kill_after"):
            await self.app(scope, receive, self._killing(send))
            return
        fault = self.faults.pick()
        if fault == "throttle":
            body = {"detail": "Request was throttled. Expected available in 1.0 second."}
            await _answer(
                send, 429, json.dumps(body).encode(), "application/json", [(b"retry-after", b"1")]
            )
        elif fault == "fail" and self.faults.fail_status == 500:
            body = {"api_error_message": "Injected server error"}
            await _answer(send, 500, json.dumps(body).encode(), "application/json")
        elif fault in ("fail", "html"):
            status = self.faults.fail_status if fault == "fail" else 502
            await _answer(send, status, HTML_ERROR % (status, status), "text/html")
        elif fault in ("drop", "truncate"):
            await self._mangle(fault, scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _move_records(self) -> None:
        """The ``leave_after`` fault: records leave at its request and come back
        ``leave_for`` requests later (never when ``leave_for`` is 0)."""
        if self._away_for > 0:
            self._away_for -= 1
            if self._away_for == 0:
                self.rejoin(self._away)
                self._away = None
        if self.faults.arrived("leave_after", fault=False):
            self._away = self.leave()
            self._away_for = self.faults.leave_for

    def _killing(self, send: Send) -> Send:
        """A ``send`` that kills the process when the answer starts: the app has made (and,
        with ``--state``, saved) its change, and the client never hears of it."""

        async def kill_then_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.faults.kill()
            await send(message)

        return kill_then_send

    async def _mangle(self, fault: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, then send half of its body: truncated, or cut off mid-response."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        half = body[: len(body) // 2]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if fault == "truncate":
            headers.append((b"content-length", str(len(half)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": half})
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": half, "more_body": True})
        raise ConnectionAbortedError("sandbox fault: connection dropped mid-response")


async def _answer(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})
