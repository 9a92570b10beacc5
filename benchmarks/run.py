#!/usr/bin/env python3
"""Benchmark cmkops.atlassian_cmk.atlassian_cmk_key against amazon.aws.kms_key; write BENCHMARKS.md.

    .venv/bin/python benchmarks/run.py                 # everything, the sizes `make bench` uses
    .venv/bin/python benchmarks/run.py --quick         # small sizes, for development (a few minutes)
    .venv/bin/python benchmarks/run.py --sections 1,2  # only some sections
    .venv/bin/python benchmarks/run.py --render benchmarks/results/results.json   # re-render only

Every moto server and latency proxy is started here on 127.0.0.1 and stopped by PID. Raw results go
to <workdir>/results.json, logs under <workdir>.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests.support
sys.path.insert(0, str(HERE))

import calls  # noqa: E402
import fleet  # noqa: E402
import machine  # noqa: E402
import modules  # noqa: E402
import realm  # noqa: E402
import report  # noqa: E402
import startup  # noqa: E402
import timing  # noqa: E402
from measure import load_average  # noqa: E402
from servers import Stack  # noqa: E402


def sizes(text: str):
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(HERE.parent / "BENCHMARKS.md"))
    p.add_argument("--workdir", default=str(HERE / "results"))
    p.add_argument("--sections", type=sizes, default=[1, 2, 3, 4, 5])
    p.add_argument("--quick", action="store_true", help="small sizes, for development")
    p.add_argument("--delay-ms", type=float, default=50.0)
    p.add_argument("--other-keys", type=int, default=500)
    p.add_argument("--module-reps", type=int, default=9)
    p.add_argument("--realm-reps", type=int, default=7)
    p.add_argument("--fleet-sizes", type=sizes, default=[10, 50, 100])
    p.add_argument("--forks", type=sizes, default=[1, 10, 25])
    p.add_argument("--kms-sizes", type=sizes, default=[10, 50], help="fleet sizes that also re-run kms_key")
    p.add_argument("--site-sizes", type=sizes, default=[10], help="fleet sizes that also run playbooks/site.yml")
    p.add_argument("--profile-accounts", type=int, default=2)
    p.add_argument("--command", default=os.environ.get("BENCH_COMMAND") or "python " + " ".join(sys.argv))
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="measure nothing: rewrite --out from an earlier run's results.json")
    args = p.parse_args(argv)
    if args.quick:
        args.other_keys, args.module_reps, args.realm_reps = 120, 3, 3
        args.fleet_sizes, args.forks, args.kms_sizes, args.site_sizes = [3, 6], [1, 3], [3, 6], [3]
        args.profile_accounts = 2
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.render:
        with open(args.render) as f:
            Path(args.out).write_text(report.render(json.load(f)))
        print(f"wrote {args.out} from {args.render}")
        return 0
    started = time.time()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)

    def log(msg: str) -> None:
        print(f"[{time.time() - started:6.0f}s] {msg}", flush=True)

    results = {"meta": {"command": args.command, "delay_ms": args.delay_ms, "load_before": load_average(),
                        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                        "machine": machine.describe()}}
    sub = lambda name: os.path.join(args.workdir, name)  # noqa: E731
    if 1 in args.sections:
        log("1. API calls per run")
        results["calls"] = calls.run(sub("calls"), log, args.other_keys)
    if {2, 3, 5} & set(args.sections):
        stacks = {modules.OURS: Stack(args.delay_ms), modules.KMS_KEY: Stack(args.delay_ms)}
        try:
            for stack in stacks.values():
                stack.start()
            os.makedirs(sub("modules"), exist_ok=True)
            payloads = timing.build_payloads(stacks, sub("modules"))
            if 2 in args.sections:
                log("2. module process time")
                results["timing"] = timing.run(stacks, payloads, sub("modules"), log, args.module_reps)
            if 5 in args.sections:
                log("5. module start-up")
                results["startup"] = startup.run(stacks, payloads, sub("startup"), log)
                results["startup"]["delay_ms"] = args.delay_ms
            if 3 in args.sections:
                log("3. realm re-run through ansible-playbook")
                results["realm"] = realm.run(stacks, sub("realm"), log, args.realm_reps)
        finally:
            for stack in stacks.values():
                stack.stop()
    if 4 in args.sections:
        log("4. fleet")
        results["fleet"] = fleet.run(sub("fleet"), log, args.fleet_sizes, args.forks, args.kms_sizes,
                                     args.site_sizes, args.profile_accounts, args.delay_ms,
                                     str(modules.ROOT / results["realm"]["ours_playbook"]) if "realm" in results else None)
    results["meta"]["duration"] = time.time() - started
    results["meta"]["load_after"] = load_average()
    with open(sub("results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    Path(args.out).write_text(report.render(results))
    log(f"wrote {args.out} ({results['meta']['duration']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
