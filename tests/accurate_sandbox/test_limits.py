"""8 requests started per second and 8 in flight per token: HTTP 429 and Accurate's message beyond."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import requests

from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox

MESSAGE = "Jumlah request API melebihi toleransi yang diperbolehkan. Silakan coba beberapa saat lagi."
TIMEOUT = 10


def headers_for(sandbox: SandboxProcess) -> dict[str, str]:
    token = sandbox.token()
    _, session = sandbox.open_db(token["access_token"])
    return {"Authorization": f"Bearer {token['access_token']}", "X-Session-ID": session}


def test_the_ninth_request_in_a_second_is_refused(tmp_path: Path) -> None:
    sandbox = start_sandbox(tmp_path)
    try:
        headers = headers_for(sandbox)
        time.sleep(1.1)  # open-db counted against this token too
        sandbox.reset()
        url = f"{sandbox.url}/accurate/api/branch/list.do"
        with requests.Session() as http:
            replies = [http.get(url, headers=headers, timeout=TIMEOUT) for _ in range(10)]
        assert [reply.status_code for reply in replies] == [200] * 8 + [429] * 2
        assert replies[9].json() == {"s": False, "d": [MESSAGE]}
        counters = sandbox.inspect()["counters"]
        assert (counters["requests"], counters["rejected_by_limits"]) == (10, 2)
        assert counters["max_started_per_second"] == 8
        time.sleep(1.1)
        assert requests.get(url, headers=headers, timeout=TIMEOUT).status_code == 200
    finally:
        stop_sandbox(sandbox)


def test_the_ninth_request_in_flight_is_refused(tmp_path: Path) -> None:
    sandbox = start_sandbox(tmp_path, "--rate-limit", "100")
    try:
        headers = headers_for(sandbox)
        sandbox.reset()
        sandbox.faults(latency_ms=700)
        url = f"{sandbox.url}/accurate/api/branch/list.do"
        statuses: list[int] = []
        lock = threading.Lock()

        def call() -> None:
            status = requests.get(url, headers=headers, timeout=TIMEOUT).status_code
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=call) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200] * 8 + [429] * 2
        counters = sandbox.inspect()["counters"]
        assert (counters["max_in_flight"], counters["rejected_by_limits"]) == (8, 2)
    finally:
        stop_sandbox(sandbox)


def test_limits_are_per_token(tmp_path: Path) -> None:
    sandbox = start_sandbox(tmp_path, "--rate-limit", "2")
    try:
        first = headers_for(sandbox)
        time.sleep(1.1)
        url = f"{sandbox.url}/accurate/api/branch/list.do"
        assert [requests.get(url, headers=first, timeout=TIMEOUT).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
        # Another client's token (a different sandbox client would be another app): a fresh budget.
        other = {**first, "Authorization": "Bearer someone-else"}
        assert requests.get(url, headers=other, timeout=TIMEOUT).status_code == 401
    finally:
        stop_sandbox(sandbox)


def test_starts_count_at_their_arrival_even_when_handled_out_of_order() -> None:
    from accurate_sandbox.limits import Limiter

    limiter = Limiter(rate=3, in_flight=10)
    # Arrived at 0.0, 0.4 and 0.8 s; the one of 0.4 s was handled last (a busy process).
    assert limiter.enter("t", arrived=100.0)
    assert limiter.enter("t", arrived=100.8)
    assert limiter.enter("t", arrived=100.4)
    # A fourth arrival within a second of the first is over the limit, whenever it is handled.
    assert not limiter.enter("t", arrived=100.9)
    # One a second after the first fits: the window [100.4, 101.4) holds 100.4, 100.8 and it.
    assert limiter.enter("t", arrived=101.0)
    assert limiter.snapshot()["max_started_per_second"] == 3
