"""Tests of harness/proxy.py and its launcher: a stdlib upstream stands in for AWS, plus moto runs."""
from __future__ import annotations

import http.client
import http.server
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from harness.last_usage import TRACKING_START, LastUsage
from harness.proxy import Event, FaultProxy, Rule, operation_of
from harness.servers import MotoServer, ProxyServer

ROOT = Path(__file__).resolve().parents[2]
PROXY = [sys.executable, "-m", "harness.proxy"]
# One attempt: a retried fault would hide what the proxy did to the first request.
NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "region_name": "eu-west-1"}
STS_XML = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
           b"<GetCallerIdentityResult><Account>123456789012</Account><Arn>arn:aws:iam::123456789012"
           b":user/t</Arn><UserId>U</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>")


class _Upstream(http.server.ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str, dict[str, str], bytes]]


class _UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Upstream

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        target = self.headers.get("X-Amz-Target", "")
        payload, ctype = STS_XML, "text/xml"
        if target:
            answer = {"KeyMetadata": {"KeyId": "k-1"}} if target.endswith(".CreateKey") else {
                "Keys": [{"KeyId": "k-1"}]}
            payload, ctype = json.dumps(answer).encode(), "application/x-amz-json-1.1"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def upstream():
    server = _Upstream(("127.0.0.1", 0), _UpstreamHandler)
    server.seen = []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream):
    with FaultProxy(f"http://127.0.0.1:{upstream.server_address[1]}", seed=1) as p:
        yield p


def kms(url: str):
    return boto3.client("kms", endpoint_url=url, config=NO_RETRY, **CREDS)


def seen_ops(upstream) -> list[str]:
    return [operation_of(headers, body, path) for _method, path, headers, body in upstream.seen]


@pytest.mark.parametrize("headers, body, path, op", [
    ({"X-Amz-Target": "TrentService.CreateKey"}, b"{}", "/", "CreateKey"),
    ({"x-amz-target": "ResourceGroupsTaggingAPI_20170126.GetResources"}, b"{}", "/",
     "GetResources"),
    ({}, b"Action=GetCallerIdentity&Version=2011-06-15", "/", "GetCallerIdentity"),
    ({}, b"", "/?Action=AssumeRole&Version=2011-06-15", "AssumeRole"),
    ({}, b"", "/service/GraniteServiceVersion20100801/operation/GetMetricData", "GetMetricData"),
    ({}, b"", "/moto-api/recorder/start-recording", ""),
    ({}, b"\xff\xfe", "/", ""),
])
def test_operation_of(headers, body, path, op):
    assert operation_of(headers, body, path) == op


def test_forwards_and_keeps_connections_alive(proxy, upstream):
    assert kms(proxy.url).list_keys()["Keys"] == [{"KeyId": "k-1"}]
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    for _request in range(2):  # the second request reuses the socket: Content-Length framing is right
        conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "TrentService.ListKeys"})
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["Keys"]
    conn.close()
    assert seen_ops(upstream) == ["ListKeys"] * 3
    assert upstream.seen[0][2]["Host"] == f"127.0.0.1:{proxy.port}"  # signed Host kept
    assert proxy.events[0] == Event("ListKeys", "forwarded", 200, "POST", "/")


@pytest.mark.parametrize("rule, call, status, code, message", [
    (Rule("throttle", ops={"CreateKey"}), "create_key", 400, "ThrottlingException",
     "Rate exceeded"),
    ({"kind": "error500"}, "list_keys", 500, "KMSInternalException", "injected"),
    (Rule("refuse", ops=["CreateKey"], status=404, code="NotFoundException", message="gone"),
     "create_key", 404, "NotFoundException", "gone"),
])
def test_answered_faults_are_not_forwarded(proxy, upstream, rule, call, status, code, message):
    proxy.set_rules([rule])
    with pytest.raises(ClientError) as err:
        getattr(kms(proxy.url), call)()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert err.value.response["Error"] == {"Code": code, "Message": message}
    assert upstream.seen == []
    kind = rule["kind"] if isinstance(rule, dict) else rule.kind
    assert [e.action for e in proxy.events] == [kind]


def test_unreachable_upstream_answers_502():
    with socket.socket() as s:  # bound, never listening: connections to it are refused
        s.bind(("127.0.0.1", 0))
        with FaultProxy(f"http://127.0.0.1:{s.getsockname()[1]}") as p:
            with pytest.raises(ClientError) as err:
                kms(p.url).list_keys()
            assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
            assert p.events == [Event("ListKeys", "upstream_error", None, "POST", "/")]


