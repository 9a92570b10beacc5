"""The machine and the versions a benchmark ran on."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from typing import Dict

import modules


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _os() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.platform()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _collection_version(manifest_dir: str) -> str:
    data = _read(os.path.join(manifest_dir, "MANIFEST.json"))
    return json.loads(data)["collection_info"]["version"] if data else "unknown"


def _git() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=str(modules.ROOT), capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain")
    return f"{head}{' + uncommitted changes' if dirty else ''}"


def describe() -> Dict[str, str]:
    import ansible_collections.amazon.aws as aws  # namespace package: locate it through its path
    aws_dir = next(iter(aws.__path__))
    galaxy = _read(str(modules.ROOT / "galaxy.yml"))
    ours = next((line.split(":", 1)[1].strip() for line in galaxy.splitlines() if line.startswith("version:")), "?")
    return {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} cores",
        "Memory": _memory(),
        "OS": f"{_os()}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "ansible-core": _version("ansible-core"),
        "ansible (bundle)": _version("ansible"),
        "amazon.aws": _collection_version(aws_dir),
        "cmkops.atlassian_cmk": f"{ours} (git {_git()})",
        "moto": _version("moto"),
        "boto3 / botocore": f"{_version('boto3')} / {_version('botocore')}",
    }
