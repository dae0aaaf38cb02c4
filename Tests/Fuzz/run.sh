#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: one target per stage of the core, in one optimised
# binary (`swift build -c release`, AddressSanitizer and LeakSanitizer on; toml++'s C++ is
# instrumented too). Sources/mlenv-fuzz/Targets.swift says what each target asserts.
#
# Usage: bash Tests/Fuzz/run.sh [SECONDS]          every target, SECONDS in total (default
#                                                  $MLENV_FUZZ_SECONDS, else 120), split evenly
#        bash Tests/Fuzz/run.sh --merge [SECONDS]  the same from the corpus and the seeds, then
#                                                  Tests/Fuzz/corpus/TARGET/ rewritten minimised
#                                                  (libFuzzer -set_cover_merge=1: the fewest
#                                                  inputs that keep every feature)
#        MLENV_FUZZ_TARGETS="yaml lock" bash Tests/Fuzz/run.sh 60   only those targets
#
# Each target starts from Tests/Fuzz/corpus/TARGET/ (copied: a run leaves the repository as it
# is). A crash, leak, timeout or failed assertion fails the run; libFuzzer writes the input as
# TARGET-crash-* (or -leak-, -timeout-) in the work folder, which is kept and printed. Add it
# to Tests/Fuzz/regressions/ (specs, which FuzzRegressionTests runs) or to the stage's tests,
# and fix the bug.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
merge=0
if [[ "${1:-}" == --merge ]]; then
  merge=1
  shift
fi
total="${1:-${MLENV_FUZZ_SECONDS:-120}}"

build_start=$SECONDS
MLENV_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product mlenv-fuzz \
  -Xcxx -fsanitize=fuzzer-no-link,address >/dev/null
binary=.build-fuzz/release/mlenv-fuzz
echo "fuzz: built $binary in $((SECONDS - build_start)) s"
read -r -a targets <<<"${MLENV_FUZZ_TARGETS:-$(MLENV_FUZZ_TARGET='' "$binary" 2>&1 | sed -n 's/.*one of: //p')}"
((${#targets[@]})) || {
  echo "fuzz: no targets" >&2
  exit 1
}
per=$((total / ${#targets[@]}))
((per >= 1)) || per=1
work="$(mktemp -d /tmp/mlenv-fuzz.XXXXXX)"
# Crashes are reported by libFuzzer and AddressSanitizer, not by Swift's backtracer (which
# trips over ASan's shadow memory); leaks in dependencies that are left alone are listed in
# lsan.supp, with why.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$repo/Tests/Fuzz/lsan.supp:print_suppressions=0"

# The seeds of a target, as files in folder $2: the example specs and fixtures, the
# regression inputs, and the hand-written seeds in Tests/Fuzz/seeds/.
seed() {
  local target="$1" into="$2" file index=0 line files
  mkdir -p "$into"
  add() { for file in "$@"; do [[ -f "$file" ]] && cp "$file" "$into/seed-$((index++))"; done; }
  case "$target" in
    pipeline | spec | yaml) add specs/*.yaml Tests/Fixtures/*/spec.yaml Tests/Fixtures/schema/*/*.yaml Tests/Fuzz/regressions/* ;;
    requirement)
      add Tests/Fuzz/seeds/requirement/*
      while IFS= read -r line; do
        index=$((index + 1))
        printf '%s' "$line" >"$into/line-$index"
      done < <(find Tests/Fixtures -name '*requirements*.txt' -exec cat {} + | grep -v '^ *\(#\|-\|$\)' | sort -u)
      ;;
    requirements-file)
      mapfile -t files < <(find Tests/Fixtures Tests/Bench -name '*requirements*.txt')
      add "${files[@]}"
      ;;
    pyproject)
      mapfile -t files < <(find Tests/Fixtures -name '*.toml')
      add "${files[@]}"
      ;;
    lock) add Tests/Fuzz/seeds/lock/* ;;
    catalog)
      # The catalog tables, cut to their first 4 KB at a line break: whole tables make slow inputs.
      for file in Sources/MLEnvCore/Catalog/Data/*.yaml; do
        index=$((index + 1))
        head -c 4096 "$file" | sed '$d' >"$into/seed-$index"
      done
      ;;
    quote-*) add Tests/Fuzz/seeds/quote/* ;;
  esac
}

# A libFuzzer statistic from a log: stat::NAME, or cov:/ft: of the final line.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
final() { grep -E '^#[0-9]+[[:space:]]+DONE' "$2" | tail -n 1 | sed -n "s/.* $1: \([0-9]*\).*/\1/p"; }

echo "fuzz: ${#targets[@]} targets, ${per} s each (${total} s in total)"
printf '%-18s %10s %8s %6s %6s %6s\n' target runs exec/s cov ft corpus
failed=()
all_runs=0
fuzz_start=$SECONDS
for target in "${targets[@]}"; do
  corpus="$work/$target/corpus"
  mkdir -p "$corpus"
  if [[ -d "Tests/Fuzz/corpus/$target" ]]; then cp Tests/Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true; fi
  if ((merge)) || [[ -z "$(ls -A "$corpus")" ]]; then seed "$target" "$corpus"; fi
  log="$work/$target/fuzz.log"
  # TOMLKit leaks on every pyproject.toml (lsan.supp), so libFuzzer's leak check after each
  # input that allocates more than it frees would run on every input, 40 times slower; for
  # that target LeakSanitizer checks once, when the process ends (still failing the run).
  leaks=1
  [[ "$target" == pyproject ]] && leaks=0
  if MLENV_FUZZ_TARGET="$target" "$binary" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
    -detect_leaks="$leaks" -print_final_stats=1 -artifact_prefix="$work/$target-" "$corpus" >"$log" 2>&1; then
    runs="$(stat number_of_executed_units "$log")"
    all_runs=$((all_runs + runs))
    printf '%-18s %10s %8s %6s %6s %6s\n' "$target" "$runs" "$(stat average_exec_per_sec "$log")" \
      "$(final cov "$log")" "$(final ft "$log")" "$(final corp "$log" || true)"
  else
    failed+=("$target")
    printf '%-18s FAILED\n' "$target"
    tail -n 40 "$log" >&2
  fi
  if ((merge)) && [[ ! " ${failed[*]-} " == *" $target "* ]]; then
    rm -rf "$work/$target/merged" && mkdir -p "$work/$target/merged"
    MLENV_FUZZ_TARGET="$target" "$binary" -set_cover_merge=1 -timeout=10 "$work/$target/merged" "$corpus" \
      >"$work/$target/merge.log" 2>&1
    rm -rf "Tests/Fuzz/corpus/$target" && mkdir -p "Tests/Fuzz/corpus/$target"
    cp "$work/$target/merged"/* "Tests/Fuzz/corpus/$target/"
    echo "fuzz: Tests/Fuzz/corpus/$target: $(find "Tests/Fuzz/corpus/$target" -type f | wc -l) files, $(cat Tests/Fuzz/corpus/"$target"/* | wc -c) bytes"
  fi
done
echo "fuzz: $all_runs inputs in $((SECONDS - fuzz_start)) s"
if ((${#failed[@]})); then
  echo "fuzz: ${failed[*]} failed; the inputs are in $work (TARGET-crash-*, -leak-*, -timeout-*)" >&2
  echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
  exit 1
fi
rm -rf "$work"
echo "fuzz: ${#targets[@]} passed, 0 failed"
