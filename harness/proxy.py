"""Fault-injecting HTTP reverse proxy for AWS API tests (standard library only).

Clients use the proxy's URL as ``endpoint_url``; each request goes on to ``upstream`` (moto)
unless a rule picks it for a fault. In a test::

    with FaultProxy(moto_url, [Rule("throttle", ops={"CreateKey"}, calls=[1])], seed=1) as proxy:
        ...  # boto3.client("kms", endpoint_url=proxy.url): the 1st CreateKey is throttled
        proxy.set_rules([])  # the next run sees no faults; proxy.events records both runs

As a process, until SIGTERM or ``--max-seconds`` (``harness.servers.ProxyServer``): ``python -m harness.proxy --upstream URL
--port-file F --seed 7 --rules-json '[{"kind": "drop", "ops": ["CreateKey"]}]'``.

A rule is a ``Rule`` or a dict / JSON object with its keys. ``kind``: throttle (400
ThrottlingException), error500 (500 KMSInternalException), refuse (``status`` and error ``code``),
drop (close, nothing forwarded), drop_response (forward, then close without answering), delay
(hold the request ``seconds``, then forward it: overlapping calls make races real), hold (keep the
request until the test's next ``release(forward=...)``, at most ``seconds`` or MAX_DELAY; ``wait_held(n)``
waits until n requests are held, so a test kills or races a run exactly there), latency (every
matching request waits ``seconds`` before it goes on, as over a real AWS round trip; it never counts
as the rule that fires, so the other rules still apply). ``ops``:
operation names, None for all. ``calls``: 1-based indices among the requests the rule matched since
``set_rules``. ``probability``: per matching request, from random.Random(seed); with neither, every
match is hit. ``max_count``: at most this many faults (default len(calls) or 1). ``message``:
error text. The first rule that fires wins. ``proxy.events``: one ``Event`` (operation, action,
upstream status) per request. With no rule firing, GetKeyLastUsage is answered from ``proxy.last_usage``
(``harness.last_usage``; action "answered"), since moto does not implement it.
"""
from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import random
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union
from xml.sax.saxutils import escape

from harness import last_usage

KINDS = frozenset({"throttle", "error500", "drop", "drop_response", "refuse", "delay", "hold", "latency"})
MAX_DELAY = 120.0  # a typo'd delay must not hang a test run
_ANSWERED = frozenset({"throttle", "error500", "refuse"})
# Never relayed: they describe one hop, and the proxy recomputes Content-Length itself.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                         "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                         "content-length"})
_Response = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body
_RPCV2_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")
# (status, code, message) per kind and wire protocol: STS speaks the XML query protocol, whose
# throttling code differs, and botocore only parses JSON error bodies for JSON services.
_DEFAULTS = {("throttle", "json"): (400, "ThrottlingException", "Rate exceeded"),
             ("throttle", "query"): (400, "Throttling", "Rate exceeded"),
             ("error500", "json"): (500, "KMSInternalException", "injected"),
             ("error500", "query"): (500, "InternalFailure", "injected")}


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def operation_of(headers: Mapping[str, str], body: bytes, path: str = "") -> str:
    """The AWS operation of a request, or "" (e.g. moto's /moto-api/ admin calls)."""
    target = _header(headers, "x-amz-target")
    if target:  # JSON protocol: KMS "TrentService.CreateKey", tagging "..._20170126.GetResources"
        return target.rsplit(".", 1)[-1]
    match = _RPCV2_PATH.search(path)
    if match:  # Smithy RPC v2 (CBOR), which newer botocore may pick for some services
        return match.group(1)
    for raw in (body, urllib.parse.urlsplit(path).query.encode()):
        try:
            form = urllib.parse.parse_qs(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if form.get("Action"):
            return form["Action"][0]
    return ""


@dataclass
class Rule:
    kind: str
    ops: Optional[Iterable[str]] = None
    probability: Optional[float] = None
    calls: Iterable[int] = ()
    max_count: Optional[int] = None
    status: int = 400
    code: str = ""
    message: Optional[str] = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(KINDS)}")
        if self.ops is not None:  # a bare "CreateKey" must not become a set of letters
            self.ops = frozenset([self.ops] if isinstance(self.ops, str) else self.ops)
        self.calls = frozenset(int(c) for c in self.calls)
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be within 0..1, got {self.probability}")
        self.max_count = (len(self.calls) or 1) if self.max_count is None else int(self.max_count)
        if self.max_count < 0:
            raise ValueError("max_count must be >= 0")
        if not 0.0 <= self.seconds <= MAX_DELAY:
            raise ValueError(f"seconds must be within 0..{MAX_DELAY}, got {self.seconds}")
        if self.kind == "refuse" and not self.code:
            raise ValueError("a 'refuse' rule needs an error code")


