"""BENCHMARKS.md from one run's results (section tables; goals.py judges; analysis.py explains)."""

from __future__ import annotations

from typing import Dict, List

import analysis
import calls as calls_mod
import goals
import modules

OURS, KMS = modules.OURS, modules.KMS_KEY


def table(header: List[str], rows: List[List]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def s(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def render(results: Dict) -> str:
    meta = results["meta"]
    parts = [
        "# Benchmarks: atlassian_cmk_key vs amazon.aws.kms_key",
        "",
        f"Written by `{meta['command']}` on {meta['started']} in {meta['duration']:.0f} s, every figure from that "
        "one run. Everything ran against moto servers on 127.0.0.1 that the benchmark started and stopped; "
        f"\"{meta['delay_ms']:g} ms\" means every AWS call went through benchmarks/latency_proxy.py, which adds "
        f"{meta['delay_ms']:g} ms per call (a real AWS round trip; local moto answers in a few ms). "
        "**Performance claims are ratios**: the machine is shared (load average "
        f"{meta['load_before']} at the start, {meta['load_after']} at the end), absolute times are noise.",
        "",
        "## Machine and versions",
        "",
        table(["", ""], [[k, v] for k, v in meta["machine"].items()]),
        "",
        "## Goals",
        "",
        table(["Figure", "Goal", "Measured", "Verdict"], [list(r) for r in goals.all_rows(results)]),
        "",
    ]
    parts += goals.per_section(results, (("calls", calls_section), ("timing", timing_section),
                                         ("realm", realm_section), ("fleet", fleet_section),
                                         ("startup", startup_section)))
    parts += analysis.findings(results)
    return "\n".join(parts) + "\n"


def calls_section(c: Dict) -> List[str]:
    rows = []
    for acct, res in c["accounts"].items():
        for sc in calls_mod.SCENARIOS:
            o, k = res[OURS][sc], res[KMS][sc]
            rows.append([acct, sc, len(o["ops"]), len(k["ops"]), calls_mod.breakdown(o["ops"]),
                         calls_mod.breakdown(k["ops"])])
    return [
        "## 1. API calls per run (moto's recorder)",
        "",
        "Same work for both: alias `alias/atlassian-cmk-key`, the built-in Atlassian policy (rendered for the "
        "account and region; kms_key is given the rendered JSON), the same tags and description, rotation on. "
        "*policy drift*: the key's policy was changed out of band (its last statement dropped) before the run. "
        "The account with other keys is served by benchmarks/moto_paged.py, whose ListAliases pages at 50 "
        "like AWS; the 500 keys are made once, and ours' key is unaliased and scheduled for deletion before "
        "kms_key's runs. Every call counts: KMS, STS and the tagging API.",
        "",
        table(["Account", "Run", "ours", "kms_key", "ours: operations", "kms_key: operations"], rows),
        "",
        "Checks: " + "; ".join(f"{name}: {'yes' if ok else '**NO**'}" for name, ok in c["checks"]) + ".",
        "",
    ]


def _pair_rows(delays: Dict) -> List[List]:
    rows = []
    for label, res in delays.items():
        o, k = res[OURS], res[KMS]
        rows.append([label, s(o["wall"]), s(k["wall"]), f"**{o['wall'] / k['wall']:.2f}×**", s(o["cpu"]), s(k["cpu"]),
                     f"{o['cpu'] / k['cpu']:.2f}×"])
    return rows


PAIR_HEADER = ["Endpoint", "ours wall (median)", "kms_key wall (median)", "wall ratio", "ours CPU", "kms_key CPU",
               "CPU ratio"]


def timing_section(t: Dict) -> List[str]:
    return [
        "## 2. Module process time, no-change run",
        "",
        f"Median of {t['reps']} interleaved runs of each module (order alternating every round), after one "
        "warm-up run each. Timed: the module process alone. `ansible localhost -m MODULE -a ARGS` was run once "
        "with ANSIBLE_KEEP_REMOTE_FILES=1 to build each AnsiballZ payload (one per module and endpoint); "
        "each timed run is `python AnsiballZ_<module>.py`, exactly what Ansible executes. CPU = user + system "
        "seconds of the process (wait4).",
        "",
        table(PAIR_HEADER, _pair_rows(t["delays"])),
        "",
    ]


def realm_section(r: Dict) -> List[str]:
    return [
        "## 3. Realm re-run through ansible-playbook (Europe: eu-central-1 + eu-west-1)",
        "",
        f"Ours: `{r['ours_playbook']}`, that is {r['note']}. kms_key: `benchmarks/playbooks/kms_key.yml`, kms_key "
        "looped over the same regions with the same alias, policy, tags, description and rotation. One account, "
        f"current credentials. Median of {r['reps']} interleaved runs of the whole `ansible-playbook` process, "
        "each checked to report changed=0. CPU: the process tree's user + system seconds.",
        "",
        table(PAIR_HEADER, _pair_rows(r["delays"])),
        "",
        f"ansible-playbook's floor, the same inventory and a play with no task (`benchmarks/playbooks/noop.yml`, "
        f"median of 3): {s(r['floor'])}. Above the floor (wall − floor), ours / kms_key: " + ", ".join(
            f"{label} {(res[OURS]['wall'] - r['floor']) / (res[KMS]['wall'] - r['floor']):.2f}×"
            for label, res in r["delays"].items()) + ".",
        "",
    ]


def fleet_section(f: Dict) -> List[str]:
    rows = []
    for r in f["runs"]:
        n = r["accounts"]
        rows.append([r["who"], r["phase"], n, r["forks"], s(r["wall"]), s(r["wall"] / n), s(r["cpu"]), s(r["cpu"] / n),
                     f"{r['calls'] / n:.1f}", s(r["server_cpu"]), f"{r['util'] * 100:.0f}%",
                     f"{r['machine_busy'] * 100:.0f}%" if "machine_busy" in r else "n/a"])
    out = [
        f"## 4. Fleet: accounts × forks, Europe realm, {f['delay_ms']:g} ms per call",
        "",
        "Each account is an inventory host reached with sts:AssumeRole (moto keeps a separate backend per "
        f"account). *ours* = `{f['ours_playbook']}`" + (": the collection's role `realm_keys` per account, "
        "i.e. `playbooks/site.yml` without its enrolment report" if f["ours_playbook"].endswith("role.yml") else
        ": the module looped over the realm's regions (the role was missing or failing)") + "; *site.yml* = the collection's "
        "`playbooks/site.yml` itself (role + report); *kms_key* = `benchmarks/playbooks/kms_key.yml` (its keys "
        "made first, untimed, straight on moto). Sizes were chosen to fit the 15-minute budget: forks "
        f"{', '.join(map(str, f['forks']))} at {min(f['sizes'])} accounts, forks {max(f['forks'])} above; site.yml at "
        f"{', '.join(map(str, f['site_sizes'])) or 'no size'}; kms_key at {', '.join(map(str, f['compare_sizes']))} "
        "accounts; one run per cell, so on this shared machine a single cell is noisy (compare neighbouring "
        "cells before reading much into one). CPU = the ansible-playbook process tree (controller, forks, module "
        "processes); *server CPU* = moto + proxy, which share the same cores; *busy* = (CPU + server CPU) / "
        f"(wall × {f['cores']} cores); *machine busy* = the whole machine's CPU use during the run (/proc/stat), "
        "other users' jobs included.",
        "",
        table(["Playbook", "Run", "Accounts", "Forks", "Wall", "Wall/account", "CPU", "CPU/account", "Calls/account",
               "Server CPU", "Busy", "Machine busy"], rows),
        "",
    ]
    out += analysis.fleet_growth(f) + analysis.where_time_goes(f)
    return out


def startup_section(st: Dict) -> List[str]:
    mods = st["modules"]
    groups = [g for g, _ in __import__("startup").GROUPS]
    payload_rows = [[modules.NAMES[m], f"{d['payload']['bytes'] / 1024:.0f} KiB", d["payload"]["files"],
                     f"{d['payload']['source_bytes'] / 1024:.0f} KiB"] +
                    [f"{d['payload']['by_group'].get(g, [0, 0])[0]} / {d['payload']['by_group'].get(g, [0, 0])[1] / 1024:.0f} KiB"
                     for g in groups[:3]] for m, d in mods.items()]
    import_rows = [[g] + [f"{mods[m]['imports']['by_group'].get(g, 0) * 1000:.0f} ms" for m in mods] for g in groups]
    import_rows.append(["**total (self times summed)**"] + [f"**{mods[m]['imports']['total'] * 1000:.0f} ms**" for m in mods])
    split_rows = []
    for m, d in mods.items():
        sp = d["split"]
        other = sp["wall"] - sp["cpu"] - sp["aws_wait"]
        split_rows.append([modules.NAMES[m], s(sp["wall"]), s(sp["cpu"]), f"{d['imports']['total'] * 1000:.0f} ms",
                           f"{sp['calls']} × {st['round_trip'] * 1000:.0f} ms = {sp['aws_wait'] * 1000:.0f} ms",
                           f"{other * 1000:.0f} ms"])
    return [
        "## 5. Module start-up",
        "",
        "AnsiballZ payloads as Ansible builds them (files / source bytes per origin):",
        "",
        table(["Module", "Payload file", "Files", "Sources"] + groups[:3], payload_rows),
        "",
        "Import time of a no-change run (`python -X importtime AnsiballZ_<module>.py`, self times summed by "
        "origin, the least of 5 runs since importtime measures wall time; it adds some overhead itself):",
        "",
        table(["Origin"] + [modules.NAMES[m] for m in mods], import_rows),
        "",
        f"Where one no-change module process's wall time goes at {st.get('delay_ms', 50):g} ms per call (medians of 3 "
        "runs). *CPU* is the process's user + system time: the interpreter's start "
        f"(`python -c pass`: {st['python_start'] * 1000:.0f} ms wall), the imports, making the boto3 client "
        f"({st['client_creation'] * 1000:.0f} ms for one KMS client after import), argument parsing, the "
        "module's logic, signing and parsing each call. *AWS* is the calls (counted by the proxy) × the round "
        "trip a boto3 client sees through the proxy. *Other waiting* = wall − CPU − AWS: mostly waiting for a "
        "core on this shared machine; a small negative value means the parts overlap (the round trip a client "
        "sees includes its own CPU for the call, which *CPU* counts too).",
        "",
        table(["Module", "Wall", "CPU", "… of which imports", "AWS", "Other waiting"], split_rows),
        "",
    ] + analysis.cuttable(st)
