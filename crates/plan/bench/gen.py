#!/usr/bin/env python3
"""Generate a random but feasible covering-type bulwark-milp/1 instance (standard library only).

    python3 gen.py OUT.json [--columns 50000] [--rows 60000] [--terms 500000] [--seed 1]

Columns are batteries-at-sites x[b,s,t] with small integer upper bounds and positive
costs; a few have integer:false or upper:null (covered by "default_upper"). Rows are
mostly covering rows (sum >= need, coefficients 1..3) plus about one in six capacity
rows (sum <= cap, some ranged, some with a negative coefficient). Feasibility is
guaranteed by construction: a random reference point x0 within the column bounds is
drawn first and every row's bounds are set so that x0 satisfies them.
"""

import argparse
import json
import random


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--columns", type=int, default=50_000)
    p.add_argument("--rows", type=int, default=60_000)
    p.add_argument("--terms", type=int, default=500_000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    default_upper = 4

    columns, x0 = [], []
    for j in range(a.columns):
        upper = rng.choice((1, 1, 2, 3))
        col = {"name": f"x[b{j % 97},s{j // 97 % 500},{j}]", "cost": rng.randint(1, 20),
               "lower": 0, "upper": upper, "integer": j % 50 != 7}
        if j % 100 == 3:
            col["upper"], upper = None, default_upper  # unbounded in the model; CP-SAT uses default_upper
        columns.append(col)
        x0.append(rng.randint(0, upper) if rng.random() < 0.3 else 0)

    rows, per_row = [], a.terms / max(1, a.rows)  # row lengths uniform in [0.5, 1.5] * mean
    for i in range(a.rows):
        k = max(1, min(a.columns, round(rng.uniform(0.5, 1.5) * per_row)))
        cols = rng.sample(range(a.columns), k)
        if i % 6 == 5:  # capacity row: sum <= cap (sometimes ranged), a negative coefficient now and then
            terms = [[j, rng.choice((1, 1, 2, -1))] for j in cols]
            act = sum(x0[j] * c for j, c in terms)
            lower = act - rng.randint(0, 5) if i % 12 == 11 else None
            rows.append({"name": f"cap[{i}]", "lower": lower, "upper": act + rng.randint(0, 3), "terms": terms})
        else:  # covering row: sum >= need, need <= activity of x0 (and at least 1 where possible)
            terms = [[j, rng.randint(1, 3)] for j in cols]
            act = sum(x0[j] * c for j, c in terms)
            rows.append({"name": f"cover[{i}]", "lower": max(0, act - rng.randint(0, 2)), "upper": None, "terms": terms})

    model = {"format": "bulwark-milp/1", "sense": "minimise", "objective_offset": 0,
             "default_upper": default_upper, "columns": columns, "rows": rows}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(model, f, separators=(",", ":"))
    print(f"{a.out}: {len(columns)} columns, {len(rows)} rows, {sum(len(r['terms']) for r in rows)} terms")


if __name__ == "__main__":
    main()
