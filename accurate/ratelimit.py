"""The rate limiter every request to Accurate goes through.

Accurate allows 8 requests started per second and 8 in flight per token [S], for all of a
connection's workers together. `RedisRateLimiter` enforces it across processes and machines;
`LocalRateLimiter` does the same inside one process (the embedded run). Both keep a little under
Accurate's figures by default, leaving room for the merchant's other apps.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import redis

from accurate import metrics
from accurate.errors import AccurateError, ErrorKind

logger = logging.getLogger(__name__)

DEFAULT_PER_SECOND = 8
DEFAULT_IN_FLIGHT = 7
# A slot is held for one HTTP request: longer than the seam's read timeout, so that only a dead
# worker's slot ever expires.
DEFAULT_SLOT_TTL = 120.0
DEFAULT_MAX_WAIT = 60.0
# Accurate counts starts as requests arrive; network jitter can bring two requests sent a second
# apart closer than that. Starts are kept a second and a little apart. [U] the margin is a guess.
WINDOW = 1.05
# Each "too many requests" Accurate answers anyway widens a key's window by this much (the jitter was
# larger than the margin), up to MAX_WIDEN, for WIDEN_FOR seconds after the last one: a refusal is
# rare once, not every few seconds.
WIDEN = 0.05
MAX_WIDEN = 0.20
WIDEN_FOR = 600.0
# How often a caller waiting for an in-flight slot looks again.
POLL = 0.02
# A start is reserved at most this far ahead; a caller further back in line asks again later. Short,
# so that the window of a reservation is counted from starts that really happened (see _STARTED).
AHEAD = 0.25


class RateLimiter(Protocol):
    def slot(self, key: str) -> Any:
        """A context manager: waits for a start and an in-flight slot under `key`, holds the slot."""
        ...

    def slow_down(self, key: str, seconds: float) -> None:
        """Accurate said "too many requests": start nothing under `key` for `seconds`."""
        ...


def _too_long(key: str, waited: float) -> AccurateError:
    return AccurateError(ErrorKind.rate_limited, [f"waited {waited:.1f}s for a request slot"])


# KEYS: starts (ZSET of start times), slots (ZSET of slot ids scored by expiry), pause (until when),
# the last reserved start, the window's widening (µs, after refusals).
# ARGV: per_second, in_flight, slot ttl (µs), slot id, window (µs), how far ahead a start may be
# reserved (µs).
# A start is reserved at the earliest moment the limits allow: `window / per_second` after the last
# start (evenly spaced: a burst granted together would reach Accurate bunched by network and
# scheduling jitter, and its window would see one too many) and `window` after the start
# `per_second` places back. The spacing counts from the last *reserved* moment (a late sender does
# not push every later start back); the window counts starts as they really happened. The caller
# sleeps until its moment and sends: no herd of waiters racing for a freed slot, no wake-up lost.
# The slot counts as in flight from the reservation.
# Returns {1, µs to sleep before sending} when reserved, else {0, µs to wait before asking again
# (0: unknown, a slot must be released first)}.
# The clock is Redis's, so workers on machines whose clocks differ still share one window.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local per_second = tonumber(ARGV[1])
local in_flight = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local window = tonumber(ARGV[5]) + tonumber(redis.call('GET', KEYS[5]) or '0')
local ahead = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then
  return {0, pause - now}
end
if redis.call('ZCARD', KEYS[2]) >= in_flight then
  return {0, 0}
end
local at = now
local last = tonumber(redis.call('GET', KEYS[4]) or '0')
if last > 0 then
  at = math.max(at, last + math.floor(window / per_second))
end
local count = redis.call('ZCARD', KEYS[1])
if count >= per_second then
  local back = redis.call('ZRANGE', KEYS[1], count - per_second, count - per_second, 'WITHSCORES')
  at = math.max(at, tonumber(back[2]) + window + 1)
end
if at - now > ahead then
  return {0, at - now - ahead}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('ZADD', KEYS[2], at + ttl, ARGV[4])
redis.call('SET', KEYS[4], string.format('%d', at), 'PX', math.ceil((at - now + window) / 1000) + 1000)
redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) / 1000) + 1000)
redis.call('PEXPIRE', KEYS[2], math.ceil((at - now + ttl) / 1000) + 1000)
return {1, at - now}
"""

