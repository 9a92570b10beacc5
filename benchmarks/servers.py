"""The benchmark's servers on 127.0.0.1: moto (plain or with AWS-sized ListAliases pages) and the
latency proxy in front of it, each its own process, started on a free port and stopped by PID."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import List

from latency_proxy import STATS_PATH
from tests.support.moto_server import MotoServer, moto_server_command

HERE = Path(__file__).resolve().parent


class ServerProcess(MotoServer):
    """A server in a child process, run as tests.support's MotoServer runs moto: its own session, a temp
    dir with its log, stopped by PID (``stop``, ``with``: inherited). A subclass says what to run
    (``command``) and how to tell that it answers (``probe``); by default, moto."""

    def command(self) -> List[str]:
        return moto_server_command() + ["-H", "127.0.0.1", "-p", str(self.port)]

    def probe(self) -> None:
        urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()

    def start(self, timeout: float = 30) -> "ServerProcess":
        env = dict(os.environ, MOTO_RECORDER_FILEPATH=self.record_file, **self._env)
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.process.args[:2]} exited: {Path(self.log_file).read_text()[-2000:]}")
            try:
                self.probe()
                return self
            except (OSError, ValueError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.process.args[:2]} did not answer within {timeout} s")


class BenchMotoServer(ServerProcess):
    """tests.support's MotoServer, optionally launched through benchmarks/moto_paged.py."""

    def __init__(self, paged: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.paged = paged

    def command(self) -> List[str]:
        if self.paged:
            return [sys.executable, str(HERE / "moto_paged.py"), "-H", "127.0.0.1", "-p", str(self.port)]
        return super().command()


class ProxyProcess(ServerProcess):
    """benchmarks/latency_proxy.py as a child process (its CPU is not the harness's). The proxy picks
    its port itself and writes it to a file: ``url`` is known once it has started."""

    def __init__(self, upstream: str, delay_ms: float):
        super().__init__()
        self.upstream = upstream
        self.delay_ms = delay_ms
        self.port_file = os.path.join(self._tmp, "port")
        self.port, self.url = 0, ""  # until started

    def command(self) -> List[str]:
        return [sys.executable, str(HERE / "latency_proxy.py"), "--upstream", self.upstream,
                "--delay-ms", str(self.delay_ms), "--port-file", self.port_file]

    def probe(self) -> None:
        self.port = int(Path(self.port_file).read_text())
        self.url = f"http://127.0.0.1:{self.port}"
        self.stats()

    def stats(self, reset: bool = False) -> dict:
        req = urllib.request.Request(self.url + STATS_PATH, method="POST" if reset else "GET",
                                     data=b"" if reset else None)
        return json.loads(urllib.request.urlopen(req, timeout=10).read())


class Stack:
    """One moto server with a latency proxy in front: ``url(False)`` is moto itself, ``url(True)``
    the same server through the proxy, so one set of keys serves both measurements."""

    def __init__(self, delay_ms: float = 50.0, paged: bool = False):
        self.moto = BenchMotoServer(paged=paged)
        self.proxy = ProxyProcess(self.moto.url, delay_ms)

    def url(self, delayed: bool) -> str:
        return self.proxy.url if delayed else self.moto.url

    def start(self) -> "Stack":
        self.moto.start()
        self.proxy.start()
        return self

    def stop(self) -> None:
        self.proxy.stop()
        self.moto.stop()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
