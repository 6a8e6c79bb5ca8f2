#!/usr/bin/env python3
"""Solve a bulwark-milp/1 model (written by the Rust planner) with OR-Tools CP-SAT.

    python3 cpsat.py MODEL.json [--workers N] [--time-limit SECONDS] [--solution OUT.json]

Prints one JSON line:
    {"solver":"cp-sat","version":...,"workers":N,"status":"optimal|feasible|infeasible|unknown|model_invalid",
     "objective":int|null,"bound":float|null,"seconds":wall time of Solve only,
     "build_seconds":checking the parsed JSON and building the CP-SAT model (JSON reading excluded),
     "columns":...,"rows":...}
With --solution, writes the column values as a JSON list of integers in column order
(`null` when the solver found no solution). Exit status: 0 when the solver ran
(whatever its status), 2 on a bad model file or bad arguments (message on stderr).
Defaults: --workers = number of CPUs, no time limit; random_seed is fixed at 1.

Build time (ortools 9.15.6755, Python 3.11, 2-core machine shared with cargo builds, load ~4),
on `python3 gen.py big.json` (50,000 columns, 60,000 rows, 499,824 terms, 12 MB):
    build_seconds 1.2-1.4 s wall (~1.0 s CPU); reading the JSON adds ~1.1 s, importing ortools
    and process start ~0.5 s; peak RSS ~680 MB with a 60 s solve. Rows are built with
    LinearExpr.weighted_sum; about half the build is the Python validation loop.
"""

import argparse
import decimal
import json
import math
import os
import sys
import time

import ortools
from ortools.sat.python import cp_model

INT64_MIN, INT64_MAX = cp_model.INT_MIN, cp_model.INT_MAX
STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}


class BadModel(Exception):
    """The model file is unusable; the message says what and where."""


