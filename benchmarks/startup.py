"""Section 5: module start-up. AnsiballZ payload size and content, import time (python -X importtime
on the payload itself, so the zipped sources are imported exactly as Ansible imports them), and where
one no-change module process spends its wall time: CPU (of which imports), the AWS calls (count x the
round trip a client sees), and the rest, which is waiting for a core on a busy machine."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import time
import zipfile
from collections import defaultdict
from typing import Dict, List, Tuple

import boto3

import modules
from measure import median, run_timed
from servers import Stack
from timing import REGION, payload_env, run_payload

GROUPS = (  # (label, predicate on a dotted module name or a zip path)
    ("this collection (cmkops.atlassian_cmk)", lambda n: n.startswith("ansible_collections.cmkops")),
    ("amazon.aws module_utils", lambda n: n.startswith("ansible_collections.amazon")),
    ("ansible-core module_utils", lambda n: n.startswith("ansible")),
    ("boto3 + s3transfer", lambda n: n.split(".")[0] in ("boto3", "s3transfer")),
    ("botocore", lambda n: n.split(".")[0] == "botocore"),
    ("urllib3, dateutil, jmespath, six", lambda n: n.split(".")[0] in ("urllib3", "dateutil", "jmespath", "six")),
    ("Python standard library", lambda n: True),
)


def group_of(name: str) -> str:
    return next(label for label, match in GROUPS if match(name))


def payload_zip(payload: str) -> zipfile.ZipFile:
    text = open(payload, encoding="utf-8").read()
    data = re.search(r"zip_data='([A-Za-z0-9+/=]+)'", text).group(1)
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(data)))


def payload_summary(payload: str) -> Dict:
    z = payload_zip(payload)
    by_group: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for info in z.infolist():
        g = group_of(info.filename.replace("/", "."))
        by_group[g][0] += 1
        by_group[g][1] += info.file_size
    return {"bytes": os.path.getsize(payload), "files": len(z.infolist()),
            "source_bytes": sum(i.file_size for i in z.infolist()), "by_group": dict(by_group)}


def import_profile(payload: str, workdir: str, reps: int = 5) -> Dict:
    """-X importtime of no-change runs: self time summed per group and per package, from the run with the
    least total (importtime measures wall time, so a run that waited for a core reads high)."""
    return min((_import_profile_once(payload, workdir) for _ in range(reps)), key=lambda p: p["total"])


def _import_profile_once(payload: str, workdir: str) -> Dict:
    proc = subprocess.run([modules.PYTHON, "-X", "importtime", payload], env=payload_env(),
                          cwd=workdir, capture_output=True, text=True)
    selfs: Dict[str, float] = defaultdict(float)
    entries: List[Tuple[str, float, float]] = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            self_us, cum_us, name = int(m.group(1)), int(m.group(2)), m.group(4)
            selfs[group_of(name)] += self_us / 1e6
            entries.append((name, self_us / 1e6, cum_us / 1e6))
    pkg_self: Dict[str, float] = defaultdict(float)
    for name, s, _ in entries:
        pkg_self[name.split(".")[0] if not name.startswith("ansible") else ".".join(name.split(".")[:3])] += s
    return {"total": sum(selfs.values()), "by_group": dict(selfs), "modules": len(entries),
            "by_package": dict(pkg_self)}


def interpreter_start(workdir: str, reps: int = 5) -> float:
    return median([run_timed([modules.PYTHON, "-c", "pass"], payload_env(), workdir,
                             os.path.join(workdir, "python-c-pass.log")).wall for _ in range(reps)])


def client_creation(endpoint: str, workdir: str) -> float:
    """Seconds to make one boto3 KMS client once boto3 is imported (what module.client() costs)."""
    code = ("import time, boto3; t = time.perf_counter(); "
            f"boto3.session.Session().client('kms', region_name='eu-central-1', endpoint_url='{endpoint}'); "
            "print(time.perf_counter() - t)")
    return median([float(subprocess.run([modules.PYTHON, "-c", code], env=payload_env(), cwd=workdir,
                                        capture_output=True, text=True, check=True).stdout) for _ in range(3)])


def round_trip(endpoint: str, calls: int = 20) -> float:
    """One KMS call's time as a client sees it (proxy delay + proxy + moto + botocore), median of ``calls``."""
    kms = boto3.client("kms", region_name=REGION, endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    kms.list_aliases(Limit=1)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        kms.describe_key(KeyId="alias/" + modules.ALIAS)
        times.append(time.perf_counter() - started)
    return median(times)


def wall_split(stack: Stack, payload: str, workdir: str, rtt: float, reps: int = 3) -> Dict:
    """Delayed no-change runs: wall, CPU, calls (counted by the proxy) and calls x round trip (medians)."""
    runs, calls = [], 0
    for rep in range(reps):
        stack.proxy.stats(reset=True)
        runs.append(run_payload(payload, os.path.join(workdir, f"split-{os.path.basename(payload)}-{rep}.log")))
        calls = stack.proxy.stats()["requests"]
    return {"wall": median([r.wall for r in runs]), "cpu": median([r.cpu for r in runs]), "calls": calls,
            "aws_wait": calls * rtt}


def run(stacks: Dict[str, Stack], payloads: Dict[tuple, str], workdir: str, log) -> Dict:
    os.makedirs(workdir, exist_ok=True)
    python_start = interpreter_start(workdir)
    client = client_creation(stacks[modules.OURS].url(False), workdir)
    rtt = round_trip(stacks[modules.OURS].url(True))
    out: Dict = {"python_start": python_start, "client_creation": client, "round_trip": rtt, "modules": {}}
    for module, stack in stacks.items():
        imports = import_profile(payloads[(module, False)], workdir)
        split = wall_split(stack, payloads[(module, True)], workdir, rtt)
        out["modules"][module] = {"payload": payload_summary(payloads[(module, False)]), "imports": imports,
                                  "split": split}
        log(f"  start-up {modules.NAMES[module]}: payload {out['modules'][module]['payload']['bytes']} B, "
            f"imports {imports['total']:.3f}s, 50 ms run {split['wall']:.3f}s of which AWS {split['aws_wait']:.3f}s")
    return out