@dataclass(frozen=True)
class Event:
    operation: str
    action: str
    upstream_status: Optional[int]
    method: str
    path: str

    @property
    def op(self) -> str:
        return self.operation


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], proxy: "FaultProxy") -> None:
        self.proxy = proxy
        self.stopped = False
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client resetting an idle keep-alive connection is routine; anything else is a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # botocore reuses connections; HTTP/1.0 would close each one
    timeout = 60  # an idle keep-alive connection must not pin a thread forever
    # Headers and body are separate writes: with Nagle on, each answer waits ~40 ms for an ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # proxy.events is the log; stderr lines would only clutter test output

    def _handle(self) -> None:
        if self.server.stopped:
            # A keep-alive connection outlives serve_forever(): after stop() it gets EOF, no answer.
            self.close_connection = True
            return
        proxy = self.server.proxy
        # botocore always sends Content-Length for JSON and query APIs: no chunked bodies to decode.
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        op = operation_of(self.headers, body, self.path)
        rule, latency = proxy._decide(op)
        action, status, response = (rule.kind if rule else "forwarded"), None, None
        time.sleep(latency)  # only this handler thread waits; other requests go on
        if rule is not None and rule.kind in _ANSWERED:
            response = _fault_response(rule, self.headers)
        elif rule is None and op == "GetKeyLastUsage":
            response = last_usage.answer(proxy.last_usage, body)
            action = "answered" if response else action
        elif rule is not None and rule.kind == "hold" and not proxy._hold(op, self.command, self.path, rule):
            action = "drop"  # released without forwarding: nothing reached upstream
        if action not in ("drop",) and response is None:
            if rule is not None and rule.kind == "delay":
                time.sleep(rule.seconds)  # only this handler thread waits; other requests go on
            try:
                response = proxy._forward(self.command, self.path, self.headers, body)
                status = response[0]
            except (OSError, http.client.HTTPException) as exc:
                action = "upstream_error"
                response = (502, [("Content-Type", "text/plain")], f"upstream: {exc}".encode())
        # Recorded before answering, so a client that has its response also sees its event.
        proxy._record(Event(op, action, status, self.command, self.path))
        if response is None or action == "drop_response":
            self.close_connection = True  # the client reads EOF where it expects an answer
        else:
            self._reply(*response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def _reply(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response_only(status)  # upstream's own Date/Server headers are relayed
        for key, value in headers:
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _fault_response(rule: Rule, headers: Mapping[str, str]) -> _Response:
    json_protocol = bool(_header(headers, "x-amz-target"))
    protocol = "json" if json_protocol else "query"
    status, code, message = _DEFAULTS.get((rule.kind, protocol),
                                          (rule.status, rule.code, "injected"))
    code, message = rule.code or code, rule.message or message
    request_id = str(uuid.uuid4())
    if json_protocol:
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", "application/x-amz-json-1.1"),
                        ("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)], body
    side = "Sender" if status < 500 else "Receiver"
    xml = (f"<ErrorResponse><Error><Type>{side}</Type><Code>{escape(code)}</Code>"
           f"<Message>{escape(message)}</Message></Error>"
           f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], xml.encode()


class FaultProxy:
    """The proxy on host:port (0: any free port), started by start() or ``with``."""
    def __init__(self, upstream: str, rules: Iterable[Union[Rule, Mapping[str, Any]]] = (),
                 seed: int = 0, host: str = "127.0.0.1", port: int = 0,
                 upstream_timeout: float = 30.0, events_file: Optional[str] = None,
                 last_usage: Optional[Mapping[str, "last_usage.LastUsage"]] = None) -> None:
        parts = urllib.parse.urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream must be an http(s) URL, got {upstream!r}")
        self._upstream = parts
        self.seed = seed
        self.upstream_timeout = upstream_timeout
        self.events_file = events_file
        self._address = (host, port)
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._server: Optional[_Server] = None
        self._released = threading.Condition(self._lock)
        self._holding = 0
        self._generation = 0
        self._forward_after: dict = {}
        self.last_usage = dict(last_usage or {})  # GetKeyLastUsage's answers, per key ID (harness.last_usage)
        self.set_rules(rules)

    def set_rules(self, rules: Iterable[Union[Rule, Mapping[str, Any]]],
                  seed: Optional[int] = None) -> None:
        """Replace the rules; call counters and the random sequence start over."""
        parsed = [r if isinstance(r, Rule) else Rule(**r) for r in rules]
        with self._lock:
            self._rules = parsed
            self._seen = [0] * len(parsed)
            self._fired = [0] * len(parsed)
            self._rng = random.Random(self.seed if seed is None else seed)

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return list(self._events)

    def clear_events(self) -> None:
        with self._lock:
            self._events.clear()

    @property
    def port(self) -> int:
        assert self._server is not None, "proxy not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    def start(self) -> "FaultProxy":
        self._server = _Server(self._address, self)
        threading.Thread(target=self._server.serve_forever, name="fault-proxy",
                         kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stopped = True
            server.shutdown()
            server.server_close()

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _hold(self, op: str, method: str, path: str, rule: Rule) -> bool:
        """Keep a request until the next release(); True to forward it then."""
        self._record(Event(op, "held", None, method, path))
        with self._released:
            generation = self._generation
            self._holding += 1
            self._released.notify_all()
            if not self._released.wait_for(lambda: self._generation > generation, timeout=rule.seconds or MAX_DELAY):
                self._holding -= 1  # timed out: no longer held (a release counts its own back to 0)
            return self._forward_after.get(generation + 1, True)

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> None:
        """Wait until ``count`` requests are held by hold rules since the last release."""
        with self._released:
            if not self._released.wait_for(lambda: self._holding >= count, timeout=timeout):
                raise TimeoutError(f"{self._holding} of {count} requests held after {timeout}s")

    def release(self, forward: bool = True) -> None:
        """Let the requests held now go on (forward) or drop them (nothing reaches upstream)."""
        with self._released:
            self._generation += 1
            self._holding = 0
            self._forward_after[self._generation] = forward
            self._released.notify_all()

    def _decide(self, op: str) -> tuple[Optional[Rule], float]:
        """The rule that fires for ``op`` (or None), and the latency every matching latency rule adds."""
        # One lock around counting and drawing: with sequential clients, the same seed and the same
        # request sequence always give the same faults.
        chosen: Optional[Rule] = None
        latency = 0.0
        with self._lock:
            for i, rule in enumerate(self._rules):
                if rule.ops is not None and op not in rule.ops:
                    continue
                if rule.kind == "latency":
                    latency += rule.seconds
                    continue
                self._seen[i] += 1
                if chosen is not None or self._fired[i] >= (rule.max_count or 0):
                    continue
                unconditional = not rule.calls and rule.probability is None
                if unconditional or self._seen[i] in rule.calls or (
                        rule.probability is not None and self._rng.random() < rule.probability):
                    self._fired[i] += 1
                    chosen = rule
        return chosen, latency

    def _record(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)
            if self.events_file:  # for a proxy run as a process: its events as JSON lines
                with open(self.events_file, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(asdict(event)) + "\n")

    def _forward(self, method: str, path: str, headers: Mapping[str, str],
                 body: bytes) -> _Response:
        parts = self._upstream
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=self.upstream_timeout)
        try:
            # The client's Host header is kept: SigV4 signed it.
            conn.putrequest(method, parts.path.rstrip("/") + path, skip_host=True,
                            skip_accept_encoding=True)
            for key, value in headers.items():
                if key.lower() not in _HOP_BY_HOP:
                    conn.putheader(key, value)
            if body or _header(headers, "content-length") is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Fault-injecting proxy in front of an AWS API.")
    parser.add_argument("--upstream", required=True, help="base URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port chosen by the OS")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--rules-json", default="[]", help="JSON list of rule objects")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, help="exit by itself after this long")
    parser.add_argument("--events-file", help="append one JSON line per request")
    args = parser.parse_args(argv)
    proxy = FaultProxy(args.upstream, json.loads(args.rules_json), seed=args.seed,
                       host=args.host, port=args.port, events_file=args.events_file).start()
    if args.port_file:
        # Written whole, then renamed: a poller never reads a half-written port.
        Path(f"{args.port_file}.tmp").write_text(f"{proxy.port}\n", encoding="utf-8")
        os.replace(f"{args.port_file}.tmp", args.port_file)
    print(proxy.port, flush=True)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    done.wait(args.max_seconds)
    proxy.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
