#!/usr/bin/env python3
"""Independent checker for a solution of a bulwark-milp/1 model (standard library only).

    python3 check_solution.py MODEL.json SOLUTION.json

SOLUTION.json is a JSON list of integers in column order (as written by
`cpsat.py --solution`, or by the Rust side for HiGHS). Every column bound and
every row is checked in exact integer arithmetic. Prints one JSON line:
    {"feasible": true,  "objective": N}
    {"feasible": false, "objective": N, "violations": ["row 3 cover[site-kyiv,3]: 1 < lower 2", ...]}
Exit status: 0 feasible, 1 violated (or no solution), 2 unreadable/invalid files.
Column bounds are checked as written: a null upper bound is unbounded
(the model's "default_upper" is only a CP-SAT aid, not a constraint).
"""

import decimal
import json
import sys


def load(path):
    # Floats are parsed as Decimal so that `2.0` is accepted exactly and `2.5` refused.
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=decimal.Decimal, parse_constant=decimal.Decimal)


def integer(v, where):
    """`v` as an int, or None for null; refuses non-integers."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, decimal.Decimal)) or \
            (isinstance(v, decimal.Decimal) and (not v.is_finite() or v != v.to_integral_value())):
        raise ValueError(f"{where}: {v} is not an integer")
    return int(v)


def check(model, values):
    """Returns (objective, list of violation messages)."""
    cols, rows = model["columns"], model["rows"]
    if not isinstance(values, list):
        return None, ["no solution (solution file holds no list of values)"]
    if len(values) != len(cols):
        return None, [f"solution has {len(values)} values, model has {len(cols)} columns"]
    x = [integer(v, f"solution value {j}") for j, v in enumerate(values)]
    bad = []
    for j, c in enumerate(cols):
        lo, hi = integer(c.get("lower"), f"column {j} lower"), integer(c.get("upper"), f"column {j} upper")
        if x[j] is None or (lo is not None and x[j] < lo) or (hi is not None and x[j] > hi):
            bad.append(f"column {j} {c.get('name')}: {x[j]} outside [{lo}, {hi}]")
    for i, r in enumerate(rows):
        lo, hi = integer(r.get("lower"), f"row {i} lower"), integer(r.get("upper"), f"row {i} upper")
        s = 0
        for j, k in r["terms"]:
            j = integer(j, f"row {i} column index")
            if not 0 <= j < len(x):
                raise ValueError(f"row {i}: column index {j} out of range")
            s += integer(k, f"row {i} coefficient") * x[j]
        if lo is not None and s < lo:
            bad.append(f"row {i} {r.get('name')}: {s} < lower {lo}")
        if hi is not None and s > hi:
            bad.append(f"row {i} {r.get('name')}: {s} > upper {hi}")
    objective = sum(integer(c.get("cost", 0), f"column {j} cost") * x[j] for j, c in enumerate(cols))
    return objective + integer(model.get("objective_offset", 0), "objective_offset"), bad


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        model, values = load(sys.argv[1]), load(sys.argv[2])
        if model.get("format") != "bulwark-milp/1":
            raise ValueError(f"{sys.argv[1]} is not a bulwark-milp/1 model")
        objective, bad = check(model, values)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
        print(f"check_solution.py: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    out = {"feasible": not bad, "objective": objective}
    if bad:
        out["violations"] = bad
    print(json.dumps(out))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
