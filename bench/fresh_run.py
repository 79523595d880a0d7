"""Fresh-run benchmark: how long a new user waits for `make run` on a fresh clone.

Run alone: `python bench/fresh_run.py`. It clones the repository's HEAD with `git clone` into a
temporary folder (committed work only, no `.venv`, no `var/`), runs `make run` there on two free
ports from an environment without our settings or virtual environment (tests/e2e/make_run.py), and
measures:

- `fresh_run_to_banner_s`: from starting `make run` to the banner that says where to open the back
  office: the `.venv` built from requirements.txt, migrate, seed_demo, then web, worker, beat and the
  sandbox all ready;
- `fresh_run_ctrl_c_s`: from Ctrl-C (SIGINT to its process group) until `make run` has exited.

It then checks that nothing is left: no listener on the two ports, no process in the clone.
Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.make_run import (  # noqa: E402
    MakeRunFailed,
    check_stopped,
    fresh_clone,
    interrupt,
    kill,
    start,
    wait_for_banner,
)


def figure(name: str, value: float, unit: str) -> None:
    print(json.dumps({"figure": name, "value": round(value, 1), "unit": unit}), flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fresh-run-", ignore_cleanup_errors=True) as folder:
        clone = fresh_clone(Path(folder) / "clone")
        run = start(clone, Path(folder) / "make-run.log")
        try:
            figure("fresh_run_to_banner_s", wait_for_banner(run), "s")
            interrupted = time.monotonic()
            code = interrupt(run)
            stopped = time.monotonic() - interrupted
            # make waits for the devserver to stop its children, then dies of the SIGINT itself.
            if code != -signal.SIGINT:
                raise run.failed(f"`make run` exited with {code} after Ctrl-C, not by the SIGINT")
            check_stopped(run)
            figure("fresh_run_ctrl_c_s", stopped, "s")
        finally:
            kill(run)


if __name__ == "__main__":
    try:
        main()
    except MakeRunFailed as failure:
        sys.exit(f"fresh_run: {failure}")
