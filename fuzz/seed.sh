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
