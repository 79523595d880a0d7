"""What the client counts: each request through the seam by outcome and its duration, refusals for
too many requests, and the time waited for the rate limiter, given up or not."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client import REGISTRY

from accurate import AccurateClient, AccurateError, ErrorKind, HttpSeam, LocalRateLimiter
from accurate.metrics import REQUESTS

from .fakes import CountingProvider, RecordingLimiter, StubSeam, answer, ok, refused


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class StatusHandler(BaseHTTPRequestHandler):
    """Answers with the status its path names: /accurate/api/x/<status>.do."""

    def do_GET(self) -> None:
        status = int(self.path.rsplit("/", 1)[-1].split(".")[0])
        body = b'{"s": true}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StatusHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/accurate/api/item"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    REQUESTS.clear()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_each_request_counts_under_its_outcome_with_its_duration(server):
    seam = HttpSeam(read_timeout=5)
    observed_before = sample("iseller_accurate_request_duration_seconds_count")

    for status in (200, 201, 302, 404, 429, 429, 503):
        seam.send("GET", f"{server}/{status}.do")
    with pytest.raises(AccurateError):
        seam.send("GET", f"http://127.0.0.1:{closed_port()}/accurate/api/item/list.do")

    outcomes = {
        outcome: sample("iseller_accurate_requests_total", outcome=outcome)
        for outcome in ("ok", "3xx", "4xx", "429", "5xx", "network_error")
    }
    assert outcomes == {"ok": 2.0, "3xx": 1.0, "4xx": 1.0, "429": 2.0, "5xx": 1.0, "network_error": 1.0}
    assert sample("iseller_accurate_request_duration_seconds_count") - observed_before == 8.0


def test_a_refusal_for_too_many_requests_counts_once_per_answer_429_or_message():
    before = sample("iseller_accurate_rate_limited_total")
    seam = StubSeam(
        [
            answer(429, {"s": False, "d": ["Too many requests"]}),
            refused("Jumlah request API melebihi toleransi yang diperbolehkan"),
            ok({"id": 1}),
        ]
    )
    client = AccurateClient(CountingProvider(), seam, RecordingLimiter(), rate_limit_retries=2)

    assert client.detail("item", id=1) == {"id": 1}

    assert sample("iseller_accurate_rate_limited_total") - before == 2.0


def test_a_request_waiting_for_the_limiter_is_timed():
    limiter = LocalRateLimiter(per_second=4, in_flight=4)
    count = sample("iseller_accurate_rate_limiter_wait_seconds_count")
    total = sample("iseller_accurate_rate_limiter_wait_seconds_sum")

    with limiter.slot("conn-1"):
        pass
    with limiter.slot("conn-1"):  # starts are kept 1.05 / 4 s apart
        pass

    assert sample("iseller_accurate_rate_limiter_wait_seconds_count") - count == 2.0
    waited = sample("iseller_accurate_rate_limiter_wait_seconds_sum") - total
    assert 0.25 <= waited < 1.0


def test_a_wait_that_gives_up_is_timed_too():
    limiter = LocalRateLimiter(per_second=7, in_flight=1, max_wait=0.2)
    limiter.acquire("conn-1")  # held, never given back
    count = sample("iseller_accurate_rate_limiter_wait_seconds_count")
    total = sample("iseller_accurate_rate_limiter_wait_seconds_sum")

    with pytest.raises(AccurateError) as caught, limiter.slot("conn-1"):
        pass

    assert caught.value.kind is ErrorKind.rate_limited
    assert sample("iseller_accurate_rate_limiter_wait_seconds_count") - count == 1.0
    assert 0.2 <= sample("iseller_accurate_rate_limiter_wait_seconds_sum") - total < 1.0
