"""`make bench`: atlassian_cmk_key and its role side by side with amazon.aws.kms_key, on local moto
servers the benchmark starts and stops by PID; rewrites BENCHMARKS.md with tables and the command.

  python benchmarks/run.py [--quick] [--sections calls,timings] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

import calls
import fleet
from common import KMS_KEY, OURS, ROOT


def table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def calls_section(res: dict) -> str:
    rows = [(account, run, len(got[OURS]["runs"][run]["ops"]), len(got[KMS_KEY]["runs"][run]["ops"]),
             calls.breakdown(got[OURS]["runs"][run]["ops"]), calls.breakdown(got[KMS_KEY]["runs"][run]["ops"]))
            for account, got in res["accounts"].items() for run in calls.RUNS]
    checks = "\n".join(f"- {name}: {'yes' if ok else '**no**'}" for name, ok in res["checks"])
    return ("## API calls per run (moto's recorder; KMS, STS and tagging calls alike)\n\n"
            + table(["account", "run", "ours", "kms_key", "ours: operations", "kms_key: operations"], rows)
            + "\n\n" + checks)


def ratio(a, b) -> str:
    return f"{a / b:.2f}×" if a and b else "-"


def timings_section(res: dict) -> str:
    realm_rows = [(where, f"{got['role']['wall']:.2f}", f"{got['kms_key']['wall']:.2f}",
                   ratio(got["role"]["wall"], got["kms_key"]["wall"]), ratio(got["role"]["cpu"], got["kms_key"]["cpu"]))
                  for where, got in res["realm"].items()]
    fleet_rows, smallest = [], min(res["fleet"], key=int)
    for n, got in res["fleet"].items():
        per = {play: got[play]["cpu"] / int(n) for play in got}
        fleet_rows.append((n, res["reps_by_size"][n], *(f"{per[p]:.2f}" if p in per else "-" for p in fleet.PLAYS),
                           ratio(per.get("role"), per.get("kms_key")), ratio(per.get("site.yml"), per.get("kms_key")),
                           ratio(per["role"], res["fleet"][smallest]["role"]["cpu"] / int(smallest)),
                           f"{max(g['peak_mb'] for g in got.values()):.0f}"))
    return (f"## Realm re-run, one account (median of {res['reps']} interleaved runs each)\n\n"
            + table(["AWS", "ours wall (s)", "kms_key wall (s)", "wall ratio", "CPU ratio"], realm_rows)
            + f"\n\n## Fleet re-run, {res['delay_ms']:g} ms per call, forks {res['forks']}\n\n"
            + "CPU seconds per account of the whole ansible-playbook process tree (median of the interleaved runs); "
            + "peak: the largest process's peak RSS, the controller's.\n\n"
            + table(["accounts", "runs each", "role", "site.yml", "kms_key", "role / kms_key", "site.yml / kms_key",
                     f"role per account vs {smallest}", "peak MB"], fleet_rows))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    p.add_argument("--workdir", default=str(Path(__file__).parent / "results"))
    p.add_argument("--sections", default="calls,timings")
    p.add_argument("--quick", action="store_true", help="small sizes, for development")
    p.add_argument("--delay-ms", type=float, default=50.0)
    args = p.parse_args()
    every = list(fleet.PLAYS)
    other_keys, sizes, reps, forks = ((60, {3: (every, 1), 6: (["role"], 1)}, 1, 3) if args.quick else
                                      (500, {10: (every, 3), 100: (every, 1), 300: (["role"], 1)}, 3, 25))
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    started = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - started:5.0f}s] {msg}", flush=True)

    sections = []
    if "calls" in args.sections:
        log("API calls per run")
        sections.append(calls_section(calls.run(os.path.join(args.workdir, "calls"), other_keys)))
    if "timings" in args.sections:
        log("timings through ansible-playbook")
        res = fleet.run(os.path.join(args.workdir, "timings"), log, args.delay_ms, sizes, forks, reps)
        (Path(args.workdir) / "timings.json").write_text(json.dumps(res, indent=1))
        sections.append(timings_section(res))
    command = os.environ.get("BENCH_COMMAND") or "python " + " ".join(sys.argv)
    versions = ", ".join(f"{d} {metadata.version(d)}" for d in ("ansible-core", "ansible", "moto", "boto3"))
    head = (f"# Benchmarks: atlassian_cmk_key vs amazon.aws.kms_key\n\nWritten by `{command}` on "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC in {time.time() - started:.0f} s, "
            f"on {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end; "
            f"{versions}. Every figure is from that one run, against moto servers on 127.0.0.1; "
            f"\"{args.delay_ms:g} ms per call\" means through harness/proxy.py's latency rule. "
            "Performance claims are ratios: absolute times on a shared machine are noise.\n")
    Path(args.out).write_text("\n\n".join([head, *sections]) + "\n")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
