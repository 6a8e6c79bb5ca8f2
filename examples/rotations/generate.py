#!/usr/bin/env python3
"""Writes the rotation reference instances in this folder (run it here).

tight.toml   12 sites, 24 units, 180 days: every unit is needed. Systems
             come in pairs sharing four sites and eight units; a unit stays
             at most 40 days, then travels 5 days to its hub, is overhauled
             for 30 and travels 5 back: on duty half of the time at best,
             so two units per position are exactly enough.
short.toml   tight.toml without one unit: no plan covers every day; the
             planner gives the fewest gaps and says why.
large.toml   36 sites, 72 units, 365 days: the same pattern with twelve
             sites per pair of systems and hubs overhauling nine at once;
             every unit is needed here too. (A year of 36 sites taking two
             random systems each, with binding spares, was tried first: at
             65,700 variables neither HiGHS nor CP-SAT closed the root
             relaxation's gap in two minutes.)
"""

SYSTEMS = ["patriot", "samp_t", "nasams", "iris_t", "c_ram", "gepard"]


def header(name, text):
    return f'''# {text}
# Written by generate.py; `bulwark plan rotations` reads only the air-defence
# sections.

[framework]
id = "{name}"
title = "Rotation reference instance: {name}"
version = "1"

[[party]]
id = "coalition"
name = "Coalition of contributing states"
roles = ["contributor"]

[[party]]
id = "ukraine"
name = "Ukraine"
roles = ["protected_state"]
'''


def letter(k):
    return "abcdefghijkl"[k]


def tight(drop=None, per=4):
    out = []
    hubs = ["hub-north", "hub-centre", "hub-south"]
    for h in hubs:
        out.append(f'''
[[hub]]
id = "{h}"
name = "Maintenance hub {h[4:]}"
systems = {SYSTEMS!r}
capacity = {per * 3 // 4}
transit = "5d"
'''.replace("'", '"'))
    units = []
    for g in range(3):  # three pairs of systems
        pair = SYSTEMS[2 * g: 2 * g + 2]
        for k in range(per):  # sites per pair
            site = f"site-{g + 1}{letter(k)}"
            out.append(f'''
[[ad_site]]
id = "{site}"
name = "Protected site {g + 1}{letter(k).upper()}"
units_required = 1
systems = ["{pair[0]}", "{pair[1]}"]
''')
            for j, system in enumerate(pair):
                uid = f"u-{system.replace('_', '-')}-{k + 1}"
                home = f'\nhome = "{site}"' if j == 0 else ""
                units.append((uid, f'''
[[ad_unit]]
id = "{uid}"
party = "coalition"
system = "{system}"
overhaul_every = "40d"
overhaul_takes = "30d"
hub = "{hubs[g]}"{home}
'''))
    for uid, text in units:
        if uid != drop:
            out.append(text)
    return "".join(out)


with open("tight.toml", "w") as f:
    f.write(header("rotations-tight", "12 sites, 24 units, 180 days: removing any one unit leaves a gap.") + tight())
with open("short.toml", "w") as f:
    f.write(header("rotations-short", "The tight instance without unit u-samp-t-2: some gap is unavoidable.") + tight(drop="u-samp-t-2"))
with open("large.toml", "w") as f:
    f.write(header("rotations-large", "36 sites, 72 units, 365 days: the tight pattern three times over, for a year.") + tight(per=12))
