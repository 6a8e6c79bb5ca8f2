#!/usr/bin/env python3
"""HiGHS (inside bulwark) against OR-Tools CP-SAT on the same rotation program, in one run.

    python3 crates/plan/bench/compare.py [--bulwark target/release/bulwark]
        [--time-limit 600] [--workers 1,2] [--only tight,short,large] [--json OUT.json]

For each reference instance in examples/rotations, bulwark writes its first-stage
program (the fewest uncovered site-days, `--model`) and solves it with HiGHS on one
thread; the same file is then solved by CP-SAT (`cpsat.py`) with each number of
workers, and CP-SAT's solution is checked row by row (`check_solution.py`). The
table says whether both reached the same proven optimum, and CP-SAT's time over
HiGHS's: above 1, HiGHS was faster. Times are wall clock of the solve alone (no
file reading, no model building) on whatever else the machine is doing, so run
it twice and compare ratios rather than seconds.

Exit status: 0 when every solver that proved an optimum proved the same one as
HiGHS, 1 otherwise, 2 when a tool could not be run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
INSTANCES = {
    "tight": ("examples/rotations/tight.toml", 180),
    "short": ("examples/rotations/short.toml", 180),
    "large": ("examples/rotations/large.toml", 365),
}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def highs(bulwark, path, days, limit, work):
    model = os.path.join(work, "model.json")
    plan = os.path.join(work, "plan.json")
    code, out, err = run([
        bulwark, "plan", "rotations", os.path.join(ROOT, path), "--days", str(days),
        "--model", model, "--out", plan, "--time-limit", str(limit), "--format", "json",
    ])
    if code not in (0, 1):
        sys.exit(f"compare: bulwark failed on {path} (exit {code}):\n{err}")
    with open(plan, encoding="utf-8") as f:
        s = json.load(f)["solver"]
    return model, {
        "solver": "highs", "threads": 1, "status": s["status"],
        "objective": s["gap_days"], "seconds": s["gap_seconds"],
        "columns": s["columns"], "rows": s["rows"],
    }


def cpsat(model, workers, limit, work):
    solution = os.path.join(work, f"cpsat-{workers}.json")
    code, out, err = run([
        sys.executable, os.path.join(HERE, "cpsat.py"), model, "--workers", str(workers),
        "--time-limit", str(limit), "--solution", solution,
    ])
    if code != 0:
        sys.exit(f"compare: cpsat.py failed (exit {code}):\n{err}")
    r = json.loads(out.strip().splitlines()[-1])
    checked = None
    if r.get("objective") is not None:
        code, out, err = run([sys.executable, os.path.join(HERE, "check_solution.py"), model, solution])
        checked = json.loads(out.strip().splitlines()[-1]).get("feasible") if out.strip() else False
    r["checked"] = checked
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bulwark", default=os.path.join(ROOT, "target", "release", "bulwark"))
    p.add_argument("--time-limit", type=float, default=600)
    p.add_argument("--workers", default="1,2")
    p.add_argument("--only", default=",".join(INSTANCES))
    p.add_argument("--json")
    a = p.parse_args()
    if not os.path.exists(a.bulwark):
        print(f"compare: no bulwark at {a.bulwark}: cargo build --release -p bulwark", file=sys.stderr)
        return 2
    workers = [int(w) for w in a.workers.split(",") if w]
    rows = []
    agree = True
    print(f"{'instance':8} {'vars':>7} {'rows':>7}  {'solver':14} {'status':9} {'optimum':>7} {'seconds':>8} {'÷ HiGHS':>8}")
    for name in a.only.split(","):
        path, days = INSTANCES[name]
        with tempfile.TemporaryDirectory() as work:
            model, h = highs(a.bulwark, path, days, a.time_limit, work)
            results = [h] + [cpsat(model, w, a.time_limit, work) for w in workers]
        for r in results:
            label = "HiGHS 1 thread" if r["solver"] == "highs" else f"CP-SAT {r['workers']} worker{'s' if r['workers'] > 1 else ''}"
            ratio = r["seconds"] / h["seconds"] if h["seconds"] > 0 else float("nan")
            same = r["objective"] == h["objective"]
            if r["status"] == "optimal" and h["status"] == "optimal" and not same:
                agree = False
            if r.get("checked") is False:
                agree = False
            print(f"{name:8} {h['columns']:>7} {h['rows']:>7}  {label:14} {r['status']:9} "
                  f"{str(r['objective']):>7} {r['seconds']:>8.2f} {ratio:>8.2f}"
                  + ("" if same else "  (a different optimum)"))
            rows.append({"instance": name, "days": days, **r, "ratio_to_highs": ratio})
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
