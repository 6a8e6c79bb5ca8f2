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
for target in cot stix geojson; do
    dir="$root/fuzz/corpus/ingest_$target"
    mkdir -p "$dir"
    for f in $(find "$root/crates/ingest/test_data/$target" -type f ! -name '*.expected' 2>/dev/null | sort); do
        cp "$f" "$dir/$(echo "${f#"$root"/}" | tr '/' '_')"
    done
done
cp "$root/examples/ukraine-2025/zones.geojson" "$root/fuzz/corpus/ingest_geojson/examples_ukraine-2025_zones.geojson"
echo "seeded the ingest corpora"
