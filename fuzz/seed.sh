#!/bin/sh
# Seeds the fuzz corpus (fuzz/corpus/framework_load, not committed) with every
# framework file in the repository: the examples, the minimal pairs and the
# committed regressions. Run from anywhere; it finds the repository root.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus/framework_load"
mkdir -p "$corpus"
n=0
for f in $(find "$root/examples" "$root/crates/framework/test_data" -name '*.toml' 2>/dev/null | sort); do
    # Name each seed by its path inside the repository, so reruns overwrite.
    name=$(echo "${f#"$root"/}" | tr '/' '_')
    cp "$f" "$corpus/$name"
    n=$((n + 1))
done
echo "seeded $corpus with $n files"

# Wire lines: the golden files and the scenarios' JSON-lines injects.
wire="$root/fuzz/corpus/wire_decode"
mkdir -p "$wire"
for f in $(find "$root/crates/model/test_data" "$root/examples" -name '*.jsonl' 2>/dev/null | sort); do
    cp "$f" "$wire/$(echo "${f#"$root"/}" | tr '/' '_')"
done
# Scenarios.
scenarios="$root/fuzz/corpus/scenario_load"
mkdir -p "$scenarios"
for f in $(find "$root/examples" -path '*/scenarios/*.toml' 2>/dev/null | sort); do
    cp "$f" "$scenarios/$(echo "${f#"$root"/}" | tr '/' '_')"
done
echo "seeded $wire and $scenarios"

# Ingest: the converters' own fixtures.
for target in cot stix geojson ftm; do
    dir="$root/fuzz/corpus/ingest_$target"
    mkdir -p "$dir"
    for f in $(find "$root/crates/ingest/test_data/$target" -type f ! -name '*.expected' 2>/dev/null | sort); do
        cp "$f" "$dir/$(echo "${f#"$root"/}" | tr '/' '_')"
    done
done
cp "$root/examples/ukraine-2025/zones.geojson" "$root/fuzz/corpus/ingest_geojson/examples_ukraine-2025_zones.geojson"
echo "seeded the ingest corpora"

# CSV through a mapping: tables in the fixed mapping's columns (a–f), and
# the example mappings, a NUL, then a few rows of their tables' shape.
csvdir="$root/fuzz/corpus/ingest_csv"
mkdir -p "$csvdir"
printf 'a,b,c,d,e,f\n2022-10-10 06:00,2022-10-10 14:00,84.0,43.0,K and I,U\n2024-08-02,2024-08-02,12,,S,S and U\n2022-03-15 16:10:34+00:00,,1,,K,\n' >"$csvdir/fixed-mapping.csv"
for m in "$root"/examples/ukraine-2025/mappings/*.toml; do
    name=$(basename "$m" .toml)
    { cat "$m"; printf '\000'; } >"$csvdir/$name.seed"
done
printf 'time_start,time_end,model,launch_place,target,launched,destroyed,not_reach_goal,carrier,source\n2022-10-10 06:00,2022-10-10 14:00,X-101/X-555 and Kalibr,Caspian Sea,Ukraine,84.0,43.0,,Tu-95MS,gs/1\n2024-08-02,2024-08-02,Shahed-136/131,,south,12.0,12.0,,,kpszsu/2\n' >>"$csvdir/missile-attacks.seed"
printf 'oblast,raion,hromada,level,started_at,finished_at,source\nVinnytska oblast,,,oblast,2022-03-15 16:10:34+00:00,2022-03-15 16:50:07+00:00,official\n' >>"$csvdir/air-raid-alerts.seed"

# Real samples from the shared data directory, when it is there.
if [ -n "${BULWARK_REAL_DATA:-}" ]; then
    d="$BULWARK_REAL_DATA"
    cp "$d"/cot/atak_civ/examples/*.cot "$d"/cot/captured/*.xml "$d"/cot/captured/*.xmlstream "$root/fuzz/corpus/ingest_cot/" 2>/dev/null || true
    cp "$d"/stix/mitre_attack/ics-attack-18.1-ukraine-subset.json "$root/fuzz/corpus/ingest_stix/" 2>/dev/null || true
    cp "$d"/geo/geoBoundaries-UKR-ADM1_simplified.geojson "$root/fuzz/corpus/ingest_geojson/" 2>/dev/null || true
    { cat "$root/examples/ukraine-2025/mappings/missile-attacks.toml"; printf '\000'; head -200 "$d/missile_attacks/missile_attacks_daily.csv"; } >"$csvdir/real-missile-attacks.seed"
    echo "seeded the ingest corpora with real samples from $d"
fi

# FollowTheMoney: the fixture and, with BULWARK_REAL_DATA, the real samples.
ftm="$root/fuzz/corpus/ingest_ftm"
mkdir -p "$ftm"
for f in $(find "$root/crates/ingest/test_data/ftm" -type f ! -name '*.expected' 2>/dev/null | sort); do
    cp "$f" "$ftm/$(echo "${f#"$root"/}" | tr '/' '_')"
done
if [ -n "${BULWARK_REAL_DATA:-}" ]; then
    cp "$BULWARK_REAL_DATA"/opensanctions/*.ftm.json "$ftm/" 2>/dev/null || true
fi
echo "seeded $ftm"

# The Kiel tracker: small tables in its columns and, with BULWARK_REAL_DATA,
# the first rows of the real files.
kiel="$root/fuzz/corpus/supply_kiel"
mkdir -p "$kiel"
printf 'land,financial_allocation,humanitarian_allocation,military_allocation,total_allocation,financial_commitment,humanitarian_commitment,military_commitment,total_commitment\nA,1.5,0.25,2.0,3.75,2.0,0.25,3.0,5.25\nB,0,0,6e-05,6e-05,0,0,1,1\n' >"$kiel/summary.csv"
printf 'giver,dato,kategori,maal,verdi_eur,verdi_eur_redistr,verdi_eur_activity,maaned_nr,maaned_finnes,verdi_eur_mrd\nA,2022-03-01,Military,Allocation,100.5,0,100.5,3,True,0\nA,,Humanitarian,Commitment,0,0,7,0,False,0\n"A, B",2024-02-29,Financial,Allocation,-2.25,0,-2.25,26,True,0\n' >"$kiel/activities.csv"
if [ -n "${BULWARK_REAL_DATA:-}" ]; then
    head -20 "$BULWARK_REAL_DATA/kiel_support_tracker/country_summary.csv" >"$kiel/real-summary.csv" 2>/dev/null || true
    head -60 "$BULWARK_REAL_DATA/kiel_support_tracker/bilateral_activities.csv" >"$kiel/real-activities.csv" 2>/dev/null || true
fi
echo "seeded $kiel"

# The supply views' JSON lines: one seed of each reader.
views="$root/fuzz/corpus/supply_views"
mkdir -p "$views"
printf '{"category":"155mm","on_hand":300000,"day":30}\n{"category":"155mm","on_hand":200000,"at":"2026-02-10T00:00:00Z"}\n' >"$views/stock.jsonl"
printf '{"target":"pos-black-sea","level":1,"at":"2026-04-15T00:00:00Z"}\n' >"$views/posture.jsonl"
printf '{"tranche":"tr-windfall","step":"disbursed","amount_millions":500,"at":"2026-02-01T00:00:00Z"}\n' >"$views/finance.jsonl"
echo "seeded $views"

# Delivery chains: the example's deliveries and the wire format's golden
# lines (the fuzz framework's commitment is `c`, so a copy renamed to it).
chain="$root/fuzz/corpus/supply_chain"
mkdir -p "$chain"
cp "$root/examples/ukraine-2025/supply/deliveries.jsonl" "$chain/example.jsonl"
cp "$root/crates/model/test_data/golden/delivery.jsonl" "$chain/golden.jsonl"
sed -e 's/"commitment":"[^"]*"/"commitment":"c"/' "$chain/example.jsonl" >"$chain/example-c.jsonl"
echo "seeded $chain"

# Signed notes: the vectors' notes, one file each, when the data is there.
notes="$root/fuzz/corpus/ledger_note"
mkdir -p "$notes"
if [ -n "${BULWARK_REAL_DATA:-}" ] && command -v python3 >/dev/null; then
    python3 - "$BULWARK_REAL_DATA/transparency/signed_note_vectors.json" "$notes" <<'PY'
import json, sys, os
d = json.load(open(sys.argv[1]))
n = 0
for group in ("valid_notes", "malformed_notes", "rejected_notes", "checkpoints"):
    for case in d.get(group, []):
        text = case.get("note") or case.get("body")
        if text:
            open(os.path.join(sys.argv[2], case["id"]), "w").write(text)
            n += 1
print("seeded", sys.argv[2], "with", n, "notes")
PY
fi

# Evidence packs: those of an example run (built with the release binary).
packs="$root/fuzz/corpus/ledger_pack"
mkdir -p "$packs"
if cargo build -q --release --bin bulwark 2>/dev/null; then
    tmp=$(mktemp -d)
    for sc in 01-missile-salvo 05-cyber-grid-corroborated; do
        "$root/target/release/bulwark" exercise "$root/examples/ukraine-2025" \
            "$root/examples/ukraine-2025/scenarios/$sc.toml" --out "$tmp/$sc" >/dev/null 2>&1 || true
        for p in "$tmp/$sc"/packs/*.json; do [ -f "$p" ] && cp "$p" "$packs/$sc-$(basename "$p")"; done
        head -c 4000 "$tmp/$sc/log/entries.jsonl" > "$packs/$sc-entries" 2>/dev/null || true
    done
    rm -rf "$tmp"
fi
printf 'bulwark witness state v1\n' > "$packs/witness-state"
echo "seeded $packs"

# Key statements: one of each kind, made with the CLI.
keys="$root/fuzz/corpus/keyring_statement"
mkdir -p "$keys"
bw="$root/target/debug/bulwark"
if [ -x "$bw" ]; then
    tmp=$(mktemp -d)
    "$bw" keys generate --name seed-root --out "$tmp/r.key" > "$tmp/r.vkey"
    "$bw" keys generate --name seed-ops --out "$tmp/o.key" > "$tmp/o.vkey"
    "$bw" keys grant --root "$tmp/r.key" --party ukraine --serial 1 --key "$tmp/o.vkey" --role reporter --at 2026-01-01T00:00:00Z > "$keys/grant.json"
    "$bw" keys revoke --root "$tmp/r.key" --party ukraine --serial 2 --key seed-ops --reason lost --at 2026-01-01T00:00:00Z > "$keys/revoke.json"
    "$bw" keys rotate-root --root "$tmp/r.key" --party ukraine --serial 3 --new-root "$tmp/o.vkey" --at 2026-01-01T00:00:00Z > "$keys/rotate.json"
    rm -rf "$tmp"
    echo "seeded $keys with 3 statements"
fi
