"""The ingestion API fuzzed from its own OpenAPI schema, over real HTTP, with every check on.

Schemathesis (pinned in requirements-dev.txt) generates valid and invalid requests for every
operation (examples, coverage, fuzzing and stateful phases) and checks each answer: no server error,
the status code, content type, headers and body as the schema documents them, invalid data refused,
valid data accepted (settings in schemathesis.toml). Bounded by FUZZ_MAX_EXAMPLES per operation
(a few minutes in `make test`); `make fuzz` runs a longer pass. Prints `fuzz_requests` and
`fuzz_server_errors` as JSON lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_tenant

CONFIG = Path(__file__).with_name("schemathesis.toml")


def run_report(path: Path) -> dict[str, int]:
    """Requests sent, answers that were 5xx, and checks failed, from schemathesis' NDJSON events."""
    requests = server_errors = failed_checks = 0
    for line in path.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        for interaction in recorder.get("interactions", {}).values():
            requests += 1
            response = interaction.get("response") or {}
            server_errors += int(response.get("status_code", 0) >= 500)
        for checks in recorder.get("checks", {}).values():
            failed_checks += sum(1 for check in checks if check["status"] == "failure")
    return {"requests": requests, "server_errors": server_errors, "failed_checks": failed_checks}


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_every_fuzzed_request_as_its_schema_says(live_server: Any, settings: Any, tmp_path):
    # The throttles have their own tests; here they would only turn the fuzzer's requests into 429s.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min", "api_unauthenticated": "1000000/min"},
    }
    tenant = make_tenant("fuzz")
    examples = os.environ.get("FUZZ_MAX_EXAMPLES", "12")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/v1/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        examples,
        "--workers",
        "1",
        "--seed",
        os.environ.get("FUZZ_SEED", "20261203"),
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(tmp_path / "run.ndjson"),
        "--header",
        f"Authorization: Bearer {tenant.api_key}",
    ]

    run = subprocess.run(command, capture_output=True, text=True, timeout=1500, cwd=tmp_path)

    figures = run_report(tmp_path / "run.ndjson")
    print(json.dumps({"fuzz_requests": figures["requests"], "max_examples": int(examples)}))
    print(json.dumps({"fuzz_server_errors": figures["server_errors"]}))
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    assert figures["server_errors"] == 0
    assert figures["failed_checks"] == 0
    assert figures["requests"] >= 24 * int(examples)  # every operation was fuzzed