def test_throttle_on_query_protocol_parses(proxy, upstream):
    sts = boto3.client("sts", endpoint_url=proxy.url, config=NO_RETRY, **CREDS)
    assert sts.get_caller_identity()["Account"] == "123456789012"
    proxy.set_rules([Rule("throttle", ops={"GetCallerIdentity"})])
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "Throttling"


def test_drop_closes_without_forwarding(proxy, upstream):
    proxy.set_rules([Rule("drop", ops={"CreateKey"})])
    with pytest.raises(ConnectionClosedError):
        kms(proxy.url).create_key()
    assert upstream.seen == []
    assert proxy.events == [Event("CreateKey", "drop", None, "POST", "/")]


def test_drop_response_forwards_then_closes(proxy, upstream):
    proxy.set_rules([Rule("drop_response", ops={"CreateKey"})])
    client = kms(proxy.url)
    with pytest.raises(ConnectionClosedError):
        client.create_key()
    assert seen_ops(upstream) == ["CreateKey"]
    assert proxy.events == [Event("CreateKey", "drop_response", 200, "POST", "/")]
    assert client.create_key()["KeyMetadata"]["KeyId"] == "k-1"  # max_count 1: next one passes


def test_delay_holds_requests_concurrently_then_forwards(proxy, upstream):
    proxy.set_rules([Rule("delay", ops={"CreateKey"}, seconds=0.5, max_count=2)])
    client = kms(proxy.url)
    started = time.monotonic()
    threads = [threading.Thread(target=client.create_key) for _thread in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 0.5 <= time.monotonic() - started < 0.95  # held side by side, not one after the other
    assert seen_ops(upstream) == ["CreateKey"] * 2
    assert [(e.op, e.action, e.upstream_status) for e in proxy.events] == [
        ("CreateKey", "delay", 200)] * 2


def test_call_indices_count_only_matching_operations(proxy, upstream):
    proxy.set_rules([Rule("throttle", ops={"CreateKey"}, calls=[2, 3])])
    client, actions = kms(proxy.url), []
    for call in (client.create_key, client.list_keys, client.create_key, client.create_key,
                 client.create_key):
        try:
            call()
            actions.append("ok")
        except ClientError:
            actions.append("throttled")
    assert actions == ["ok", "ok", "throttled", "throttled", "ok"]


def _actions(proxy: FaultProxy, n: int) -> list[str]:
    client = kms(proxy.url)
    for _attempt in range(n):
        try:
            client.list_keys()
        except ClientError:
            pass
    return [e.action for e in proxy.events]


def test_seed_makes_the_sequence_deterministic(upstream):
    url = f"http://127.0.0.1:{upstream.server_address[1]}"
    rules = [Rule("throttle", probability=0.5, max_count=100)]
    runs = []
    for seed in (7, 7, 8):
        with FaultProxy(url, rules, seed=seed) as p:
            runs.append(_actions(p, 16))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert 0 < runs[0].count("throttle") < 16


def test_max_count_bounds_faults(proxy):
    proxy.set_rules([Rule("error500", probability=1.0, max_count=2)])
    assert _actions(proxy, 5) == ["error500"] * 2 + ["forwarded"] * 3


def test_set_rules_while_running_resets_counters(proxy):
    proxy.set_rules([Rule("throttle", calls=[1])])
    assert _actions(proxy, 2) == ["throttle", "forwarded"]
    proxy.set_rules([])
    proxy.clear_events()
    assert _actions(proxy, 2) == ["forwarded"] * 2
    proxy.set_rules([Rule("throttle", calls=[1])])
    proxy.clear_events()
    assert _actions(proxy, 1) == ["throttle"]


@pytest.mark.parametrize("spec, message", [
    ({"kind": "explode"}, "unknown fault kind"),
    ({"kind": "refuse", "status": 404}, "needs an error code"),
    ({"kind": "throttle", "probability": 1.5}, "within 0..1"),
    ({"kind": "delay", "seconds": 3600}, "seconds must be within"),
])
def test_invalid_rules_are_rejected(spec, message):
    with pytest.raises(ValueError, match=message):
        Rule(**spec)


def test_stop_serves_nothing_more(upstream):
    p = FaultProxy(f"http://127.0.0.1:{upstream.server_address[1]}").start()
    conn = http.client.HTTPConnection("127.0.0.1", p.port, timeout=5)
    conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "TrentService.ListKeys"})
    conn.getresponse().read()
    port = p.port
    p.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "TrentService.ListKeys"})
        conn.getresponse().read()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    assert seen_ops(upstream) == ["ListKeys"]  # the kept-alive connection got EOF, not upstream