# KEYS: starts. ARGV: slot id. The start as it really happened (a sleeper may wake late under load):
# the next reservations count their window from it, so a late start never squeezes nine into one.
_STARTED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[1])
return 1
"""

# KEYS: pause, widening. ARGV: seconds (µs); widen by, at most, for how long (µs). Extends the
# pause, never shortens it; widens the window (to a cap), for a while after the last refusal.
_SLOW_DOWN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], string.format('%d', until_), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
local widened = math.min(tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(ARGV[2]), tonumber(ARGV[3]))
redis.call('SET', KEYS[2], string.format('%d', widened), 'PX', math.ceil(tonumber(ARGV[4]) / 1000))
return 1
"""


class _Slots:
    """`with limiter.slot(key):` around one request, on top of acquire and release."""

    def acquire(self, key: str) -> str:
        raise NotImplementedError

    def release(self, key: str, slot_id: str) -> None:
        raise NotImplementedError

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        asked = time.monotonic()
        try:
            slot_id = self.acquire(key)
        finally:  # a wait that gave up (rate_limited) counts too
            metrics.limiter_wait_observe(time.monotonic() - asked)
        try:
            yield
        finally:
            self.release(key, slot_id)


class RedisRateLimiter(_Slots):
    """At most `per_second` starts in any one-second window and `in_flight` slots held, per key,
    across every process that shares the Redis database."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        per_second: int = DEFAULT_PER_SECOND,
        in_flight: int = DEFAULT_IN_FLIGHT,
        slot_ttl: float = DEFAULT_SLOT_TTL,
        max_wait: float = DEFAULT_MAX_WAIT,
        namespace: str = "accurate:rl",
    ) -> None:
        if per_second < 1 or in_flight < 1:
            raise ValueError("per_second and in_flight must be at least 1")
        self.client = client
        self.per_second = per_second
        self.in_flight = in_flight
        self.slot_ttl = slot_ttl
        self.max_wait = max_wait
        self.namespace = namespace
        self._acquire = client.register_script(_ACQUIRE)
        self._slow_down = client.register_script(_SLOW_DOWN)
        self._started = client.register_script(_STARTED)

    def _keys(self, key: str) -> list[str]:
        # The braces keep a key's entries in one Redis Cluster slot.
        base = f"{self.namespace}:{{{key}}}"
        return [f"{base}:starts", f"{base}:slots", f"{base}:pause", f"{base}:next", f"{base}:widen"]

    def acquire(self, key: str) -> str:
        """Wait for a slot and take it; returns its id for `release`. Raises rate_limited after max_wait."""
        slot_id = uuid.uuid4().hex
        keys = self._keys(key)
        args: list[str | int] = [
            self.per_second,
            self.in_flight,
            int(self.slot_ttl * 1e6),
            slot_id,
            int(WINDOW * 1e6),
            int(AHEAD * 1e6),
        ]
        started = time.monotonic()
        while True:
            try:
                taken, wait_us = self._acquire(keys=keys, args=args)
            except redis.RedisError as exc:
                # Without the shared limiter no request may start; trying later is all there is.
                raise AccurateError(
                    ErrorKind.unavailable, ["the rate limiter's Redis is unreachable"]
                ) from exc
            if taken:
                time.sleep(wait_us / 1e6)  # the reserved moment
                self._mark_started(keys[0], slot_id)
                return slot_id
            waited = time.monotonic() - started
            if waited >= self.max_wait:
                raise _too_long(key, waited)
            pause = wait_us / 1e6 if wait_us else POLL
            # A little jitter, so that waiting workers do not all ask again at the same instant.
            pause = min(pause + random.uniform(0, POLL / 2), self.max_wait - waited)
            time.sleep(max(pause, 0.001))

    def _mark_started(self, starts_key: str, slot_id: str) -> None:
        try:
            self._started(keys=[starts_key], args=[slot_id])
        except redis.RedisError:
            logger.warning("rate limiter: could not record a start of %s", starts_key)

    def release(self, key: str, slot_id: str) -> None:
        try:
            self.client.zrem(self._keys(key)[1], slot_id)
        except redis.RedisError:
            # The request is done; the slot expires after slot_ttl on its own.
            logger.warning("rate limiter: could not give back a slot of %s", key)

    def slow_down(self, key: str, seconds: float) -> None:
        keys = self._keys(key)
        self._slow_down(
            keys=[keys[2], keys[4]],
            args=[int(seconds * 1e6), int(WIDEN * 1e6), int(MAX_WIDEN * 1e6), int(WIDEN_FOR * 1e6)],
        )

    def widening(self, key: str) -> float:
        """Seconds the key's window is widened by after refusals (0 when none lately)."""
        return int(self.client.get(self._keys(key)[4]) or 0) / 1e6


