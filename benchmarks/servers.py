"""The benchmark's servers on 127.0.0.1: moto (plain or with AWS-sized ListAliases pages) and the
latency proxy in front of it, each its own process, started on a free port and stopped by PID."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

from tests.support.moto_server import MotoServer, moto_server_command

HERE = Path(__file__).resolve().parent


class BenchMotoServer(MotoServer):
    """tests.support's MotoServer, optionally launched through benchmarks/moto_paged.py."""

    def __init__(self, paged: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.paged = paged

    def command(self) -> List[str]:
        if self.paged:
            return [sys.executable, str(HERE / "moto_paged.py")]
        return moto_server_command()

    def start(self) -> "BenchMotoServer":
        env = dict(os.environ, MOTO_RECORDER_FILEPATH=self.record_file, **self._env)
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                self.command() + ["-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        _wait_until(lambda: urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read(),
                    self.process, self.log_file, self.stop)
        return self


class ProxyProcess:
    """benchmarks/latency_proxy.py as a child process (its CPU is not the harness's)."""

    def __init__(self, upstream: str, delay_ms: float):
        self.upstream = upstream
        self.delay_ms = delay_ms
        self._tmp = tempfile.mkdtemp(prefix="latproxy-")
        self.port_file = os.path.join(self._tmp, "port")
        self.log_file = os.path.join(self._tmp, "proxy.log")
        self.process: Optional[subprocess.Popen] = None
        self.url = ""

    def start(self) -> "ProxyProcess":
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(HERE / "latency_proxy.py"), "--upstream", self.upstream,
                 "--delay-ms", str(self.delay_ms), "--port-file", self.port_file],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

        def ready():
            self.url = "http://127.0.0.1:" + Path(self.port_file).read_text().strip()
            return self.stats()

        _wait_until(ready, self.process, self.log_file, self.stop)
        return self

    def stats(self, reset: bool = False) -> dict:
        req = urllib.request.Request(self.url + "/__latency_proxy__/stats", method="POST" if reset else "GET",
                                     data=b"" if reset else None)
        return json.loads(urllib.request.urlopen(req, timeout=10).read())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)

    def __enter__(self) -> "ProxyProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Stack:
    """One moto server with a latency proxy in front: ``url(False)`` is moto itself, ``url(True)``
    the same server through the proxy, so one set of keys serves both measurements."""

    def __init__(self, delay_ms: float = 50.0, paged: bool = False):
        self.moto = BenchMotoServer(paged=paged)
        self.proxy = ProxyProcess("", delay_ms)

    def url(self, delayed: bool) -> str:
        return self.proxy.url if delayed else self.moto.url

    def start(self) -> "Stack":
        self.moto.start()
        self.proxy.upstream = self.moto.url
        self.proxy.start()
        return self

    def stop(self) -> None:
        self.proxy.stop()
        self.moto.stop()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _wait_until(probe, process: subprocess.Popen, log_file: str, stop, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:2]} exited: {Path(log_file).read_text()[-2000:]}")
        try:
            probe()
            return
        except (OSError, ValueError):
            time.sleep(0.1)
    stop()
    raise RuntimeError(f"{process.args[:2]} did not answer within {timeout} s")
