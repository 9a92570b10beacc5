"""`make bench`: atlassian_cmk_key and its role side by side with amazon.aws.kms_key, and the fleet at scale as
AWX runs it, on local moto servers the benchmark starts and stops by PID; rewrites BENCHMARKS.md with tables and
the command, and docs/awx.md's capacity table from the scale run.

  python benchmarks/run.py [--quick] [--sections calls,timings,scale] [--out BENCHMARKS.md]
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
import scale
from common import KMS_KEY, OURS, ROOT

AWX_DOC = ROOT / "docs" / "awx.md"
CAPACITY = ("<!-- capacity: written by make bench (benchmarks/run.py) -->", "<!-- capacity: end -->")


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


def scale_section(res: dict) -> str:
    listed, got = res["listing"], res["fleet"]
    listing_rows = [(name, f"{r['wall']:.1f}", r["calls"], r["throttled"], r["hosts"]) for name, r in listed["runs"].items()]
    fleet_rows = [(r["accounts"], r["slices"], f"{r['wall']:.0f}", f"{r['cpu_per_account']:.2f}",
                   f"{60 / r['cpu_per_account']:.0f}", f"{r['accounts'] * 60 / r['wall'] / got['cores']:.1f}",
                   " / ".join(f"{m:.0f}" for m in r["job_peaks_mb"])) for r in got["runs"]]
    stopped = got["stopped"]
    where = (f"Stopped before {stopped['accounts']} accounts in {stopped['slices']} slices: projected "
             f"{stopped['projected_s'] / 60:.0f} min, past the {got['budget_s'] / 60:.0f}-minute budget on "
             f"{got['cores']} cores." if stopped else "Every size ran.")
    return (f"## Scale: the inventory plugin over an Organization of {listed['accounts']} accounts\n\n"
            f"Nested OUs (5, each with 2 below), pages of 20, {res['throttled']:.0%} of the Organizations calls "
            "throttled (then retried by the plugin), 50 ms per call.\n\n"
            + table(["listing", "wall (s)", "calls", "throttled", "hosts"], listing_rows)
            + f"\n\n## Scale: the fleet re-run as sliced ansible-runner jobs side by side, forks {got['forks']} each\n\n"
            "site.yml per slice; CPU seconds of every job's whole process tree (wait4), per account; accounts per "
            "CPU-minute is 60 / that; the throughput column is accounts per minute per core of this machine "
            "(wall); peak: each job's largest process, the controller's.\n\n"
            + table(["accounts", "slices", "wall (s)", "CPU s per account", "accounts per CPU-minute",
                     "accounts per minute per core", "peak MB per job"], fleet_rows)
            + f"\n\n{where}")


def capacity_table(res: dict) -> str:
    per = max(r["cpu_per_account"] for r in res["fleet"]["runs"])
    rows = [(f"{c['accounts']:,}", f"{c['cores']:.1f}", c["slices"], c["forks"]) for c in scale.capacity(per)]
    return (f"{CAPACITY[0]}\n\nFrom {per:.2f} CPU seconds per account (the largest of the scale run in "
            f"BENCHMARKS.md), so {60 / per:.0f} accounts per execution-node core per minute: to finish within 10 "
            "minutes on execution nodes of 4 cores, with Automation Platform's default of 4 forks per CPU:\n\n"
            + table(["accounts", "execution-node cores busy", "job slices (one node each)", "forks per slice"], rows)
            + f"\n\n{CAPACITY[1]}")


def write_capacity(res: dict) -> None:
    text = AWX_DOC.read_text()
    start, end = text.index(CAPACITY[0]), text.index(CAPACITY[1]) + len(CAPACITY[1])
    AWX_DOC.write_text(text[:start] + capacity_table(res) + text[end:])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    p.add_argument("--workdir", default=str(Path(__file__).parent / "results"))
    p.add_argument("--sections", default="calls,timings,scale")
    p.add_argument("--quick", action="store_true", help="small sizes, for development")
    p.add_argument("--delay-ms", type=float, default=50.0)
    args = p.parse_args()
    every = list(fleet.PLAYS)
    other_keys, sizes, reps, forks = ((60, {3: (every, 1), 6: (["role"], 1)}, 1, 3) if args.quick else
                                      (500, {10: (every, 3), 100: (every, 1), 300: (["role"], 1)}, 3, 25))
    org_size, scale_runs, budget = ((60, [(6, 1), (6, 2)], 300) if args.quick else
                                    (1000, [(100, 1), (100, 2), (100, 4), (300, 2), (1000, 2)], 1200))
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
    if "scale" in args.sections:
        log("the fleet at scale")
        res = scale.run(os.path.join(args.workdir, "scale"), log, args.delay_ms, org_size, scale_runs, budget)
        (Path(args.workdir) / "scale.json").write_text(json.dumps(res, indent=1))
        sections.append(scale_section(res))
        if not args.quick:
            write_capacity(res)
    command = os.environ.get("BENCH_COMMAND") or "python " + " ".join(sys.argv)
    versions = ", ".join(f"{d} {metadata.version(d)}" for d in ("ansible-core", "ansible", "moto", "boto3"))
    head = (f"# Benchmarks: atlassian_cmk_key vs amazon.aws.kms_key, and the fleet at scale\n\nWritten by `{command}` on "
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