def test_cli_runs_until_sigterm(upstream, tmp_path):
    rules = [{"kind": "throttle", "ops": ["CreateKey"], "calls": [1]}]
    server = ProxyServer(f"http://127.0.0.1:{upstream.server_address[1]}", rules, seed=3, max_seconds=15,
                         workdir=str(tmp_path))
    with server:
        client = kms(server.url)
        with pytest.raises(ClientError):
            client.create_key()
        client.create_key()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=5) == 0
    assert server.log_file.read_text().strip() == str(server.port)
    expected = [("CreateKey", "throttle"), ("CreateKey", "forwarded")]
    assert [(e["operation"], e["action"]) for e in server.events()] == expected


def test_cli_exits_after_max_seconds():
    started = time.monotonic()
    done = subprocess.run([*PROXY, "--upstream", "http://127.0.0.1:9",
                           "--max-seconds", "0.3"], capture_output=True, text=True, check=False, timeout=10,
                          cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip().isdigit()
    assert time.monotonic() - started < 5


@pytest.fixture
def moto_url(tmp_path):
    with MotoServer(workdir=str(tmp_path)) as moto:
        yield moto.url


def test_drop_response_against_moto_leaves_the_key(moto_url):
    with FaultProxy(moto_url, [Rule("drop_response", ops={"CreateKey"}, calls=[1])], seed=1) as p:
        with pytest.raises(ConnectionClosedError):
            kms(p.url).create_key(Description="written but unanswered")
        assert p.events == [Event("CreateKey", "drop_response", 200, "POST", "/")]
    keys = kms(moto_url).list_keys()["Keys"]
    assert len(keys) == 1
    described = kms(moto_url).describe_key(KeyId=keys[0]["KeyId"])["KeyMetadata"]
    assert described["Description"] == "written but unanswered"


def test_latency_delays_every_request_and_lets_faults_fire(upstream):
    url = f"http://127.0.0.1:{upstream.server_address[1]}"
    rules = [Rule("latency", seconds=0.2), Rule("throttle", ops={"CreateKey"})]
    with FaultProxy(url, rules) as p:
        started = time.monotonic()
        kms(p.url).list_keys()
        with pytest.raises(ClientError):
            kms(p.url).create_key()
        kms(p.url).list_keys()
        elapsed = time.monotonic() - started
    assert elapsed >= 0.6  # three requests, each held 0.2 s
    assert [(e.operation, e.action) for e in p.events] == [
        ("ListKeys", "forwarded"), ("CreateKey", "throttle"), ("ListKeys", "forwarded")]


def test_get_key_last_usage_is_answered_from_the_table_and_the_rest_forwarded(moto_url):
    used_at = datetime(2026, 11, 30, 10, tzinfo=timezone.utc)
    client = kms(moto_url)
    named, denied, other = client.create_key()["KeyMetadata"], client.create_key()["KeyMetadata"], \
        client.create_key()["KeyMetadata"]
    table = {named["KeyId"]: LastUsage("Decrypt", used_at=used_at), denied["KeyId"]: LastUsage(error="AccessDeniedException")}
    with FaultProxy(moto_url, [Rule("throttle", ops={"GetKeyLastUsage"}, calls=[1])], last_usage=table) as p:
        with pytest.raises(ClientError, match="Throttling"):  # a rule that fires comes first
            kms(p.url).get_key_last_usage(KeyId=named["KeyId"])
        got = kms(p.url).get_key_last_usage(KeyId=named["Arn"])  # by ARN too
        assert got["KeyLastUsage"]["Operation"] == "Decrypt" and got["KeyLastUsage"]["Timestamp"] == used_at
        assert got["TrackingStartDate"] == TRACKING_START
        with pytest.raises(ClientError, match="AccessDeniedException"):
            kms(p.url).get_key_last_usage(KeyId=denied["KeyId"])
        with pytest.raises(ClientError) as unnamed:  # forwarded: moto has no GetKeyLastUsage
            kms(p.url).get_key_last_usage(KeyId=other["KeyId"])
        assert unnamed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        p.last_usage["*"] = LastUsage()  # every other key: no use since tracking started
        assert kms(p.url).get_key_last_usage(KeyId=other["KeyId"])["KeyLastUsage"] == {}
    assert [e.action for e in p.events] == ["throttle", "answered", "answered", "forwarded", "answered"]
