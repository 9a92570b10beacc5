"""Start and stop one molecule scenario's servers, recorded in its ephemeral directory.

  python -m harness.ctl moto start DIR     start moto (or reuse DIR's live one); record {"pid", "port",
                                           "url"} in DIR/moto.json; print it with "changed"
  python -m harness.ctl proxy start DIR [--seed N] [--max-seconds S] [--rules-json JSON]
                                           the fault proxy in front of DIR's moto, in DIR/proxy.json;
                                           a live proxy with the same upstream, seed and rules is reused
  python -m harness.ctl moto|proxy stop DIR  stop the recorded PID, only while it is still that server
  python -m harness.ctl proxy events DIR   {"total", "by_action", "faulted", "faults": {kind: {op: n}}}

Only a recorded PID is ever signalled. --max-seconds makes an orphaned proxy (a killed molecule run,
`molecule reset`) exit by itself.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from harness.proxy import KINDS
from harness.servers import MotoServer, ProxyServer, is_running, stop_pid

MARKERS = {"moto": b"moto", "proxy": b"harness.proxy"}
FAULTS = KINDS - {"latency", "hold"}  # what a request can suffer


def recorded(directory: Path, what: str) -> dict:
    path = directory / f"{what}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def start(directory: Path, what: str, server) -> dict:
    server.start()
    record = server.record()
    (directory / f"{what}.json").write_text(json.dumps(record) + "\n")
    return {"changed": True, **record}


def start_moto(directory: Path) -> dict:
    live = recorded(directory, "moto")
    if live and is_running(live["pid"], MARKERS["moto"]):
        return {"changed": False, **live}
    for attempt in range(3):  # a port taken between choosing and binding it means another try
        try:
            return start(directory, "moto", MotoServer(workdir=str(directory)))
        except RuntimeError as exc:
            print(f"moto attempt {attempt + 1}: {exc}", file=sys.stderr)
    sys.exit(f"moto did not answer on 127.0.0.1 after 3 tries; see {directory / 'moto.log'}")


def start_proxy(directory: Path, seed: int, max_seconds: float, rules: list) -> dict:
    moto = recorded(directory, "moto")
    if not moto:
        sys.exit(f"no moto server recorded in {directory}: start it first")
    live = recorded(directory, "proxy")
    if live and (live["upstream"], live["seed"], live["rules"]) == (moto["url"], seed, rules) \
            and is_running(live["pid"], MARKERS["proxy"]):
        return {"changed": False, **live}
    stop(directory, "proxy")  # stale: moto restarted, other rules, or the proxy is gone
    return start(directory, "proxy", ProxyServer(moto["url"], rules, seed, max_seconds, workdir=str(directory)))


def stop(directory: Path, what: str) -> dict:
    live = recorded(directory, what)
    if not live:
        return {"changed": False}
    changed = stop_pid(live["pid"], MARKERS[what])
    (directory / f"{what}.json").unlink()
    return {"changed": changed, "pid": live["pid"]}


def events(directory: Path) -> dict:
    path = Path(recorded(directory, "proxy").get("events_file") or directory / "proxy.events.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    by_action = collections.Counter(e["action"] for e in lines)
    faults: dict = collections.defaultdict(collections.Counter)
    for event in lines:
        if event["action"] in FAULTS:
            faults[event["action"]][event["operation"] or event["path"]] += 1
    return {"total": len(lines), "by_action": dict(by_action), "faulted": sum(by_action[a] for a in FAULTS),
            "faults": {action: dict(ops) for action, ops in faults.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=sorted(MARKERS))
    parser.add_argument("action", choices=["start", "stop", "events"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--rules-json", default="[]")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    if args.action == "stop":
        result = stop(args.directory, args.what)
    elif args.action == "events":
        result = events(args.directory)
    elif args.what == "moto":
        result = start_moto(args.directory)
    else:
        result = start_proxy(args.directory, args.seed, args.max_seconds, json.loads(args.rules_json))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
