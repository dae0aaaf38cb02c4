#!/usr/bin/env bash
# Coverage-guided fuzzing of parse, check and generate with libFuzzer (AddressSanitizer on).
#
# Usage: bash Tests/Fuzz/run.sh [SECONDS]     (default 60; CI runs it for a bounded time)
#
# Seeds: the example specs, the golden-test fixtures and Tests/Fuzz/regressions/. A crash stops
# the run and fails it; libFuzzer writes the input as crash-* in the work folder, which is kept
# and printed. Copy it into Tests/Fuzz/regressions/ (FuzzRegressionTests runs every file there)
# and fix the bug.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-60}"
cd "$repo"

MLENV_FUZZ=1 swift build --scratch-path .build-fuzz --product mlenv-fuzz >/dev/null
work="$(mktemp -d /tmp/mlenv-fuzz.XXXXXX)"
mkdir -p "$work/corpus"
index=0
for seed in specs/*.yaml Tests/Fixtures/*/spec.yaml Tests/Fixtures/schema/*/*.yaml Tests/Fuzz/regressions/*; do
  [[ -f "$seed" ]] || continue
  cp "$seed" "$work/corpus/seed-$index"
  index=$((index + 1))
done
echo "fuzzing for ${seconds}s from $index seeds"
if .build-fuzz/debug/mlenv-fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1; then
  grep -E '^Done [0-9]+ runs' "$work/fuzz.log" || tail -n 3 "$work/fuzz.log"
  rm -rf "$work"
  echo "fuzz: 1 passed, 0 failed"
else
  tail -n 60 "$work/fuzz.log" >&2
  echo "fuzz: the fuzzer found a crash; the input is in $work (crash-*)" >&2
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
