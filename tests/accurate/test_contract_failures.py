"""Contract: expired tokens and sessions, missing scopes, faults and Accurate's limits, live."""

import threading
from decimal import Decimal

import pytest

from accurate import SCOPES, AccurateError, ErrorKind, LocalRateLimiter

from .contract import connect

ITEM = {
    "no": "KOPI-1",
    "name": "Kopi Susu",
    "itemType": "INVENTORY",
    "unit1Name": "PCS",
    "unitPrice": Decimal("18000"),
}


@pytest.fixture
def sandbox(sandbox_module):
    sandbox_module.reset()
    return sandbox_module


def test_an_expired_session_is_renewed_once_and_the_call_succeeds(sandbox):
    connected = connect(sandbox)
    sandbox.expire_sessions()

    branches = list(connected.client.list("branch", fields=["id", "name"]))

    assert [b["name"] for b in branches] == ["Pusat", "Cabang Bali"]
    assert (connected.provider.session_renewals, connected.provider.token_renewals) == (1, 0)


def test_an_expired_token_is_refreshed_once_and_the_save_succeeds(sandbox):
    connected = connect(sandbox)
    refreshes = sandbox.inspect()["counters"]["token_refreshes"]
    sandbox.expire_tokens()

    saved = connected.client.save("item", ITEM)

    assert saved.number == "KOPI-1"
    assert connected.provider.token_renewals == 1
    assert sandbox.inspect()["counters"]["token_refreshes"] == refreshes + 1
    assert [d["no"] for d in sandbox.documents("item")] == ["KOPI-1"]


def test_threads_sharing_a_stale_token_refresh_it_once(sandbox):
    connected = connect(sandbox)
    sandbox.expire_tokens()
    errors = []

    def read():
        try:
            list(connected.client.list("warehouse"))
        except AccurateError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert connected.provider.token_renewals == 1


def test_a_scope_the_merchant_did_not_grant_is_insufficient_scope(sandbox):
    connected = connect(sandbox, scopes=[s for s in SCOPES if s != "item_save"])

    with pytest.raises(AccurateError) as caught:
        connected.client.save("item", ITEM)

    assert (caught.value.kind, caught.value.retryable, caught.value.http_status) == (
        ErrorKind.insufficient_scope,
        False,
        403,
    )
    assert sandbox.documents("item") == []


def test_a_server_failure_is_unavailable(sandbox):
    connected = connect(sandbox)
    sandbox.faults(fail_next=1)

    with pytest.raises(AccurateError) as caught:
        list(connected.client.list("branch"))

    assert (caught.value.kind, caught.value.retryable, caught.value.http_status) == (
        ErrorKind.unavailable,
        True,
        503,
    )


def test_a_save_whose_answer_is_lost_is_unclear_and_found_by_number(sandbox):
    connected = connect(sandbox)
    sandbox.faults(drop_next=1)

    with pytest.raises(AccurateError) as caught:
        connected.client.save("item", ITEM)

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.unclear, True)
    # The sandbox saved it before dropping the connection: looking it up first avoids a second post.
    assert connected.client.detail("item", number="KOPI-1")["name"] == "Kopi Susu"


def test_a_read_whose_answer_is_lost_is_unavailable(sandbox):
    connected = connect(sandbox)
    sandbox.faults(drop_next=1)

    with pytest.raises(AccurateError) as caught:
        list(connected.client.list("branch"))

    assert caught.value.kind is ErrorKind.unavailable


def hammer(client, threads=14, calls=6):
    errors = []

    def run():
        for _ in range(calls):
            try:
                list(client.list("branch"))
            except AccurateError as exc:
                errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def test_the_limiter_keeps_many_threads_inside_accurate_limits(sandbox):
    connected = connect(sandbox, limiter=LocalRateLimiter(per_second=7, in_flight=7))
    # The account calls of connecting count for the token too, and do not go through the limiter:
    # the sandbox's counters start afresh (as if their second had passed), tokens and sessions kept.
    sandbox.reset()
    # Slow answers: starts come 0.15 s apart, so seven are in flight before the first returns.
    sandbox.faults(latency_ms=1500)

    errors = hammer(connected.client, threads=14, calls=1)

    counters = sandbox.inspect()["counters"]
    assert errors == []
    assert counters["rejected_by_limits"] == 0
    assert counters["max_started_per_second"] in (6, 7)
    assert counters["max_in_flight"] == 7


def test_without_the_limiter_accurate_refuses_and_the_client_says_rate_limited(sandbox):
    unlimited = LocalRateLimiter(per_second=1000, in_flight=1000)
    connected = connect(sandbox, limiter=unlimited, rate_limit_retries=0)
    sandbox.faults(latency_ms=150)

    errors = hammer(connected.client, threads=14, calls=1)

    assert errors
    assert {(e.kind, e.retryable) for e in errors} == {(ErrorKind.rate_limited, True)}
    assert sandbox.inspect()["counters"]["rejected_by_limits"] == len(errors)
