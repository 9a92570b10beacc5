#!/usr/bin/env python
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop the moto server of one molecule scenario, on 127.0.0.1 and a free port.

  moto_ctl.py start DIR   start a server (or reuse DIR's live one), record {"pid", "port", "url"} in
                          DIR/moto.json once /moto-api/ answers, and print {"changed": ..., "url": ...}
  moto_ctl.py stop DIR    kill the PID recorded in DIR/moto.json, only if it is still a moto server

Only the recorded PID is ever signalled: other scenarios' servers, and anything else, are left alone.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

START_ATTEMPTS = 3
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/moto-api/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def is_moto(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(b"moto" in part for part in cmdline)


def launch(directory: Path) -> dict:
    """Start a server; a port taken between choosing it and binding it means another try."""
    log = open(directory / "moto.log", "ab")  # noqa: SIM115 - the child keeps it
    for attempt in range(1, START_ATTEMPTS + 1):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if answers(url):
                return {"pid": proc.pid, "port": port, "url": url}
            time.sleep(0.2)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        print(f"moto server attempt {attempt} on port {port} failed", file=sys.stderr)
    sys.exit(f"moto server did not answer on 127.0.0.1 after {START_ATTEMPTS} tries; see {directory / 'moto.log'}")


def start(directory: Path) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    record = directory / "moto.json"
    if record.exists():
        server = json.loads(record.read_text())
        if is_moto(server["pid"]) and answers(server["url"]):
            return {"changed": False, **server}
    server = launch(directory)
    record.write_text(json.dumps(server) + "\n")
    return {"changed": True, **server}


def stop_recorded(record: Path, is_ours) -> dict:
    """Stop the process whose PID ``record`` holds, only while ``is_ours(pid)`` says it is still ours."""
    if not record.exists():
        return {"changed": False}
    pid = json.loads(record.read_text())["pid"]
    changed = False
    if is_ours(pid):
        os.kill(pid, signal.SIGTERM)
        changed = True
        deadline = time.monotonic() + STOP_TIMEOUT
        while is_ours(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if is_ours(pid):
            os.kill(pid, signal.SIGKILL)
    record.unlink()
    return {"changed": changed, "pid": pid}


def stop(directory: Path) -> dict:
    return stop_recorded(directory / "moto.json", is_moto)


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    action, directory = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(start(directory) if action == "start" else stop(directory)))


if __name__ == "__main__":
    main()
