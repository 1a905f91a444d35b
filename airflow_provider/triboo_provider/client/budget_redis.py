"""The request histories of API users on a Redis server, shared by every worker.

One sorted set per API user (members ``<limit>:<unique id>``, the scope's limit while the
request is unanswered and 0 after; scores the request times in microseconds), trimmed to
what it keeps (``budget_local.keep_us``) at every admission and settle, and expiring that
long after its last write, so an unused API user leaves nothing behind. Each
check-and-record is one Lua script, which Redis runs atomically. Times come from the Redis
server's clock by default (``TIME``), so workers whose clocks disagree still share one
timeline; the caller's clock is used when ``server_time=False`` (tests of clock edges).
Needs the ``[redis]`` extra (redis-py). No Airflow import.
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
from triboo_provider.client.budget_local import keep_us, poll_us

# ARGV: window_us, now_us ("" for the server's clock), margin_us, then per script below.
# Numbers go to redis.call() through f() ('%.0f'): Lua's own number-to-string keeps 14
# digits, and a time in microseconds has 16. Entries later than now (a clock stepped back)
# are moved to now, so no wait exceeds the window.
_NOW = """
local function f(x) return string.format('%.0f', x) end
local window = tonumber(ARGV[1])
local margin = tonumber(ARGV[3])
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. f(now), '+inf')) do
  redis.call('ZADD', KEYS[1], f(now), member)
end
"""
# The entries kept: budget_local.keep_us, here in Lua.
_NOW += """
local keep = window + margin
if margin > 0 then keep = keep + window end
"""
_TRIM = "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', f(now - keep))"
_EXPIRE = "redis.call('PEXPIRE', KEYS[1], f(math.ceil(keep / 1000) + 1000))"

# ARGV[4]: the limit (0: none), ARGV[5]: a unique id, ARGV[6]: the poll interval. Members
# are "<limit>:<id>", the limit kept while unanswered, for budget.wait_for's rules (here in
# Lua). Returns {0, now} (recorded) or {wait, now}.
_ADMIT = f"""{_NOW}
{_TRIM}
local limit = tonumber(ARGV[4])
local poll = tonumber(ARGV[6])
local function limit_of(member) return tonumber(string.match(member, '^(%d+):') or '0') end
-- Entries "after t": later than t, or unanswered (a limit above 0) with a margin.
local function after(t)
  local n = redis.call('ZCOUNT', KEYS[1], '(' .. f(t), '+inf')
  if margin > 0 then
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', f(t))) do
      if limit_of(member) > 0 then n = n + 1 end
    end
  end
  return n
end
local wait = 0
if limit > 0 then
  local inside = redis.call('ZCOUNT', KEYS[1], '(' .. f(now - window), '+inf')
  local count = after(now - window)
  if count >= limit then
    local leaving = count - limit
    if leaving < inside then
      local nth = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. f(now - window), '+inf',
                             'WITHSCORES', 'LIMIT', leaving, 1)
      wait = tonumber(nth[2]) + window - now
    else
      wait = poll
    end
  end
  if margin > 0 then
    local latest = nil
    local all = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '+inf', 'WITHSCORES')
    for i = 1, #all, 2 do
      local lim = limit_of(all[i])
      local at = tonumber(all[i + 1])
      if lim > 0 and after(at - window) >= lim then latest = at end
    end
    if latest ~= nil then
      local margin_end = latest + margin - now
      if margin_end <= 0 then margin_end = poll end
      wait = math.max(wait, margin_end)
    end
  end
end
if wait > 0 then
  return {{wait, now}}
end
redis.call('ZADD', KEYS[1], f(now), ARGV[4] .. ':' .. ARGV[5])
{_EXPIRE}
return {{0, now}}
"""

# ARGV[4..]: pairs of age_us and member (recorded with no limit of their own). Nothing is
# trimmed here: the next admit does, with the margin it is given.
_ADD = f"""{_NOW}
for i = 4, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], f(now - math.max(tonumber(ARGV[i]), 0)), '0:' .. ARGV[i + 1])
end
{_EXPIRE}
return 0
"""


# ARGV[4]: the entry's time, ARGV[5]: its limit, ARGV[6]: a unique id. One member recorded
# then with that limit moves to now as "0:<its id>" (answered: no limit of its own); none
# such, "0:<ARGV[6]>" is recorded at now (see HistoryStore.settle).
_SETTLE = f"""{_NOW}
{_TRIM}
local prefix = ARGV[5] .. ':'
local id = ARGV[6]
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[4], ARGV[4])) do
  if string.sub(member, 1, #prefix) == prefix then
    redis.call('ZREM', KEYS[1], member)
    id = string.sub(member, #prefix + 1)
    break
  end
end
redis.call('ZADD', KEYS[1], f(now), '0:' .. id)
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
        self._settle = self._redis.register_script(_SETTLE)

    def __str__(self) -> str:
        return self._shown

    def admit(
        self,
        key: str,
        limit: int,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> tuple[int, int]:
        # With the caller's clock the time is read before the call, not inside the script:
        # exact for one client (tests of clock edges), not for several (see HistoryStore).
        now: int | str = "" if self.server_time else clock_us()
        args = [window_us, now, margin_us, max(limit, 0), uuid.uuid4().hex, poll_us(margin_us)]
        answer = self._run(self._admit, key, args)
        wait_us, at_us = cast(list[int], answer)
        return int(wait_us), int(at_us)

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
        now: int | str = "" if self.server_time else clock_us()
        args = [window_us, now, margin_us, at_us, max(limit, 0), uuid.uuid4().hex]
        self._run(self._settle, key, args)

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        pairs: list[int | str] = []
        keep = keep_us(window_us, margin_us)
        for age in ages_us:
            if age < keep:
                pairs += [age, uuid.uuid4().hex]
        now: int | str = "" if self.server_time else now_us
        self._run(self._add, key, [window_us, now, margin_us, *pairs])

    def close(self) -> None:
        self._redis.close()

    def _run(self, script: Script, key: str, args: Sequence[int | str]) -> object:
        try:
            return cast(object, script(keys=[key], args=list(args)))
        except redis.RedisError as error:
            # redis-py's messages name host and port, never the password.
            raise StoreUnavailable(f"{type(error).__name__}: {error}") from error
