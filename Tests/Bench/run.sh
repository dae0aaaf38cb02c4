#!/usr/bin/env bash
# Benchmarks: mlenv at the scale of a monorepo of specs, side by side with the tools people use
# today, in the same run and on the same files. Not a test: speed is judged here, by medians of
# whole-process runs on a release build, never in a timed unit test.
#
# Usage: bash Tests/Bench/run.sh [RUNS] [--strict] [-o FILE]
#   RUNS      timed runs per case (default 5; yamllint on 10,000 specs runs once); the median is
#             reported, after one untimed warm-up run (none for yamllint)
#   --strict  exit 1 when a target is missed (otherwise the exit status is 0: it is a report)
#   -o FILE   also write the report (markdown) to FILE
# Environment:
#   MLENV_BIN          the mlenv binary to time; when unset, `swift build -c release
#                      --static-swift-stdlib` builds it
#   MLENV_BENCH_VENV   a Python venv for yamllint and hpccm (Tests/Bench/requirements.txt, installed
#                      into it when missing); default .venv at the repository root
#   MLENV_BENCH_SEED   the corpus seed (default 20240601)
#   MLENV_BENCH_TMPDIR where the corpora and outputs go (default /tmp). Creating files and folders
#                      can cost more than generating them (on an ext4 VM disk here, 1 ms and more
#                      per spec); /dev/shm (tmpfs) leaves mlenv's own cost. The report shows the
#                      file system's share as `cp -r` of the same output.
#   MLENV_BENCH_YAMLLINT_10000=0   skip yamllint on 10,000 specs (about 30 s)
#
# The corpus (Tests/Bench/corpus.py) is 1, 100, 1,000 and 10,000 specs from one seed. The cases:
# `mlenv --version` (start-up); `mlenv check` on each corpus; the floor, a C program that only
# runs libyaml's event parser over the same files (Tests/Bench/yamlparse.c); `yamllint -d
# relaxed` on 1,000 and 10,000; `mlenv generate` of one spec against HPC Container Maker making
# the same Dockerfile (Tests/Bench/hpccm_recipe.py); `mlenv generate FOLDER -o OUT` on 1,000
# specs (with `cp -r` of its output as the file system's floor); and `mlenv plan` of 1,000 teams
# on a 10,000-GPU host. Each run: wall time from bash's EPOCHREALTIME, user and system time from
# bash's `time`, peak memory (max RSS) from /usr/bin/time, which wraps the command (and adds about
# 1 ms of its own to wall and CPU time, as /bin/true's row shows).
set -euo pipefail
export LC_ALL=C
start=${EPOCHREALTIME/[.,]/}
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench/../.." && pwd)"

runs=5 strict=0 report_file=""
while (($#)); do
  case "$1" in
    --strict) strict=1 ;;
    -o) report_file="${2:?-o needs a file}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]* | '') echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) runs="$1" ;;
  esac
  shift
done
((runs >= 1)) || { echo "run.sh: RUNS must be at least 1" >&2; exit 2; }
seed="${MLENV_BENCH_SEED:-20240601}"
venv="${MLENV_BENCH_VENV:-$repo/.venv}"
say() { printf '%s\n' "$*" >&2; }
count() { # N NOUN -> "1 spec", "1,000 specs"
  printf '%s %s%s' "$(sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta' <<<"$1")" "$2" "$( (($1 == 1)) || echo s)"
}

[[ -x /usr/bin/time ]] || { say "run.sh: /usr/bin/time is missing (apt-get install time)"; exit 2; }
command -v cc >/dev/null || { say "run.sh: a C compiler is needed for the libyaml floor"; exit 2; }
if [[ -n "${MLENV_BIN:-}" ]]; then
  mlenv="$MLENV_BIN"
else
  # As mlenv ships: a release build with Swift's runtime linked in (README, Install).
  say "building mlenv (release, static Swift runtime)"
  (cd "$repo" && swift build -c release --static-swift-stdlib --product mlenv >/dev/null)
  mlenv="$repo/.build/release/mlenv"
fi
[[ -x "$mlenv" ]] || { say "run.sh: $mlenv is not an executable"; exit 2; }

