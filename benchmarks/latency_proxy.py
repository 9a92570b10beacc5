"""A reverse proxy that adds a fixed delay to every AWS call (standard library only).

Point boto3 or an Ansible module (``endpoint_url``) at the proxy instead of the moto server; each
request waits ``delay`` seconds, then goes to ``upstream`` unchanged. This stands in for the round
trip to a real AWS endpoint (tens of ms), which a local moto server (~8 ms a call) hides.

Keep-alive safe: the proxy speaks HTTP/1.1 to clients, answers with a Content-Length, and keeps one
persistent upstream connection per client connection, so botocore's connection reuse behaves as it
would against AWS. A new client connection is not charged an extra handshake round trip: real AWS
would add one or more (TCP + TLS), so the injected cost is a lower bound.

    with ProxyProcess("http://127.0.0.1:5000", delay_ms=50) as proxy:   # benchmarks/servers.py
        kms = boto3.client("kms", endpoint_url=proxy.url, ...)

It runs as its own process, so that its CPU is not the harness's; from a shell, until SIGTERM::

    python benchmarks/latency_proxy.py --upstream http://127.0.0.1:5000 --delay-ms 50 --port-file /tmp/p

``GET /__latency_proxy__/stats`` answers ``{"requests": n, "upstream_seconds": s}`` (not delayed,
not forwarded); ``POST`` to the same path resets the counters.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import signal
import socketserver
import threading
import time
import urllib.parse
from typing import Optional

STATS_PATH = "/__latency_proxy__/stats"
# Hop-by-hop headers describe one connection; the proxy sets its own Content-Length.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                         "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                         "content-length"})


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, upstream: str, delay: float):
        super().__init__(address, _Handler)
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.delay = delay
        self.lock = threading.Lock()
        self.requests = 0
        self.upstream_seconds = 0.0


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body, written apart, wait for a delayed ACK (~40 ms)
    server: _Server

    def setup(self) -> None:
        super().setup()
        self._upstream: Optional[http.client.HTTPConnection] = None

    def finish(self) -> None:
        if self._upstream is not None:
            self._upstream.close()
        super().finish()

    def log_message(self, *args) -> None:  # quiet
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status: int, headers, body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stats(self, body: bytes) -> None:
        srv = self.server
        with srv.lock:
            if self.command == "POST":
                srv.requests, srv.upstream_seconds = 0, 0.0
            data = json.dumps({"requests": srv.requests, "upstream_seconds": srv.upstream_seconds}).encode()
        self._reply(200, [("Content-Type", "application/json")], data)

    def _forward(self, body: bytes):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        for attempt in (1, 2):  # a kept-alive upstream connection may have been closed meanwhile
            if self._upstream is None:
                self._upstream = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port,
                                                            timeout=120)
            try:
                self._upstream.request(self.command, self.path, body=body, headers=headers)
                resp = self._upstream.getresponse()
                data = resp.read()
                if resp.will_close:
                    self._upstream.close()
                    self._upstream = None
                return resp.status, resp.getheaders(), data
            except (ConnectionError, http.client.HTTPException, OSError):
                self._upstream.close()
                self._upstream = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _handle(self) -> None:
        body = self._body()
        if self.path.startswith(STATS_PATH):
            return self._stats(body)
        time.sleep(self.server.delay)
        started = time.perf_counter()
        try:
            status, headers, data = self._forward(body)
        except OSError as e:
            self.close_connection = True
            return self._reply(502, [("Content-Type", "text/plain")], f"upstream error: {e}".encode())
        with self.server.lock:
            self.server.requests += 1
            self.server.upstream_seconds += time.perf_counter() - started
        self._reply(status, headers, data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--delay-ms", type=float, default=50.0)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    args = parser.parse_args(argv)
    server = _Server(("127.0.0.1", args.port), args.upstream, args.delay_ms / 1000.0)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
