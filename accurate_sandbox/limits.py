"""Accurate's per-token limits (requests started per second, requests in flight) and their counters."""

from __future__ import annotations

import bisect
import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

RATE_LIMITED = "Jumlah request API melebihi toleransi yang diperbolehkan. Silakan coba beberapa saat lagi."
WINDOW_S = 1.0


def token_label(token: str) -> str:
    """How a token appears in the counters: a short hash, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:12] if token else "anonymous"


@dataclass
class TokenState:
    started: list[float] = field(default_factory=list)  # accepted arrival times, sorted, recent ones
    in_flight: int = 0
    max_per_second: int = 0
    max_in_flight: int = 0
    requests: int = 0
    rejected: int = 0


class Limiter:
    """A sliding one-second window of accepted starts and a count in flight, per access token."""

    def __init__(self, rate: int, in_flight: int) -> None:
        self.rate = rate
        self.in_flight = in_flight
        self.lock = threading.Lock()
        self.tokens: dict[str, TokenState] = {}

    def enter(self, token: str, arrived: float | None = None) -> bool:
        """Start one request for this token; False (and nothing held) when over either limit.

        Starts are counted at their arrival (`arrived`, when the request line came in), which may
        be a little before a request that arrived later got here: no one-second window, wherever
        it falls, may hold more than `rate` accepted arrivals.
        """
        at = time.monotonic() if arrived is None else arrived
        with self.lock:
            state = self.tokens.setdefault(token_label(token), TokenState())
            state.requests += 1
            newest = state.started[-1] if state.started else at
            del state.started[: bisect.bisect_right(state.started, max(newest, at) - 2 * WINDOW_S)]
            if self._crowded(state.started, at) or state.in_flight >= self.in_flight:
                state.rejected += 1
                return False
            bisect.insort(state.started, at)
            state.in_flight += 1
            state.max_per_second = max(state.max_per_second, self._most_in_a_window(state.started, at))
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            return True

    def _crowded(self, started: list[float], at: float) -> bool:
        """Would a start at `at` make some one-second window hold more than `rate` starts?"""
        return self._most_in_a_window(sorted([*started, at]), at) > self.rate

    @staticmethod
    def _most_in_a_window(started: list[float], at: float) -> int:
        """The most starts in a half-open one-second window [t, t + 1) that contains `at`."""
        low = bisect.bisect_right(started, at - WINDOW_S)
        high = bisect.bisect_left(started, at + WINDOW_S)
        near = started[low:high]
        most, first = 0, 0
        for last, value in enumerate(near):
            while near[first] <= value - WINDOW_S:
                first += 1
            most = max(most, last - first + 1)
        return most

    def leave(self, token: str) -> None:
        with self.lock:
            self.tokens[token_label(token)].in_flight -= 1

    def reset(self) -> None:
        with self.lock:
            for state in self.tokens.values():
                state.started.clear()
            # Requests in flight while resetting still leave() afterwards: keep their count.
            self.tokens = {
                label: TokenState(in_flight=s.in_flight) for label, s in self.tokens.items() if s.in_flight
            }

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            per_token = {
                label: {
                    "requests": state.requests,
                    "rejected": state.rejected,
                    "max_started_per_second": state.max_per_second,
                    "max_in_flight": state.max_in_flight,
                    "in_flight": state.in_flight,
                }
                for label, state in self.tokens.items()
            }
        return {
            "rate_limit": self.rate,
            "in_flight_limit": self.in_flight,
            "rejected_by_limits": sum(item["rejected"] for item in per_token.values()),
            "max_started_per_second": max(
                (item["max_started_per_second"] for item in per_token.values()), default=0
            ),
            "max_in_flight": max((item["max_in_flight"] for item in per_token.values()), default=0),
            "per_token": per_token,
        }
