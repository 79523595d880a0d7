"""Faults on demand: failures (503), dropped connections after the commit, latency; and inspection."""

from __future__ import annotations

import time

import pytest
import requests

from tests.accurate_sandbox.conftest import Api

ITEM = {"no": "DROP-1", "name": "Kopi"}


def test_fail_next_fails_exactly_that_many_data_calls(api: Api) -> None:
    api.sandbox.faults(fail_next=2)
    statuses = [api.get("branch", "list").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert api.sandbox.inspect()["faults"]["failed"] == 2


def test_a_fail_rate_of_one_fails_every_call_and_writes_nothing(api: Api) -> None:
    api.sandbox.faults(fail_rate=1.0)
    assert [api.post("item", "save", json=ITEM).status_code for _ in range(3)] == [503] * 3
    api.sandbox.faults(fail_rate=0.0)
    assert api.sandbox.documents("item") == []


def test_a_dropped_save_is_committed_but_never_answered(api: Api) -> None:
    api.sandbox.faults(drop_next=1)
    with pytest.raises(requests.ConnectionError):
        api.post("item", "save", json=ITEM)
    assert [doc["no"] for doc in api.sandbox.documents("item")] == ["DROP-1"]
    assert api.detail("item", no="DROP-1")["s"] is True
    assert api.sandbox.inspect()["faults"]["dropped"] == 1


def test_latency_is_added_to_data_calls(api: Api) -> None:
    api.sandbox.faults(latency_ms=300)
    started = time.monotonic()
    assert api.get("branch", "list").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_unknown_fault_settings_are_refused(api: Api) -> None:
    reply = requests.post(f"{api.sandbox.url}/_sandbox/faults", json={"explode": 1}, timeout=10)
    assert reply.status_code == 400


def test_reset_clears_documents_counters_and_faults_but_keeps_the_seed(api: Api) -> None:
    api.saved("item", ITEM)
    api.sandbox.faults(fail_rate=0.5)
    api.sandbox.reset()
    inspected = api.sandbox.inspect()
    assert inspected["documents"] == {}
    assert inspected["seed"]["101"] == {"branch": 2, "customer": 1, "glaccount": 13, "warehouse": 3}
    assert inspected["counters"]["requests"] == 0
    assert inspected["faults"]["fail_rate"] == 0.0
    assert api.get("branch", "list").status_code == 200


def test_inspect_counts_requests_and_saves(api: Api) -> None:
    api.sandbox.reset()
    api.saved("item", ITEM)
    api.save("item", ITEM)
    api.get("item", "list")
    counters = api.sandbox.inspect()["counters"]
    assert (counters["requests"], counters["records_saved"], counters["duplicate_numbers_refused"]) == (
        3,
        1,
        1,
    )


def test_a_database_can_be_slow_and_failing_while_the_others_are_not(api: Api) -> None:
    api.sandbox.faults(databases={"101": {"latency_ms": 300, "fail_rate": 1.0}, "102": {}})
    started = time.monotonic()
    assert api.get("branch", "list").status_code == 503  # the api's session is on database 101
    assert time.monotonic() - started >= 0.3
    api.sandbox.faults(databases={"102": {"fail_rate": 1.0}})
    assert api.get("branch", "list").status_code == 200
    bad = requests.post(f"{api.sandbox.url}/_sandbox/faults", json={"databases": {"x": {}}}, timeout=10)
    assert bad.status_code == 400