def exact_int(value, where):
    """A JSON number that must be an integer (`3` or `3.0`); refuses `2.5`, `true`, NaN, huge values."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise BadModel(f"{where}: expected an integer, got {json.dumps(value, default=str)}")
    if isinstance(value, decimal.Decimal):  # floats are parsed as Decimal, so this test is exact
        if not value.is_finite() or value != value.to_integral_value():
            raise BadModel(f"{where}: {value} is not an integer")
        value = int(value)
    if not INT64_MIN < value < INT64_MAX:
        raise BadModel(f"{where}: {value} is outside the 64-bit integer range")
    return value


def bound(value, where):
    """A bound: an integer, or None for `null` (unbounded on that side)."""
    return None if value is None else exact_int(value, where)


def read_model(path):
    """Parses the JSON file; floats become Decimal so integrality can be checked exactly."""
    try:
        with open(path, encoding="utf-8") as f:
            # NaN/Infinity also become Decimal and are refused by exact_int
            return json.load(f, parse_float=decimal.Decimal, parse_constant=decimal.Decimal)
    except (OSError, ValueError) as e:
        raise BadModel(f"cannot read {path}: {e}") from e


def build(m):
    """Checks the parsed JSON and builds the CP-SAT model: returns (model, variables, costs, offset)."""
    if not isinstance(m, dict) or m.get("format") != "bulwark-milp/1":
        raise BadModel('not a bulwark-milp/1 model (top-level "format" must be "bulwark-milp/1")')
    sense = m.get("sense", "minimise")
    if sense not in ("minimise", "maximise"):
        raise BadModel(f'"sense" must be "minimise" or "maximise", got {sense!r}')
    columns, rows = m.get("columns"), m.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise BadModel('"columns" and "rows" must be lists')
    default_upper = bound(m.get("default_upper"), "default_upper")
    offset = exact_int(m.get("objective_offset", 0), "objective_offset")

    model = cp_model.CpModel()
    xs, costs = [], []
    for j, c in enumerate(columns):
        where = f"column {j} ({c.get('name', '?')!r})" if isinstance(c, dict) else f"column {j}"
        if not isinstance(c, dict):
            raise BadModel(f"{where}: must be an object")
        lo, hi = bound(c.get("lower"), f"{where} lower"), bound(c.get("upper"), f"{where} upper")
        if lo is None:
            raise BadModel(f"{where}: lower bound is null; CP-SAT needs a finite domain")
        if hi is None:
            if default_upper is None:
                raise BadModel(f'{where}: upper bound is null and the model gives no "default_upper"; '
                               "CP-SAT needs a finite domain")
            hi = default_upper
        if lo > hi:
            raise BadModel(f"{where}: lower {lo} > upper {hi}")
        # Columns with integer:false are integral at every integer solution of these
        # models (all data are integers), so they are CP-SAT integer variables too.
        xs.append(model.new_int_var(lo, hi, str(c.get("name", f"x{j}"))))
        costs.append(exact_int(c.get("cost", 0), f"{where} cost"))

    n = len(xs)
    for i, r in enumerate(rows):
        where = f"row {i} ({r.get('name', '?')!r})" if isinstance(r, dict) else f"row {i}"
        if not isinstance(r, dict) or not isinstance(r.get("terms"), list):
            raise BadModel(f"{where}: must be an object with a list of terms")
        lo, hi = bound(r.get("lower"), f"{where} lower"), bound(r.get("upper"), f"{where} upper")
        vs, ks = [], []
        for t in r["terms"]:
            if not isinstance(t, list) or len(t) != 2:
                raise BadModel(f"{where}: term {t!r} is not [column_index, coefficient]")
            j, k = t
            if type(j) is not int:  # fast path for plain ints: this loop runs ~500,000 times
                j = exact_int(j, f"{where} column index")
            if not 0 <= j < n:
                raise BadModel(f"{where}: column index {j} out of range (0..{n - 1})")
            if type(k) is not int or not INT64_MIN < k < INT64_MAX:
                k = exact_int(k, f"{where} coefficient of column {j}")
            vs.append(xs[j])
            ks.append(k)
        if lo is not None and hi is not None and lo > hi:
            raise BadModel(f"{where}: lower {lo} > upper {hi}")
        if lo is None and hi is None:
            continue  # a free row constrains nothing
        if not vs:  # empty row: 0 must lie within its bounds
            if (lo is not None and lo > 0) or (hi is not None and hi < 0):
                model.add_bool_or([])  # always false: the model is infeasible
            continue
        model.add_linear_constraint(cp_model.LinearExpr.weighted_sum(vs, ks),
                                    INT64_MIN if lo is None else lo,
                                    INT64_MAX if hi is None else hi)

    objective = cp_model.LinearExpr.weighted_sum(xs, costs) + offset
    model.minimize(objective) if sense == "minimise" else model.maximize(objective)
    return model, xs, costs, offset


def main():
    p = argparse.ArgumentParser(description="Solve a bulwark-milp/1 model with OR-Tools CP-SAT.")
    p.add_argument("model")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--time-limit", type=float, default=None, help="seconds (default: none)")
    p.add_argument("--solution", help="write column values (JSON list of integers) here")
    a = p.parse_args()  # bad arguments: argparse exits with status 2

    try:
        m = read_model(a.model)
        t0 = time.perf_counter()
        model, xs, costs, offset = build(m)
        build_seconds = time.perf_counter() - t0
    except BadModel as e:
        print(f"cpsat.py: {a.model}: {e}", file=sys.stderr)
        return 2

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = a.workers
    solver.parameters.random_seed = 1  # fixed, for repeatable benchmarks
    solver.parameters.log_search_progress = False
    if a.time_limit is not None:
        solver.parameters.max_time_in_seconds = a.time_limit
    t0 = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - t0

    if status == cp_model.MODEL_INVALID:  # e.g. a row whose activity can overflow 64 bits
        print(f"cpsat.py: CP-SAT rejected the model: {model.validate()}", file=sys.stderr)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = [solver.value(x) for x in xs] if found else None
    bound = solver.best_objective_bound  # ±inf when nothing is proven: written as null
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID) or not math.isfinite(bound):
        bound = None
    result = {
        "solver": "cp-sat",
        "version": ortools.__version__,
        "workers": a.workers,
        "status": STATUS.get(status, "unknown"),
        # exact integer arithmetic (solver.objective_value is a double)
        "objective": sum(k * v for k, v in zip(costs, values)) + offset if found else None,
        "bound": bound,
        "seconds": round(seconds, 6),
        "build_seconds": round(build_seconds, 6),
        "columns": len(xs),
        "rows": len(m["rows"]),
    }
    if a.solution:
        with open(a.solution, "w", encoding="utf-8") as f:
            json.dump(values, f)
            f.write("\n")
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
