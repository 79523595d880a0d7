"""The shared limiter on real Redis (REDIS_URL): threads, separate processes, dead holders, pauses."""

import itertools
import os
import socket
import time
import uuid

import pytest
import redis

from accurate import AccurateError, ErrorKind, RedisRateLimiter, rate_limiter

from .limits import hammer, most_in_flight, most_starts_in_a_window, run_in_processes

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def namespace():
    name = f"test-rl-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def make(namespace, **options):
    return RedisRateLimiter(redis.Redis.from_url(REDIS_URL), namespace=namespace, **options)


def test_threads_never_start_more_than_n_a_second_nor_hold_more_than_m(namespace):
    limiter = make(namespace, per_second=7, in_flight=5)

    # Each slot held long enough that the fourth start finds the first ones still running, however
    # the threads are scheduled: the in-flight cap is reached, not merely respected.
    intervals = hammer(limiter, "conn-1", seconds=1.0, threads=7, work=(0.45, 0.8))

    assert most_starts_in_a_window(intervals) in (6, 7)  # evenly spaced starts
    assert most_in_flight(intervals) in (4, 5)


def _hammer_in_a_process(namespace, queue):
    limiter = make(namespace, per_second=7, in_flight=5)
    queue.put(hammer(limiter, "conn-1", seconds=2.5, threads=2, work=(0.45, 0.7)))


def test_four_processes_share_the_limits_of_one_key(namespace):
    intervals = run_in_processes(_hammer_in_a_process, 4, namespace)

    assert most_starts_in_a_window(intervals) in (6, 7)  # evenly spaced starts
    assert most_in_flight(intervals) in (4, 5)
    # Not merely safe: the limits were used (7 a second over about 2.5 seconds, less the ramp-up).
    assert len(intervals) >= 15


def _take_and_die(namespace, queue):
    limiter = make(namespace, per_second=7, in_flight=2, slot_ttl=0.6)
    limiter.acquire("conn-1")
    limiter.acquire("conn-1")
    queue.put([])
    queue.close()
    queue.join_thread()
    os._exit(0)  # dies holding both slots, without any clean-up


def test_a_slot_held_by_a_dead_worker_expires(namespace):
    run_in_processes(_take_and_die, 1, namespace)
    died_at = time.monotonic()
    limiter = make(namespace, per_second=7, in_flight=2, max_wait=0.2)

    with pytest.raises(AccurateError) as caught:
        limiter.acquire("conn-1")
    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.rate_limited, True)

    limiter.max_wait = 2.0
    with limiter.slot("conn-1"):
        waited = time.monotonic() - died_at
    assert 0.3 <= waited < 1.2


def test_slow_down_pauses_starts_for_that_key_only(namespace):
    limiter = make(namespace)
    limiter.slow_down("conn-1", 0.5)
    started = time.monotonic()

    with limiter.slot("conn-2"):
        other_waited = time.monotonic() - started
    with limiter.slot("conn-1"):
        waited = time.monotonic() - started

    assert other_waited < 0.1
    assert 0.45 <= waited < 0.8


def test_a_shorter_slow_down_does_not_cut_a_longer_one(namespace):
    limiter = make(namespace)
    limiter.slow_down("conn-1", 0.4)
    limiter.slow_down("conn-1", 0.1)
    started = time.monotonic()

    with limiter.slot("conn-1"):
        assert time.monotonic() - started >= 0.35


def test_keys_hold_no_token_and_are_namespaced(namespace):
    limiter = make(namespace)
    with limiter.slot("conn-1"):
        keys = sorted(k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter(f"{namespace}:*"))

    assert keys == [f"{namespace}:{{conn-1}}:{part}" for part in ("next", "slots", "starts")]


def test_the_factory_picks_redis_when_given_a_url_and_the_local_limiter_otherwise():
    assert type(rate_limiter(REDIS_URL, 6, 4)).__name__ == "RedisRateLimiter"
    local = rate_limiter(None, 6, 4)
    assert (type(local).__name__, local.per_second, local.in_flight) == ("LocalRateLimiter", 6, 4)


def test_an_unreachable_redis_is_unavailable_not_a_crash(namespace):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    limiter = rate_limiter(f"redis://127.0.0.1:{port}/15")

    with pytest.raises(AccurateError) as caught:
        limiter.acquire("conn-1")

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.unavailable, True)


def test_each_refusal_widens_the_keys_window_for_ten_minutes_up_to_a_fifth_of_a_second(namespace):
    limiter = make(namespace, per_second=4, in_flight=4)
    for _ in range(2):
        limiter.slow_down("conn-1", 0.001)
    assert (limiter.widening("conn-1"), limiter.widening("conn-2")) == (0.10, 0.0)
    for _ in range(5):
        limiter.slow_down("conn-1", 0.001)
    assert limiter.widening("conn-1") == 0.20
    ttl = redis.Redis.from_url(REDIS_URL).pttl(f"{namespace}:{{conn-1}}:widen")
    assert 595_000 <= ttl <= 600_000
    time.sleep(0.01)  # the pause is over
    starts = []
    for _ in range(3):
        with limiter.slot("conn-1"):
            starts.append(time.monotonic())
    # Spaced by the widened window: (1.05 + 0.20) / 4 = 0.3125 s.
    assert [0.31 <= b - a < 0.36 for a, b in itertools.pairwise(starts)] == [True, True]
