#!/usr/bin/env bash
# Benchmark: `mlenv plan` for 1,000 teams on a host of 10,000 GPUs (issue 5), and `mlenv check`
# of the same specs. A fixed corpus, a release build, several whole-process runs; prints the
# median wall, user and system time and the peak memory. Not part of the tests: speed is judged
# here, by medians, never in a timed unit test.
#
# Usage: bash Tests/Bench/plan.sh [RUNS]     (default 7)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-7}"
cd "$repo"
swift build -c release --product mlenv >/dev/null
mlenv="$repo/.build/release/mlenv"
work="$(mktemp -d /tmp/mlenv-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/specs"
for ((i = 0; i < 1000; i++)); do
  printf 'mlenv: 1\nname: team-%04d\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: %d\njupyter: true\n' "$i" $((i % 4 + 8)) >"$work/specs/t$i.yaml"
done
printf 'mlenv: 1\nkind: host\nname: big\ndriver: "550.54.15"\ngpus: {model: H100, count: 10000}\njupyter_ports: 20000-21999\n' >"$work/host.yaml"

measure() { # name, command...
  local name="$1" i
  shift
  : >"$work/times"
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/out"
    /usr/bin/time -f "%e %U %S %M" -a -o "$work/times" "$@" >/dev/null 2>&1
  done
  sort -n "$work/times" | awk -v name="$name" -v runs="$runs" '
    { wall[NR] = $1; user[NR] = $2; sys[NR] = $3; if ($4 > peak) peak = $4 }
    END { m = int((NR + 1) / 2); printf "%-34s median wall %.2f s (user %.2f, sys %.2f), peak %.1f MiB, %d runs\n", name, wall[m], user[m], sys[m], peak / 1024, runs }'
}
measure "check 1000 specs + host" "$mlenv" check "$work/specs" "$work/host.yaml"
measure "plan 1000 teams on 10000 GPUs" "$mlenv" plan "$work/specs" --host "$work/host.yaml" -o "$work/out"
