"""Everything one running sandbox holds: its config, storage, limits, faults and counters."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from accurate_sandbox.config import SandboxConfig
from accurate_sandbox.faults import Faults, FaultSettings
from accurate_sandbox.limits import Limiter
from accurate_sandbox.seed import seed_if_empty
from accurate_sandbox.storage import Storage


class Stats:
    """Named counters for the inspection endpoint (requests, token refreshes, duplicates refused…)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            self.counts[name] += amount

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()


class Deletions:
    """Every document delete.do removed, in order (module, number): tests read the order back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done: list[tuple[str, str]] = []

    def add(self, module: str, number: str) -> None:
        with self.lock:
            self.done.append((module, number))

    def snapshot(self) -> list[dict[str, str]]:
        with self.lock:
            return [{"module": module, "number": number} for module, number in self.done]

    def reset(self) -> None:
        with self.lock:
            self.done.clear()


@dataclass
class Ticket:
    """A login that went through, waiting on the consent page."""

    user_id: int
    client_id: str
    redirect_uri: str
    scopes: list[str]
    state: str
    expires_at: float


@dataclass
class Sandbox:
    config: SandboxConfig
    storage: Storage
    limiter: Limiter
    faults: Faults
    base_url: str
    stats: Stats = field(default_factory=Stats)
    deletions: Deletions = field(default_factory=Deletions)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    tickets_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, config: SandboxConfig, base_url: str) -> Sandbox:
        storage = Storage(config.data_file)
        seed_if_empty(storage)
        faults = FaultSettings(config.latency_ms, config.fail_rate, config.drop_rate)
        return cls(
            config=config,
            storage=storage,
            limiter=Limiter(config.rate_limit, config.in_flight_limit),
            faults=Faults(faults),
            base_url=base_url,
        )

    def client_ok(self, client_id: str, secret: str | None = None) -> bool:
        if client_id != self.config.client_id:
            return False
        return secret is None or secret == self.config.client_secret

    def describe(self) -> dict[str, Any]:
        return {"url": self.base_url, "client_id": self.config.client_id}
