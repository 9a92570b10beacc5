"""A moto server on 127.0.0.1 for the tests: a free port, stopped by its PID, calls counted.

Used by the integration tests, the demo and the benchmarks:

    with MotoServer() as moto:
        with moto.recording() as calls:
            ...                      # boto3 / ansible against moto.url
        calls.operations()           # ["DescribeKey", "GetKeyPolicy", ...]
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
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, List, Optional

WRITE_PREFIXES = ("Create", "Put", "Update", "Enable", "Disable", "Tag", "Untag", "Schedule", "Cancel",
                  "Delete", "Replicate", "Import", "Retire", "Revoke")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_server_command() -> List[str]:
    exe = Path(sys.executable).with_name("moto_server")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "moto.server"]


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


def operation_of(entry: dict) -> Optional[str]:
    if entry.get("uri", "").startswith("/moto-api"):
        return None
    target = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}.get("x-amz-target")
    if target:
        return target.split(".")[-1]
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = urllib.parse.parse_qs(body).get("Action")
    return action[0] if action else None


class MotoServer:
    def __init__(self, port: Optional[int] = None, env: Optional[dict] = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.mkdtemp(prefix="moto-")
        self.record_file = os.path.join(self._tmp, "recording.jsonl")
        self.log_file = os.path.join(self._tmp, "server.log")
        self._env = env or {}
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "MotoServer":
        env = dict(os.environ, MOTO_RECORDER_FILEPATH=self.record_file, **self._env)
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                moto_server_command() + ["-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {Path(self.log_file).read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only this server
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

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