if [[ ! -x "$venv/bin/yamllint" || ! -x "$venv/bin/hpccm" ]]; then
  say "installing yamllint and hpccm into $venv"
  [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$bench/requirements.txt"
fi
work="$(mktemp -d "${MLENV_BENCH_TMPDIR:-/tmp}/mlenv-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/yamlparse" "$bench/yamlparse.c" -lyaml
floor="$work/yamlparse"

# --- inputs -----------------------------------------------------------------------------------
sizes=(1 100 1000 10000)
declare -A corpus_note
for n in "${sizes[@]}"; do
  python3 "$bench/corpus.py" "$n" "$work/c$n" --seed "$seed"
  summary="$("$mlenv" check --format json "$work/c$n" 2>/dev/null | grep '"summary"' || true)"
  errors="$(sed -n 's/.*"errors": \([0-9]*\).*/\1/p' <<<"$summary")"
  warnings="$(sed -n 's/.*"warnings": \([0-9]*\).*/\1/p' <<<"$summary")"
  bytes="$(cat "$work/c$n"/*.yaml | wc -c)"
  corpus_note[$n]="$(count "$n" spec), $((bytes / 1024)) KiB, ${errors:-?} errors, ${warnings:-?} warnings"
  [[ "$errors" == 0 ]] || say "run.sh: warning: the corpus of $n specs does not check cleanly (${errors:-?} errors)"
done

# One spec for generate against hpccm: specs/vision.yaml as hpccm_recipe.py describes it (a copy,
# so that the benchmark does not move when the example grows new keys).
mkdir -p "$work/one"
cat >"$work/one/vision.yaml" <<'EOF'
# The vision team: detection models on NVIDIA's PyTorch build.
mlenv: 1
name: vision
description: Detection models on NVIDIA's PyTorch container
base: nvcr.io/nvidia/pytorch:23.10-py3
framework: {name: pytorch, version: "2.1"}
python: "3.10"
cuda: "12.2"
packages:
  pip: ["transformers==4.35.2", "numpy==1.26.4", "pycocotools==2.0.7"]
  apt: ["git", "htop"]
gpus: [0, 1]
jupyter: {port: 18801, bind: 127.0.0.1, lab: true}
ipc: host
volumes: ["/data/vision:/workspace/data:ro", "./checkpoints:/workspace/checkpoints"]
env: {HF_HOME: /workspace/.cache/huggingface, OMP_NUM_THREADS: "8"}
secrets: [HF_TOKEN]                      # passed from the environment at run time, never baked in
workdir: /workspace
setup: ["python -m pip check"]
EOF

# plan: 1,000 teams asking for 8 to 11 GPUs each (9,500 in all) on a host of 10,000, Jupyter ports
# left to plan.
mkdir -p "$work/plan"
for ((i = 0; i < 1000; i++)); do
  printf 'mlenv: 1\nname: team-%04d\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: %d\njupyter: true\n' "$i" $((i % 4 + 8)) >"$work/plan/t$i.yaml"
done
printf 'mlenv: 1\nkind: host\nname: big\ndriver: "550.54.15"\ngpus: {model: H100, count: 10000}\njupyter_ports: 20000-21999\n' >"$work/host.yaml"

# --- measuring --------------------------------------------------------------------------------
declare -A wall cpu usr rss status nruns
TIMEFORMAT='%3U %3S' # bash's time keyword: user and system time of the run, to the millisecond
# measure KEY RUNS WARMUPS COMMAND...: whole-process runs; median wall, user+sys and user (us), the
# peak RSS over all runs (KiB) and the exit status of the last run. $work/out is removed before
# each run, so commands that write there start from nothing every time, and `sync` runs before
# each timed run.
measure() {
  local key="$1" n="$2" warm="$3" i t0 t1 rc
  shift 3
  say "  $key ($n run$( ((n == 1)) || echo s))"
  for ((i = 0; i < warm; i++)); do
    rm -rf "$work/out"
    "$@" >/dev/null 2>&1 || true
  done
  : >"$work/walls"
  : >"$work/cpus"
  : >"$work/rss"
  for ((i = 0; i < n; i++)); do
    rm -rf "$work/out"
    # Flush the previous run's writes (and the removal) first: on a VM disk their write-back
    # otherwise lands in whichever run comes next.
    sync
    rc=0
    t0=${EPOCHREALTIME/[.,]/}
    { time /usr/bin/time -f '%M' -a -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr"; } 2>>"$work/cpus" || rc=$?
    t1=${EPOCHREALTIME/[.,]/}
    echo $((t1 - t0)) >>"$work/walls"
  done
  median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  wall[$key]="$(median <"$work/walls")"
  cpu[$key]="$(awk 'NF == 2 { print int(($1 + $2) * 1000000 + 0.5) }' "$work/cpus" | median)"
  usr[$key]="$(awk 'NF == 2 { print int($1 * 1000000 + 0.5) }' "$work/cpus" | median)"
  rss[$key]="$(awk '$1 ~ /^[0-9]+$/ && $1 > m { m = $1 } END { print m + 0 }' "$work/rss")"
  status[$key]=$rc
  nruns[$key]=$n
}

load="$(cut -d' ' -f1-3 /proc/loadavg)"
say "timing (RUNS=$runs; $(nproc) cores, load $load)"
measure true "$runs" 1 /bin/true
measure version "$runs" 1 "$mlenv" --version
for n in "${sizes[@]}"; do
  measure "floor$n" "$runs" 1 "$floor" "$work/c$n"
  measure "check$n" "$runs" 1 "$mlenv" check "$work/c$n"
done
yamllint="$venv/bin/yamllint" hpccm="$venv/bin/hpccm"
if [[ -x "$yamllint" ]]; then
  measure yamllint1000 "$runs" 0 "$yamllint" -d relaxed "$work/c1000"
  if [[ "${MLENV_BENCH_YAMLLINT_10000:-1}" != 0 ]]; then
    measure yamllint10000 1 0 "$yamllint" -d relaxed "$work/c10000"
  fi
else
  say "run.sh: $yamllint is missing: $venv/bin/pip install -r Tests/Bench/requirements.txt"
fi
measure generate1 "$runs" 1 "$mlenv" generate "$work/one/vision.yaml" -o "$work/out"
generate_error=""
[[ "${status[generate1]}" == 0 ]] || generate_error="$(head -c 300 "$work/stderr")"
if [[ -x "$hpccm" ]]; then
  measure hpccm "$runs" 1 "$hpccm" --recipe "$bench/hpccm_recipe.py" --format docker
else
  say "run.sh: $hpccm is missing: $venv/bin/pip install -r Tests/Bench/requirements.txt"
fi
# generate FOLDER -o OUT: one subfolder per spec. A binary that takes one spec only gets one run.
folder_error=""
rm -rf "$work/out"
if "$mlenv" generate "$work/c1000" -o "$work/out" >/dev/null 2>"$work/stderr"; then
  made="$(find "$work/out" -mindepth 1 -maxdepth 1 -type d | wc -l)"
  ((made == 1000)) || folder_error="wrote $made folders for 1,000 specs"
  measure folder1000 "$runs" 0 "$mlenv" generate "$work/c1000" -o "$work/out"
  [[ "${status[folder1000]}" == 0 ]] || folder_error="exit status ${status[folder1000]}"
  # The file system's share: copying the same folders and files, in the same place.
  mv "$work/out" "$work/folder-output"
  measure cpfolder1000 "$runs" 1 cp -r "$work/folder-output" "$work/out"
else
  folder_error="unsupported: $(head -n 1 "$work/stderr" | sed "s|$work/||g" | head -c 200)"
fi
measure plancheck "$runs" 1 "$mlenv" check "$work/plan" "$work/host.yaml"
measure plan "$runs" 1 "$mlenv" plan "$work/plan" --host "$work/host.yaml" -o "$work/out"
mv "$work/out" "$work/plan-output"
measure cpplan "$runs" 1 cp -r "$work/plan-output" "$work/out"

# --- report -----------------------------------------------------------------------------------
ms() { # microseconds -> a readable duration
  awk -v us="$1" 'BEGIN { ms = us / 1000
    if (ms >= 1000) printf "%.2f s", ms / 1000; else if (ms >= 100) printf "%.0f ms", ms
    else if (ms >= 10) printf "%.1f ms", ms; else printf "%.2f ms", ms }'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
: >"$work/missed"
verdict() { # 0 (the target is met) -> PASS; otherwise MISS, counted in $work/missed
  if [[ "$1" == 0 ]]; then echo PASS; else echo MISS >>"$work/missed"; echo MISS; fi
}
has() { [[ -n "${wall[$1]:-}" ]]; }
row() { printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
cells() { # KEY -> runs, median wall, user+sys, peak RSS
  local note=""
  [[ "${status[$1]}" == 0 ]] || note=" (exit ${status[$1]})"
  printf '%s\t%s\t%s\t%s' "${nruns[$1]}" "$(ms "${wall[$1]}")$note" "$(ms "${cpu[$1]}")" "$(mib "${rss[$1]}")"
}
line() { # CASE KEY COMPARATOR RATIO TARGET RESULT
  local r w c m
  IFS=$'\t' read -r r w c m <<<"$(cells "$2")"
  row "$1" "$r" "$w" "$c" "$m" "$3" "$4" "$5" "$6"
}

report="$work/report.md"
{
  echo "## mlenv benchmarks"
  echo
  echo "mlenv $("$mlenv" --version) ($mlenv), $(date -u +%Y-%m-%d), $(nproc) cores, load before $load, files in ${MLENV_BENCH_TMPDIR:-/tmp}, seed $seed, RUNS=$runs (medians of whole-process runs, wall and user+sys; peak RSS is the largest of the runs)."
  echo "Tools: $("$yamllint" --version 2>/dev/null || echo 'yamllint missing'), hpccm $("$hpccm" --version 2>/dev/null || echo missing), $("$floor" --version)."
  echo "Corpora: $(for n in "${sizes[@]}"; do printf '%s; ' "${corpus_note[$n]}"; done | sed 's/; $//')."
  echo
  row case runs "median wall" "user+sys" "peak RSS" comparator ratio target result
  row --- ---: ---: ---: ---: --- ---: --- ---
  line "/bin/true (process floor)" true "" "" "" ""
  line "mlenv --version (start-up)" version "/bin/true" "$(ratio "${wall[version]}" "${wall[true]}")x" "" ""
  for n in "${sizes[@]}"; do
    line "libyaml parse floor, $(count "$n" spec)" "floor$n" "" "" "" ""
    if ((n == 1000)); then
      r="$(ratio "${wall[check$n]}" "${wall[floor$n]}")"
      le "$r" 3 && v=0 || v=1
      line "mlenv check, $(count "$n" spec)" "check$n" "libyaml floor" "${r}x slower" "within 3x" "$(verdict "$v")"
      if has yamllint1000; then
        r="$(ratio "${wall[yamllint1000]}" "${wall[check1000]}")"
        le 20 "$r" && v=0 || v=1
        line "mlenv check, $(count "$n" spec)" "check$n" "yamllint -d relaxed" "${r}x faster" "at least 20x faster" "$(verdict "$v")"
      else
        row "mlenv check, $(count "$n" spec)" "" "" "" "" "yamllint -d relaxed" "not installed" "at least 20x faster" "$(verdict 1)"
      fi
      le "${rss[check1000]}" 65535 && v=0 || v=1
      line "mlenv check, $(count "$n" spec): peak memory" "check$n" "" "" "under 64 MiB" "$(verdict "$v")"
    elif ((n == 10000)); then
      r="$(ratio "${wall[check10000]}" "${wall[check1000]}")"
      le "$r" 11 && v=0 || v=1
      line "mlenv check, $(count "$n" spec)" "check$n" "mlenv check, 1,000 specs" "${r}x the cost" "at most 11x" "$(verdict "$v")"
      line "mlenv check, $(count "$n" spec)" "check$n" "libyaml floor" "$(ratio "${wall[check$n]}" "${wall[floor$n]}")x slower" "" ""
    else
      line "mlenv check, $(count "$n" spec)" "check$n" "libyaml floor" "$(ratio "${wall[check$n]}" "${wall[floor$n]}")x slower" "" ""
    fi
  done
  has yamllint1000 && line "yamllint -d relaxed, 1,000 specs" yamllint1000 "" "" "" ""
  if has yamllint10000; then
    line "yamllint -d relaxed, 10,000 specs" yamllint10000 "mlenv check, 10,000 specs" "$(ratio "${wall[yamllint10000]}" "${wall[check10000]}")x slower" "" ""
  fi
  if [[ -n "$generate_error" ]]; then
    row "mlenv generate, one spec" "" "failed" "" "" "" "" "" "$(verdict 1)"
  elif has hpccm; then
    r="$(ratio "${wall[hpccm]}" "${wall[generate1]}")"
    le 5 "$r" && v=0 || v=1
    line "mlenv generate, one spec (vision)" generate1 "hpccm, same Dockerfile" "${r}x faster" "at least 5x faster" "$(verdict "$v")"
    line "hpccm --recipe hpccm_recipe.py" hpccm "" "" "" ""
  else
    line "mlenv generate, one spec (vision)" generate1 "hpccm" "not installed" "at least 5x faster" "$(verdict 1)"
  fi
  if [[ -n "$folder_error" ]]; then
    row "mlenv generate FOLDER, 1,000 specs" "" "—" "" "" "" "$folder_error" "under 1 ms per spec" "$(verdict 1)"
  else
    per="$(awk -v us="${wall[folder1000]}" 'BEGIN { printf "%.3f", us / 1000 / 1000 }')"
    le "$per" 1 && v=0 || v=1
    line "mlenv generate FOLDER, 1,000 specs" folder1000 "" "$per ms per spec" "under 1 ms per spec" "$(verdict "$v")"
    line "cp -r of that output (file-system floor)" cpfolder1000 "" "$(awk -v us="${wall[cpfolder1000]}" 'BEGIN { printf "%.3f", us / 1000 / 1000 }') ms per spec" "" ""
  fi
  line "mlenv check, 1,000 plan specs + host" plancheck "" "" "" ""
  line "mlenv plan, 1,000 teams on 10,000 GPUs" plan "cp -r of its output" "$(ratio "${wall[plan]}" "${wall[cpplan]}")x" "" ""
  line "cp -r of the plan's output (file-system floor)" cpplan "" "" "" ""
  echo
  echo "From 1,000 to 10,000 specs (10x the files):" \
    "mlenv check takes $(ratio "${wall[check10000]}" "${wall[check1000]}")x the wall time" \
    "($(ratio "${cpu[check10000]}" "${cpu[check1000]}")x the CPU time)" \
    "and $(ratio "${rss[check10000]}" "${rss[check1000]}")x the peak memory ($(mib "${rss[check1000]}") to $(mib "${rss[check10000]}"));" \
    "the libyaml floor takes $(ratio "${wall[floor10000]}" "${wall[floor1000]}")x$(has yamllint10000 && echo ", yamllint $(ratio "${wall[yamllint10000]}" "${wall[yamllint1000]}")x")."
  has yamllint10000 || echo "yamllint on 10,000 specs was skipped (MLENV_BENCH_YAMLLINT_10000=0)."
  has yamllint10000 && echo "yamllint on 10,000 specs ran once (about 30 s a run); every other case ran $runs times after a warm-up (yamllint: none)."
  echo "Per spec, wall: mlenv check $(ms $(((wall[check10000] - wall[version]) / 10000))) at 10,000 (less start-up), the libyaml floor $(ms $((wall[floor10000] / 10000)))."
  if has cpfolder1000; then
    echo "generate FOLDER: $(ms $((wall[folder1000] / 1000))) per spec, of which creating the folders and files (cp -r of the same output, same file system) $(ms $((wall[cpfolder1000] / 1000))) and mlenv's user time $(ms $((usr[folder1000] / 1000)))."
  fi
} >"$report"
missed="$(wc -l <"$work/missed")"
end=${EPOCHREALTIME/[.,]/}
echo "Whole benchmark: $(ms $((end - start))), $missed target$( ((missed == 1)) || echo s) missed." >>"$report"

cat "$report"
[[ -z "$report_file" ]] || cp "$report" "$report_file"
((strict && missed)) && exit 1
exit 0
