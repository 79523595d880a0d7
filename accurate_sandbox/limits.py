"""Accurate's per-token limits (requests started per second, requests in flight) and their counters."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

RATE_LIMITED = "Jumlah request API melebihi toleransi yang diperbolehkan. Silakan coba beberapa saat lagi."
WINDOW_S = 1.0


def token_label(token: str) -> str:
    """How a token appears in the counters: a short hash, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:12] if token else "anonymous"


@dataclass
class TokenState:
    started: deque[float] = field(default_factory=deque)  # accepted start times within the last second
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

    def enter(self, token: str) -> bool:
        """Start one request for this token; False (and nothing held) when over either limit."""
        now = time.monotonic()
        with self.lock:
            state = self.tokens.setdefault(token_label(token), TokenState())
            state.requests += 1
            while state.started and state.started[0] <= now - WINDOW_S:
                state.started.popleft()
            if len(state.started) >= self.rate or state.in_flight >= self.in_flight:
                state.rejected += 1
                return False
            state.started.append(now)
            state.in_flight += 1
            state.max_per_second = max(state.max_per_second, len(state.started))
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            return True

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
