"""Servers on 127.0.0.1 for the tests, molecule, the benchmarks and the demo: moto and the fault proxy.

Each runs as a child process in its own session, on a free port, with its log in its work directory,
and is stopped by its PID (never by name)::

    with MotoServer() as moto, ProxyServer(moto.url, [{"kind": "latency", "seconds": 0.05}]) as proxy:
        with moto.recording() as calls:
            ...                      # boto3 / ansible against proxy.url or moto.url
        calls.operations()           # ["DescribeKey", "GetKeyPolicy", ...]

``python -m harness.ctl`` starts and stops the same servers for molecule, recorded in a directory.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Mapping, Optional

from harness.proxy import operation_of as request_operation

ROOT = Path(__file__).resolve().parents[1]
WRITE_PREFIXES = ("Create", "Put", "Update", "Enable", "Disable", "Tag", "Untag", "Schedule", "Cancel",
                  "Delete", "Replicate", "Import", "Retire", "Revoke")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server in a child process. A subclass says what to run (``command``) and how to tell that it
    answers (``probe``, raising OSError or ValueError until it does)."""

    name = "server"

    def __init__(self, workdir: Optional[str] = None, env: Optional[Mapping[str, str]] = None):
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=f"{self.name}-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_file = self.workdir / f"{self.name}.log"
        self.port = 0
        self.url = ""
        self._env = dict(env or {})
        self.process: Optional[subprocess.Popen] = None

    def command(self) -> List[str]:
        raise NotImplementedError

    def probe(self) -> None:
        raise NotImplementedError

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} not started"
        return self.process.pid

    def start(self, timeout: float = 30.0) -> "ServerProcess":
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                   **self._env)
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_file.read_text()[-2000:]}")
            try:
                self.probe()
                return self
            except (OSError, ValueError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout} s; see {self.log_file}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only this server
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def record(self) -> dict:
        return {"pid": self.pid, "port": self.port, "url": self.url}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Recording:
    """The AWS operations moto's recorder saw, admin calls left out."""

    def __init__(self) -> None:
        self.entries: List[dict] = []

    def operations(self) -> List[str]:
        return [op for op in (operation_of(e) for e in self.entries) if op]

    def writes(self) -> List[str]:
        return [op for op in self.operations() if op.startswith(WRITE_PREFIXES)]

    def count(self, operation: str) -> int:
        return self.operations().count(operation)


def operation_of(entry: dict) -> str:
    """The operation of one entry of moto's recorder ("" for its /moto-api/ admin calls)."""
    if entry.get("uri", "").startswith("/moto-api"):
        return ""
    body = (entry.get("body") or "").encode()
    if entry.get("body_encoded"):
        body = base64.b64decode(body)
    return request_operation(entry.get("headers") or {}, body, entry.get("uri", ""))


class MotoServer(ServerProcess):
    """moto's server with its recorder on, patched like AWS (harness.moto_aws); ``paged`` makes KMS ListAliases
    page like AWS's."""

    name = "moto"

    def __init__(self, paged: bool = False, port: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.paged = paged
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.record_file = str(self.workdir / "recording.jsonl")
        self._env.setdefault("MOTO_RECORDER_FILEPATH", self.record_file)

    def command(self) -> List[str]:
        paged = ["--paged"] if self.paged else []
        return [sys.executable, "-m", "harness.moto_aws", *paged, "-H", "127.0.0.1", "-p", str(self.port)]

    def probe(self) -> None:
        urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()

    def _admin(self, path: str, method: str = "POST") -> bytes:
        req = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        return urllib.request.urlopen(req, timeout=30).read()

    def reset(self) -> None:
        self._admin("/moto-api/reset")

    @contextlib.contextmanager
    def recording(self) -> Iterator[Recording]:
        rec = Recording()
        self._admin("/moto-api/recorder/reset-recording")
        self._admin("/moto-api/recorder/start-recording")
        try:
            yield rec
        finally:
            self._admin("/moto-api/recorder/stop-recording")
            raw = self._admin("/moto-api/recorder/download-recording", method="GET").decode()
            rec.entries = [json.loads(line) for line in raw.splitlines() if line.strip()]


class ProxyServer(ServerProcess):
    """harness/proxy.py as a child process (its CPU is not the caller's), in front of ``upstream``.
    It picks its port itself and writes it to a file; its events go to ``events_file``, one JSON line
    per request."""

    name = "proxy"

    def __init__(self, upstream: str, rules: Iterable[Mapping[str, Any]] = (), seed: int = 0,
                 max_seconds: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.upstream, self.rules, self.seed, self.max_seconds = upstream, list(rules), seed, max_seconds
        self.port_file = self.workdir / "proxy.port"
        self.events_file = self.workdir / "proxy.events.jsonl"

    def command(self) -> List[str]:
        self.port_file.unlink(missing_ok=True)
        self.events_file.write_text("")  # events are per proxy process
        cmd = [sys.executable, "-m", "harness.proxy", "--upstream", self.upstream, "--port-file",
               str(self.port_file), "--rules-json", json.dumps(self.rules), "--seed", str(self.seed),
               "--events-file", str(self.events_file)]
        return cmd + (["--max-seconds", str(self.max_seconds)] if self.max_seconds else [])

    def probe(self) -> None:
        """A TCP connect only: an HTTP request would go through the rules and draw from their sequence."""
        self.port = int(self.port_file.read_text())
        socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        self.url = f"http://127.0.0.1:{self.port}"

    def events(self) -> List[dict]:
        return [json.loads(line) for line in self.events_file.read_text().splitlines() if line.strip()]

    def record(self) -> dict:
        return {**super().record(), "upstream": self.upstream, "seed": self.seed, "rules": self.rules,
                "events_file": str(self.events_file)}


class RulebookProcess(ServerProcess):
    """ansible-rulebook running ``rulebook`` (a file or a collection's rulebook) with an inventory and a variables
    file; it answers once its rule set waits for events."""

    name = "rulebook"

    def __init__(self, rulebook: str, inventory: Path, variables: Path, **kwargs: Any):
        super().__init__(**kwargs)
        self.args = ["-r", rulebook, "-i", str(inventory), "-e", str(variables), "-v"]  # -v: says when it waits

    def command(self) -> List[str]:
        return [str(Path(sys.executable).with_name("ansible-rulebook")), *self.args]

    def probe(self) -> None:
        if "Waiting for events" not in self.log_file.read_text(errors="replace"):
            raise ValueError("the rule set does not wait for events yet")

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")


def is_running(pid: int, marker: bytes) -> bool:
    """Whether ``pid`` is alive and its command line mentions ``marker`` (still our server)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(marker in part for part in cmdline)


def stop_pid(pid: int, marker: bytes, timeout: float = 10.0) -> bool:
    """SIGTERM, then SIGKILL, the process ``pid``, only while it is still the server ``marker`` names."""
    if not is_running(pid, marker):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while is_running(pid, marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    if is_running(pid, marker):
        os.kill(pid, signal.SIGKILL)
    return True