class _LocalKey:
    def __init__(self) -> None:
        self.starts: dict[str, float] = {}  # slot id → start time (reserved, then as it happened)
        self.slots: dict[str, float] = {}
        self.pause_until = 0.0
        self.last_reserved = 0.0
        self.widened = 0.0  # seconds added to the window after refusals…
        self.widened_until = 0.0  # …until then


class LocalRateLimiter(_Slots):
    """The same limits for the threads of one process (the embedded run has one worker process)."""

    def __init__(
        self,
        *,
        per_second: int = DEFAULT_PER_SECOND,
        in_flight: int = DEFAULT_IN_FLIGHT,
        slot_ttl: float = DEFAULT_SLOT_TTL,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        if per_second < 1 or in_flight < 1:
            raise ValueError("per_second and in_flight must be at least 1")
        self.per_second = per_second
        self.in_flight = in_flight
        self.slot_ttl = slot_ttl
        self.max_wait = max_wait
        self._keys: dict[str, _LocalKey] = {}
        self._changed = threading.Condition()

    def _try(self, state: _LocalKey, slot_id: str, now: float) -> tuple[bool, float]:
        """Reserve a start as the Redis script does: (True, seconds to sleep before sending), or
        (False, seconds to wait before asking again; -1: until a slot is released)."""
        window = WINDOW + (state.widened if state.widened_until > now else 0.0)
        for old in [sid for sid, at in state.starts.items() if at <= now - window]:
            del state.starts[old]
        for expired in [sid for sid, until in state.slots.items() if until <= now]:
            del state.slots[expired]
        if state.pause_until > now:
            return False, state.pause_until - now
        if len(state.slots) >= self.in_flight:
            # A slot frees on release (which notifies) or on expiry.
            return False, min(state.slots.values()) - now
        at = now
        times = sorted(state.starts.values())
        if state.last_reserved:
            at = max(at, state.last_reserved + window / self.per_second)
        if len(times) >= self.per_second:
            at = max(at, times[-self.per_second] + window + 1e-6)
        if at - now > AHEAD:
            return False, at - now - AHEAD
        state.starts[slot_id] = at
        state.last_reserved = at
        state.slots[slot_id] = at + self.slot_ttl
        return True, at - now

    def acquire(self, key: str) -> str:
        slot_id = uuid.uuid4().hex
        started = time.monotonic()
        with self._changed:
            state = self._keys.setdefault(key, _LocalKey())
            while True:
                now = time.monotonic()
                taken, wait = self._try(state, slot_id, now)
                if taken:
                    break
                waited = now - started
                if waited >= self.max_wait:
                    raise _too_long(key, waited)
                self._changed.wait(min(wait, self.max_wait - waited) + 1e-4)
        time.sleep(wait)  # the reserved moment, outside the lock
        with self._changed:
            if slot_id in state.starts:  # as it happened (a late wake-up moves it later)
                state.starts[slot_id] = max(state.starts[slot_id], time.monotonic())
        return slot_id

    def release(self, key: str, slot_id: str) -> None:
        with self._changed:
            self._keys[key].slots.pop(slot_id, None)
            self._changed.notify_all()

    def slow_down(self, key: str, seconds: float) -> None:
        with self._changed:
            state = self._keys.setdefault(key, _LocalKey())
            now = time.monotonic()
            state.pause_until = max(state.pause_until, now + seconds)
            state.widened = min((state.widened if state.widened_until > now else 0.0) + WIDEN, MAX_WIDEN)
            state.widened_until = now + WIDEN_FOR

    def widening(self, key: str) -> float:
        """Seconds the key's window is widened by after refusals (0 when none lately)."""
        with self._changed:
            state = self._keys.get(key)
            if state is None or state.widened_until <= time.monotonic():
                return 0.0
            return state.widened


def rate_limiter(
    redis_url: str | None,
    per_second: int = DEFAULT_PER_SECOND,
    in_flight: int = DEFAULT_IN_FLIGHT,
    **options: Any,
) -> RedisRateLimiter | LocalRateLimiter:
    """The Redis limiter when there is a Redis (every production worker shares it), else the local one."""
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        return RedisRateLimiter(client, per_second=per_second, in_flight=in_flight, **options)
    return LocalRateLimiter(per_second=per_second, in_flight=in_flight, **options)
