#!/usr/bin/env python
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start, stop and read the fault-injecting proxy (tests/fault/proxy.py) of one molecule scenario.

  fault_ctl.py start DIR --seed N --max-seconds S --rules-json JSON
      start the proxy in front of the moto server recorded in DIR/moto.json (moto_ctl.py), as its own
      process and session, on 127.0.0.1 and a free port; record {"pid", "port", "url", "upstream",
      "seed", "rules", "events_file"} in DIR/fault-proxy.json once it listens, and print
      {"changed": ..., "url": ...}. A live proxy with the same upstream, seed and rules is reused.
  fault_ctl.py stop DIR
      kill the PID recorded in DIR/fault-proxy.json, only if it is still that proxy
  fault_ctl.py events DIR
      print {"total", "by_action": {action: n}, "faults": {"throttle": {op: n}, ...}} from the
      proxy's events file (one JSON line per request it saw)

Only the recorded PID is ever signalled. --max-seconds makes an orphaned proxy (a killed molecule
run, `molecule reset`) exit by itself.
"""

from __future__ import annotations

import argparse
import collections
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from moto_ctl import stop_recorded  # the same folder: scripts run with it on sys.path

RECORD = "fault-proxy.json"
PORT_FILE = "fault-proxy.port"
EVENTS_FILE = "fault-proxy.events.jsonl"
LOG_FILE = "fault-proxy.log"
READY_TIMEOUT = 15.0
PROXY = Path(__file__).resolve().parent.parent / "fault" / "proxy.py"
FAULT_ACTIONS = ("throttle", "error500", "refuse", "drop", "drop_response", "delay")


def is_proxy(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(part.endswith(b"fault/proxy.py") for part in cmdline)


def listens(port: int) -> bool:
    """A TCP connect only: an HTTP request would go through the rules and draw from their random sequence."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def stop(directory: Path) -> dict:
    return stop_recorded(directory / RECORD, is_proxy)


def start(directory: Path, seed: int, max_seconds: float, rules: list) -> dict:
    moto = directory / "moto.json"
    if not moto.exists():
        sys.exit(f"no moto server recorded in {moto}: run the shared create.yml first")
    upstream = json.loads(moto.read_text())["url"]
    record = directory / RECORD
    if record.exists():
        proxy = json.loads(record.read_text())
        same = (proxy.get("upstream"), proxy.get("seed"), proxy.get("rules")) == (upstream, seed, rules)
        if same and is_proxy(proxy["pid"]) and listens(proxy["port"]):
            return {"changed": False, **proxy}
        stop(directory)  # stale: moto restarted, other rules, or the proxy is gone

    port_file, events_file = directory / PORT_FILE, directory / EVENTS_FILE
    port_file.unlink(missing_ok=True)
    events_file.write_text("")  # counts are per proxy, i.e. per scenario run
    log = open(directory / LOG_FILE, "ab")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, str(PROXY), "--upstream", upstream, "--port-file", str(port_file),
         "--rules-json", json.dumps(rules), "--seed", str(seed), "--max-seconds", str(max_seconds),
         "--events-file", str(events_file)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        if port_file.exists():
            port = int(port_file.read_text())
            if listens(port):
                proxy = {"pid": proc.pid, "port": port, "url": f"http://127.0.0.1:{port}",
                         "upstream": upstream, "seed": seed, "rules": rules,
                         "max_seconds": max_seconds, "events_file": str(events_file)}
                record.write_text(json.dumps(proxy) + "\n")
                return {"changed": True, **proxy}
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    sys.exit(f"fault proxy did not listen within {READY_TIMEOUT}s; see {directory / LOG_FILE}")


def events(directory: Path) -> dict:
    path = directory / EVENTS_FILE
    by_action: collections.Counter = collections.Counter()
    faults: dict = collections.defaultdict(collections.Counter)
    total = 0
    for line in path.read_text().splitlines() if path.exists() else []:
        event = json.loads(line)
        total += 1
        by_action[event["action"]] += 1
        if event["action"] in FAULT_ACTIONS:
            faults[event["action"]][event["operation"] or event["path"]] += 1
    return {"total": total, "by_action": dict(by_action),
            "faulted": sum(by_action[a] for a in FAULT_ACTIONS),
            "faults": {action: dict(ops) for action, ops in faults.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "events"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--rules-json", default="[]")
    args = parser.parse_args()
    if args.action == "start":
        args.directory.mkdir(parents=True, exist_ok=True)
        result = start(args.directory, args.seed, args.max_seconds, json.loads(args.rules_json))
    elif args.action == "stop":
        result = stop(args.directory)
    else:
        result = events(args.directory)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
