"""Two "machines" on one: network namespaces joined to the host by veth pairs, for bench/multi_host.py.

Each machine is a network namespace (`ip netns add`) with one veth pair: the namespace's end has
10.200.N.2/30 and a default route to the host's end, 10.200.N.1/30. Nothing else leaves the host:
the addresses are private, there is no forwarding, no NAT, no change to a service of the machine.
A process started in a namespace (`ip netns exec`, which execs the command: the process started is
the one in the namespace) sees only its own loopback and the host's veth addresses. Linux answers
for any of its own addresses on any interface, so a machine also reaches the *other* machine's host
address (10.200.1.1 from 10.200.2.2) through its own veth; nothing routes between the namespaces.

PostgreSQL and Redis listen on 127.0.0.1 only, and stay so: a relay of this run (`python
bench/_netns.py relay LISTEN=TARGET …`, asyncio, no dependency) listens on the host's veth
addresses and forwards each connection to 127.0.0.1. The servers see a loopback client, as usual.

Killing a machine is SIGKILL to every process `ip netns pids` lists in its namespace, at once.

`probe()` says why namespaces cannot be made here (not root, no `ip`, a refusal), or None.
`cleanup()` removes what a run leaves: the namespaces (their processes killed first; deleting a
namespace deletes its veth pair) and the relay and sandbox processes a run recorded in its state
file, whether the run ended or was killed. Run as a script with `cleanup`, it does just that.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PREFIX = "iseller-mh"
PROBE = f"{PREFIX}-probe"
PROBE_LINK = "mh-p0"
# Pids of the relay and sandboxes of the current run, so that a later run can stop them if this one
# was killed before its own clean-up (only a pid whose command line still matches is signalled).
STATE_FILE = Path(tempfile.gettempdir()) / f"{PREFIX}.pids"
IP_TIMEOUT_S = 10.0
RELAY_READY_S = 10.0
RELAY_CHUNK = 65536


@dataclass(frozen=True)
class Machine:
    """One namespace and its veth pair: `host_address` on the host's end, `address` inside."""

    name: str  # "a", "b"
    subnet: int  # the third octet of 10.200.N.0/30

    @property
    def namespace(self) -> str:
        return f"{PREFIX}-{self.name}"

    @property
    def host_link(self) -> str:
        return f"mh-{self.name}0"

    @property
    def link(self) -> str:
        return f"mh-{self.name}1"

    @property
    def host_address(self) -> str:
        return f"10.200.{self.subnet}.1"

    @property
    def address(self) -> str:
        return f"10.200.{self.subnet}.2"

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside the namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def pids(self) -> list[int]:
        """Every process in the namespace."""
        found = _ip("netns", "pids", self.namespace, check=False)
        return [int(pid) for pid in found.split()]


MACHINES = (Machine("a", 1), Machine("b", 2))


# --- the namespaces ---


def _ip(*args: str, check: bool = True) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=IP_TIMEOUT_S)
    if check and done.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def probe() -> str | None:
    """Why network namespaces cannot be created here, or None when they can (one is made and removed)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not root: `ip netns add` needs CAP_SYS_ADMIN and CAP_NET_ADMIN"
    if shutil.which("ip") is None:
        return "no `ip` command (iproute2)"
    try:
        _ip("netns", "del", PROBE, check=False)
        _ip("netns", "add", PROBE)
        _ip("link", "add", PROBE_LINK, "type", "veth", "peer", "name", "mh-p1", "netns", PROBE)
    except (OSError, subprocess.SubprocessError) as error:
        return f"cannot create a network namespace and a veth pair: {error}"
    finally:
        _ip("netns", "del", PROBE, check=False)  # takes the veth pair with it
        _ip("link", "del", PROBE_LINK, check=False)
    return None


def machines_create() -> None:
    """Both namespaces, each with its veth pair, addresses, loopback and default route."""
    for machine in MACHINES:
        _ip("netns", "add", machine.namespace)
        _ip(
            "link", "add", machine.host_link, "type", "veth", "peer", "name", machine.link,
            "netns", machine.namespace,
        )  # fmt: skip
        _ip("addr", "add", f"{machine.host_address}/30", "dev", machine.host_link)
        _ip("link", "set", machine.host_link, "up")
        inside = ("-n", machine.namespace)
        _ip(*inside, "addr", "add", f"{machine.address}/30", "dev", machine.link)
        _ip(*inside, "link", "set", machine.link, "up")
        _ip(*inside, "link", "set", "lo", "up")
        _ip(*inside, "route", "add", "default", "via", machine.host_address)


def machine_kill(machine: Machine) -> list[int]:
    """SIGKILL every process of the namespace at once, as a machine losing power; returns their pids."""
    pids = machine.pids()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def cleanup() -> None:
    """Remove the namespaces and veths of this or an earlier run, and the processes it recorded."""
    for machine in MACHINES:
        if machine.namespace in _ip("netns", "list", check=False).split():
            machine_kill(machine)
            _ip("netns", "del", machine.namespace, check=False)
        _ip("link", "del", machine.host_link, check=False)  # gone with the namespace, unless orphaned
    _ip("netns", "del", PROBE, check=False)
    recorded_stop()


# --- processes a later run must be able to stop ---


def record(pid: int) -> None:
    with STATE_FILE.open("a") as state:
        state.write(f"{pid}\n")


def recorded_stop() -> None:
    """SIGKILL the recorded relay and sandbox processes still running as what they were."""
    if not STATE_FILE.exists():
        return
    for line in STATE_FILE.read_text().split():
        pid = int(line)
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"accurate_sandbox" in command or b"_netns.py" in command:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    STATE_FILE.unlink()


# --- the relay ---


@dataclass(frozen=True)
class Route:
    """Listen on `listen` (host:port), forward each connection to `target` (host:port)."""

    listen: tuple[str, int]
    target: tuple[str, int]

    def __str__(self) -> str:
        return f"{self.listen[0]}:{self.listen[1]}={self.target[0]}:{self.target[1]}"

    @classmethod
    def parse(cls, text: str) -> Route:
        listen, target = text.split("=")
        (lhost, lport), (thost, tport) = (part.rsplit(":", 1) for part in (listen, target))
        return cls((lhost, int(lport)), (thost, int(tport)))


def relay_start(routes: Sequence[Route], log: Path) -> subprocess.Popen[bytes]:
    """The relay as a process of its own (its copying stays off this process's GIL); returns once
    it listens on every route."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "relay", *map(str, routes)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    record(process.pid)
    deadline = time.monotonic() + RELAY_READY_S
    while b"relay ready" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise OSError(f"the relay did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    return process


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(RELAY_CHUNK):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()  # one side ended: end the other, as the servers and clients expect


async def _relay(routes: Sequence[Route]) -> None:
    servers = []
    for route in routes:

        async def handle(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: tuple[str, int] = route.target
        ) -> None:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection(*target)
            except OSError:
                writer.close()
                return
            await asyncio.gather(
                _copy(reader, upstream_writer), _copy(upstream_reader, writer), return_exceptions=True
            )

        servers.append(await asyncio.start_server(handle, *route.listen, reuse_address=True))
    print("relay ready:", ", ".join(map(str, routes)), flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["relay"]:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_relay([Route.parse(text) for text in argv[1:]]))
    elif argv[:1] == ["cleanup"]:
        cleanup()
    else:
        raise SystemExit("usage: _netns.py relay LISTEN_HOST:PORT=TARGET_HOST:PORT … | cleanup")


if __name__ == "__main__":
    main(sys.argv[1:])
