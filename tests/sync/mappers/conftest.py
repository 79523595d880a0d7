"""The mapper tests that post to the live sandbox share its per-module process and raw `api`."""

from tests.accurate_sandbox.conftest import api, sandbox_fast

__all__ = ["api", "sandbox_fast"]
