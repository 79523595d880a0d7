"""The limiter of the embedded run: the same limits for the threads of one process."""

import itertools
import threading
import time

import pytest

from accurate import AccurateError, ErrorKind, LocalRateLimiter

from .limits import hammer, most_in_flight, most_starts_in_a_window


def test_threads_never_start_more_than_n_a_second_nor_hold_more_than_m():
    limiter = LocalRateLimiter(per_second=7, in_flight=5)

    intervals = hammer(limiter, "conn-1", seconds=1.0, threads=7, work=(0.01, 0.8))

    # Starts are spaced evenly (1.05 s / 7 apart), so a second holds 7 at most and 6 at least.
    assert most_starts_in_a_window(intervals) in (6, 7)
    assert most_in_flight(intervals) <= 5


def test_a_slot_never_given_back_expires():
    limiter = LocalRateLimiter(in_flight=1, slot_ttl=0.3, max_wait=0.1)
    limiter.acquire("conn-1")  # its holder never releases it

    with pytest.raises(AccurateError) as caught:
        limiter.acquire("conn-1")
    assert caught.value.kind is ErrorKind.rate_limited

    limiter.max_wait = 1.0
    started = time.monotonic()
    with limiter.slot("conn-1"):
        assert 0.1 <= time.monotonic() - started < 0.5


def test_a_released_slot_wakes_a_waiting_thread_at_once():
    limiter = LocalRateLimiter(in_flight=1)
    slot = limiter.acquire("conn-1")
    threading.Timer(0.1, limiter.release, args=("conn-1", slot)).start()
    started = time.monotonic()

    with limiter.slot("conn-1"):
        assert 0.09 <= time.monotonic() - started < 0.2


def test_slow_down_pauses_starts_for_that_key_only():
    limiter = LocalRateLimiter()
    limiter.slow_down("conn-1", 0.3)
    started = time.monotonic()

    with limiter.slot("conn-2"):
        other_waited = time.monotonic() - started
    with limiter.slot("conn-1"):
        waited = time.monotonic() - started

    assert other_waited < 0.05
    assert 0.29 <= waited < 0.5


def test_each_refusal_widens_the_keys_window_for_ten_minutes_up_to_a_fifth_of_a_second():
    limiter = LocalRateLimiter(per_second=4, in_flight=4)
    for _ in range(2):
        limiter.slow_down("conn-1", 0.001)
    assert (limiter.widening("conn-1"), limiter.widening("conn-2")) == (0.10, 0.0)
    for _ in range(5):
        limiter.slow_down("conn-1", 0.001)
    assert limiter.widening("conn-1") == 0.20
    time.sleep(0.01)
    starts = []
    for _ in range(3):
        with limiter.slot("conn-1"):
            starts.append(time.monotonic())
    assert [0.31 <= b - a < 0.36 for a, b in itertools.pairwise(starts)] == [True, True]
    # Ten minutes after the last refusal the margin is back to its default.
    limiter._keys["conn-1"].widened_until = time.monotonic() - 1
    assert limiter.widening("conn-1") == 0.0
