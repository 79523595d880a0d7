"""What the client counts about Accurate, in Prometheus' terms: requests by outcome and how long they
took (the HTTP seam), refusals for too many requests (the client), time spent waiting for the rate
limiter. Labels take a handful of values each, never a store, a URL or a token.

The metrics live in the process that observes them; with `PROMETHEUS_MULTIPROC_DIR` set, each process
writes them to that folder and the web's `/metrics` adds them up (sync/ops/exposition.py).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Seconds; Accurate usually answers in tens to hundreds of milliseconds, the read timeout is 60 s.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Seconds; most requests wait a fraction of the 1/7 s spacing, the limiter gives up after 60 s.
WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

NETWORK_ERROR = "network_error"

REQUESTS = Counter(
    "iseller_accurate_requests_total",
    "Requests to Accurate (account and data hosts) by outcome: ok (2xx), 429, 3xx, 4xx, 5xx, "
    "network_error (no answer: refused, timed out, reset).",
    ["outcome"],
)
REQUEST_SECONDS = Histogram(
    "iseller_accurate_request_duration_seconds",
    "How long requests to Accurate took, answered or not (the rate limiter's wait excluded).",
    buckets=LATENCY_BUCKETS,
)
RATE_LIMITED = Counter(
    "iseller_accurate_rate_limited_total",
    "Answers of Accurate refusing a data request for too many requests (a 429, or a 'too many "
    "requests' message); each pauses the connection's request starts.",
)
LIMITER_WAIT_SECONDS = Histogram(
    "iseller_accurate_rate_limiter_wait_seconds",
    "How long a request waited for the rate limiter (a start and an in-flight slot of its token), "
    "including waits that gave up.",
    buckets=WAIT_BUCKETS,
)


def outcome_of(status: int) -> str:
    """The `outcome` label of an answered request: ok, 429, or the status class."""
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "429"
    return f"{status // 100}xx"


def request_observe(outcome: str, seconds: float) -> None:
    """One request to Accurate ended: answered (`outcome_of(status)`) or NETWORK_ERROR."""
    REQUESTS.labels(outcome).inc()
    REQUEST_SECONDS.observe(seconds)


def rate_limited_observe() -> None:
    RATE_LIMITED.inc()


def limiter_wait_observe(seconds: float) -> None:
    LIMITER_WAIT_SECONDS.observe(seconds)
