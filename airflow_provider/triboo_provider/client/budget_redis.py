"""The request histories of API users on a Redis server, shared by every worker.

One sorted set per API user (members unique, scores the request times in microseconds),
trimmed to the window at every step and expiring one window after its last request, so
an unused API user leaves nothing behind. Each check-and-record is one Lua script, which
Redis runs atomically. Times come from the Redis server's clock by default (``TIME``), so
workers whose clocks disagree still share one timeline; the caller's clock is used when
``server_time=False`` (tests of clock edges). Needs the ``[redis]`` extra (redis-py). No
Airflow import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import cast

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

from triboo_provider.client.budget import StoreUnavailable

# ARGV: window_us, now_us ("" for the server's clock), then per script below. Numbers go to
# redis.call() through '%.0f': Lua's own number-to-string keeps 14 digits, and a time in
# microseconds has 16.
_NOW = """
local window = tonumber(ARGV[1])
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
"""
_EXPIRE = "redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(window / 1000) + 1000))"

# ARGV[3]: limit, ARGV[4]: the new member. Returns {0, now} (recorded) or {wait, now}.
_ADMIT = f"""{_NOW}
local limit = tonumber(ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
  {_EXPIRE}
  return {{0, now}}
end
local nth = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return {{tonumber(nth[2]) + window - now, now}}
"""

# ARGV[3..]: pairs of age_us and member.
_ADD = f"""{_NOW}
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], string.format('%.0f', now - tonumber(ARGV[i])), ARGV[i + 1])
end
{_EXPIRE}
return 0
"""


class RedisHistory:
    """Histories on the Redis server at ``url`` (``redis://[:password@]host:6379/0``,
    ``rediss://`` for TLS, ``unix:///path/redis.sock``).

    ``timeout`` (seconds) bounds each connect and each answer, so a server that went away
    costs at most one retried call before :class:`StoreUnavailable`. Any Redis error (none
    listening, a read-only replica, a refused password) raises :class:`StoreUnavailable`.
    The URL's password never appears in ``str()`` nor in an error message.
    """

    def __init__(self, url: str, *, timeout: float = 2.0, server_time: bool = True) -> None:
        self.server_time = server_time
        try:
            self._redis = redis.Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                # One reconnect (a connection closed while idle), no back-off: when the
                # server is away, the budget paces locally rather than waiting here.
                retry=Retry(NoBackoff(), 1),
            )
        except ValueError:
            # Not chained: redis-py's messages may quote parts of a URL that holds a password.
            raise StoreUnavailable(
                "not a Redis URL (redis://, rediss:// or unix://, with a valid port and db)"
            ) from None
        kwargs = self._redis.connection_pool.connection_kwargs
        where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        self._shown = f"Redis at {where}, db {kwargs.get('db', 0)}"
        self._admit = self._redis.register_script(_ADMIT)
        self._add = self._redis.register_script(_ADD)

    def __str__(self) -> str:
        return self._shown

    def admit(
        self, key: str, limit: int, window_us: int, clock_us: Callable[[], int]
    ) -> tuple[int, int]:
        # With the caller's clock the time is read before the call, not inside the script:
        # exact for one client (tests of clock edges), not for several (see HistoryStore).
        now: int | str = "" if self.server_time else clock_us()
        answer = self._run(self._admit, key, [window_us, now, limit, uuid.uuid4().hex])
        wait_us, at_us = cast(list[int], answer)
        return int(wait_us), int(at_us)

    def add(self, key: str, ages_us: Sequence[int], window_us: int, now_us: int) -> None:
        pairs: list[int | str] = []
        for age in ages_us:
            if age < window_us:
                pairs += [age, uuid.uuid4().hex]
        self._run(self._add, key, [window_us, "" if self.server_time else now_us, *pairs])

    def close(self) -> None:
        self._redis.close()

    def _run(self, script: Script, key: str, args: Sequence[int | str]) -> object:
        try:
            return cast(object, script(keys=[key], args=list(args)))
        except redis.RedisError as error:
            # redis-py's messages name host and port, never the password.
            raise StoreUnavailable(f"{type(error).__name__}: {error}") from error
