#!/usr/bin/env bash
# The roster planner benchmark: generate the instances, prove their optimum
# with HiGHS (npm "highs", WebAssembly), run the planner with a 1 s limit and
# judge every plan with shared/roster/verify.py. Prints the markdown table for
# docs/benchmarks.md (section 交代勤務表の最適化). Run from anywhere; needs go, node/npm, python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
mkdir -p "$out/instances"
cd "$root"
go run ./bench/roster/gen -out "$out/instances"
if [ ! -d "$here/node_modules/highs" ]; then
	(cd "$here" && npm ci --no-audit --no-fund)
fi
if [ "${SKIP_EXACT:-}" != 1 ] || [ ! -s "$out/exact.jsonl" ]; then
	node "$here/exact.mjs" "$out"/instances/*.json > "$out/exact.jsonl"
fi
go run ./bench/roster/compare -instances "$out/instances" -exact "$out/exact.jsonl" \
	-verify "$root/../shared/roster/verify.py" -plans "$out/plans" -time-limit "${TIME_LIMIT:-1s}"
