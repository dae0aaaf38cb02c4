#!/usr/bin/env bash
# Self-test of Tests/slurm/cluster.sh: start a private one-node Slurm cluster, run two GPU jobs
# (--gres=gpu:2 and --gpus=1) through sbatch, check what they printed, stop everything.
#
# Usage: bash Tests/slurm/selftest.sh     (as root; installs nothing: apt-get install -y slurm-wlm munge)
# Exits non-zero, with the daemons' logs, on any problem. Leaves no daemon running.
# SLURM_TEST_KEEP=1 keeps the work folder (config, logs, job outputs) also on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "$here/cluster.sh"

work="$(mktemp -d /tmp/mlenv-slurm.XXXXXX)"
chmod 755 "$work" # the munge user must reach $work/cluster/munge

cleanup() {
  local status=$?
  slurm_stop || status=1
  if ((status == 0)) && [[ -z "${SLURM_TEST_KEEP:-}" ]]; then
    rm -rf "$work"
  else
    ((status == 0)) || printf 'selftest: FAILED\n' >&2
    printf 'selftest: files kept in %s\n' "$work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
# Turn signals into a plain exit so that the EXIT trap always runs (also mid-command).
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  printf 'selftest: FAILED: %s\n' "$*" >&2
  exit 1
}

# expect FILE REGEX WHAT: FILE has a line matching REGEX, else show FILE and fail.
expect() {
  if ! grep -Eq -- "$2" "$1"; then
    printf -- '----- %s -----\n' "$1" >&2
    cat "$1" >&2 || true
    fail "$3: no line matching /$2/ in $1"
  fi
}

now() { printf '%s' "${EPOCHREALTIME/[,.]/}"; } # microseconds
secs() { printf '%d.%02d' "$(($1 / 1000000))" "$(($1 % 1000000 / 10000))"; }
t0="$(now)"
slurm_start "$work/cluster"
t_up="$(now)"

mkdir -p "$work/jobs"
cat >"$work/jobs/gres.sbatch" <<'EOF'
#!/bin/bash
#SBATCH --job-name=gres-test
#SBATCH --gres=gpu:2
#SBATCH --cpus-per-task=1
#SBATCH --mem=100M
#SBATCH --output=%x-%j.out
echo "job=${SLURM_JOB_ID}"
echo "cuda=${CUDA_VISIBLE_DEVICES:-unset}"
echo "jobgpus=${SLURM_JOB_GPUS:-unset}"
echo "gpus_on_node=${SLURM_GPUS_ON_NODE:-unset}"
echo "mem_per_node=${SLURM_MEM_PER_NODE:-unset}"
echo "host=$(hostname -s)"
EOF
cat >"$work/jobs/gpus.sbatch" <<'EOF'
#!/bin/bash
#SBATCH --job-name=gpus-test
#SBATCH --gpus=1
#SBATCH --output=%x-%j.out
echo "job=${SLURM_JOB_ID}"
echo "cuda=${CUDA_VISIBLE_DEVICES:-unset}"
echo "jobgpus=${SLURM_JOB_GPUS:-unset}"
echo "gpus=${SLURM_GPUS:-unset}"
EOF
cd "$work/jobs"

# (a) --gres=gpu:2, called directly: the results are in SLURM_TEST_JOB_*.
slurm_run_job gres.sbatch >/dev/null
out="$SLURM_TEST_JOB_OUT"
[[ "$SLURM_TEST_JOB_STATE" == COMPLETED && -f "$out" ]] || fail "gres job: state '$SLURM_TEST_JOB_STATE', output '$out'"
cat "$out"
expect "$out" "^job=${SLURM_TEST_JOB_ID}\$" "gres job"
expect "$out" '^cuda=[0-7],[0-7]$' "gres job (2 GPUs)"
expect "$out" '^jobgpus=[0-7],[0-7]$' "gres job (2 GPUs)"
expect "$out" '^mem_per_node=100$' "gres job (--mem=100M)"
expect "$out" "^host=$(hostname -s)\$" "gres job"

# (b) --gpus=1, through $(...): the output path comes on stdout.
out="$(slurm_run_job gpus.sbatch)"
[[ -f "$out" ]] || fail "gpus job: output file '$out' missing"
cat "$out"
expect "$out" '^job=[0-9]+$' "gpus job"
expect "$out" '^cuda=[0-7]$' "gpus job (1 GPU)"
expect "$out" '^jobgpus=[0-7]$' "gpus job (1 GPU)"
expect "$out" '^gpus=1$' "gpus job"
t_jobs="$(now)"

# (c) A failing job must be reported as a failure.
printf '#!/bin/bash\necho about to fail\nexit 3\n' >fails.sbatch
if slurm_run_job fails.sbatch --output=fails-%j.out >/dev/null 2>"$work/fails.err"; then
  fail "a job exiting 3 was reported as a success"
fi
if ! grep -q 'ended FAILED (exit 3:0)' "$work/fails.err" || [[ "$SLURM_TEST_JOB_STATE" != FAILED ]]; then
  cat "$work/fails.err" >&2
  fail "failing job not reported as FAILED 3:0 (state '$SLURM_TEST_JOB_STATE')"
fi
cd /
t_fail="$(now)"

slurm_stop
slurm_stop # twice is fine
t_stop="$(now)"
if pgrep -a slurmctld || pgrep -a slurmd || pgrep -a slurmstepd || pgrep -a munged; then
  # Only informative when another cluster runs on this machine; ours must be gone.
  printf 'selftest: note: Slurm/munge processes still listed (above)\n' >&2
fi
printf 'selftest: OK (start %ss, 2 GPU jobs %ss, failing job %ss, stop %ss; total %ss)\n' \
  "$(secs $((t_up - t0)))" "$(secs $((t_jobs - t_up)))" "$(secs $((t_fail - t_jobs)))" \
  "$(secs $((t_stop - t_fail)))" "$(secs $((t_stop - t0)))"
