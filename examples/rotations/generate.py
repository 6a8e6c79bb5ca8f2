#!/usr/bin/env python3
"""Writes the rotation reference instances in this folder (run it here).

tight.toml   12 sites, 24 units, 180 days: every unit is needed. Systems
             come in pairs sharing four sites and eight units; a unit stays
             at most 40 days, then travels 5 days to its hub, is overhauled
             for 30 and travels 5 back: on duty half of the time at best,
             so two units per position are exactly enough.
short.toml   tight.toml without one unit: no plan covers every day; the
             planner gives the fewest gaps and says why.
large.toml   36 sites (40 positions), 80 units, 365 days, three hubs with
             limited capacity and spares, travel of 1 to 4 days, each site
             taking two of six systems; units of a system alike.
"""
import random

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


def tight(drop=None):
    out = []
    hubs = ["hub-north", "hub-centre", "hub-south"]
    for h in hubs:
        out.append(f'''
[[hub]]
id = "{h}"
name = "Maintenance hub {h[4:]}"
systems = {SYSTEMS!r}
capacity = 3
transit = "5d"
'''.replace("'", '"'))
    units = []
    for g in range(3):  # three pairs of systems
        pair = SYSTEMS[2 * g: 2 * g + 2]
        for k in range(4):  # four sites per pair
            site = f"site-{g + 1}{'abcd'[k]}"
            out.append(f'''
[[ad_site]]
id = "{site}"
name = "Protected site {g + 1}{'ABCD'[k]}"
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


# Each system's overhaul cycle (longest stay, overhaul) and its hub.
KINDS = {
    "patriot": (120, 21, "hub-west"),
    "samp_t": (120, 28, "hub-west"),
    "nasams": (90, 14, "hub-centre"),
    "iris_t": (90, 14, "hub-centre"),
    "c_ram": (60, 10, "hub-east"),
    "gepard": (60, 10, "hub-east"),
}


def large():
    rng = random.Random(2026)
    hubs = [("hub-west", 3, 40), ("hub-centre", 4, 60), ("hub-east", 3, 60)]
    out = []
    sites = []
    for i in range(36):
        systems = sorted(rng.sample(SYSTEMS, 2))
        required = 2 if i % 9 == 0 else 1
        sites.append((f"site-{i + 1:02}", systems, required))
    for h, cap, spares in hubs:
        transit_to = ", ".join(
            f'"{s}" = "{rng.randint(1, 4)}d"' for s, _, _ in sites if rng.random() < 0.5
        )
        out.append(f'''
[[hub]]
id = "{h}"
systems = {SYSTEMS!r}
capacity = {cap}
spares = {spares}
transit = "2d"
transit_to = {{ {transit_to} }}
'''.replace("'", '"'))
    for s, systems, required in sites:
        out.append(f'''
[[ad_site]]
id = "{s}"
units_required = {required}
systems = {systems!r}
'''.replace("'", '"'))
    # One unit per position at home, then spares ready at the hubs, some
    # only after a while (still being delivered).
    n = 0
    positions = [(s, systems) for s, systems, req in sites for _ in range(req)]
    for s, systems in positions:
        n += 1
        out.append(unit(n, rng.choice(systems), f'\nhome = "{s}"'))
    while n < 80:
        n += 1
        ready = rng.choice([0, 0, 10, 30])
        extra = f'\navailable_from = "{ready}d"' if ready else ""
        out.append(unit(n, SYSTEMS[n % len(SYSTEMS)], extra))
    return "".join(out)


def unit(n, system, extra):
    every, takes, hub = KINDS[system]
    return f'''
[[ad_unit]]
id = "u-{n:02}-{system.replace('_', '-')}"
party = "coalition"
system = "{system}"
overhaul_every = "{every}d"
overhaul_takes = "{takes}d"
hub = "{hub}"{extra}
'''


with open("tight.toml", "w") as f:
    f.write(header("rotations-tight", "12 sites, 24 units, 180 days: removing any one unit leaves a gap.") + tight())
with open("short.toml", "w") as f:
    f.write(header("rotations-short", "The tight instance without unit u-samp-t-2: some gap is unavoidable.") + tight(drop="u-samp-t-2"))
with open("large.toml", "w") as f:
    f.write(header("rotations-large", "36 sites, 80 units, 365 days, hubs with limited capacity and spares.") + large())
