# shellcheck shell=bash
# Start and stop a REAL one-node Slurm cluster for end-to-end tests, fully private to a folder.
#
# Source this file; do not run it (see Tests/slurm/selftest.sh for a complete example):
#
#   source Tests/slurm/cluster.sh
#   trap slurm_stop EXIT                  # or call slurm_stop from your own EXIT trap
#   trap 'exit 130' INT; trap 'exit 143' TERM   # so that the EXIT trap also runs on signals
#   slurm_start "$(mktemp -d)"            # munged + slurmctld + slurmd; waits for the node to be idle
#   out="$(slurm_run_job job.sbatch)"     # sbatch, wait for the end; prints the output file path
#   slurm_stop                            # safe to call twice and from an EXIT trap
#
# Call slurm_start in the main shell (not in $(...) or a pipeline): it keeps the daemons' pids and
# SLURM_CONF in the shell. (Another shell can still stop the cluster: SLURM_TEST_DIR=DIR
# slurm_stop finds the daemons through their pid files, checked against a marker in their
# environment.) Every function fails loudly (message + logs on stderr, non-zero status); nothing
# is ever skipped silently.
#
# Needs (Debian 12 / Ubuntu):  apt-get install -y --no-install-recommends slurm-wlm munge
#   (slurm-wlm pulls slurmctld, slurmd, slurm-client and slurm-wlm-basic-plugins, which has every
#   plugin used here; the recommended slurm-wlm-plugins is not needed. Tested with Debian 12's
#   Slurm 22.05.8 and munge 0.5.15.) Also uses setpriv (util-linux), free (procps), find, grep.
# Must run as root (slurmd launches jobs; munged is started as the munge user). DIR and all its
# parents must be searchable by the munge user (mktemp -d is fine: DIR itself is chmod 755'd).
#
# Isolation: nothing is read from or written to /etc/slurm, /etc/munge or /run/munge. The munge
# key, socket, pid and seed live in DIR/munge; Slurm's config, state, spool, pids and all logs in
# DIR (DIR/log). Slurm uses non-default ports (SLURM_TEST_CTLD_PORT, SLURM_TEST_SLURMD_PORT;
# 16817/16818 unless set), so a system Slurm or munge on the same machine is not disturbed; two
# clusters at once need different ports.
#
# Every daemon is started by this file in the foreground mode (-D / --foreground) in the
# background, and is remembered by pid; slurm_stop ends exactly those. After a crash it also ends
# what is left of this cluster (slurmstepd, job processes), found through DIR (open log files,
# command lines, environment), never by process name.
#
# The node declares 8 fake GPUs: gres.conf points File= at 8 symlinks to /dev/null under DIR/dev,
# so Slurm hands out device indexes and sets CUDA_VISIBLE_DEVICES, SLURM_JOB_GPUS,
# GPU_DEVICE_ORDINAL, ROCR_VISIBLE_DEVICES, ZE_AFFINITY_MASK and SLURM_GPUS_ON_NODE for jobs that
# ask with --gres=gpu:N or --gpus=N (and SLURM_GPUS for --gpus). There is no GPU.
#
# Tunables (environment): SLURM_TEST_CTLD_PORT, SLURM_TEST_SLURMD_PORT, SLURM_TEST_START_TIMEOUT
# (seconds for the node to become idle, 60), SLURM_TEST_JOB_TIMEOUT (seconds per job, 120),
# SLURM_TEST_GPUS (fake GPU count, 8), SLURM_TEST_DEBUG (SlurmctldDebug/SlurmdDebug level, info).
#
# After slurm_start: SLURM_CONF is exported, SLURM_TEST_DIR names the folder, SLURM_TEST_NODE the
# node. After slurm_run_job: SLURM_TEST_JOB_ID, SLURM_TEST_JOB_STATE, SLURM_TEST_JOB_EXIT and
# SLURM_TEST_JOB_OUT describe the last job (only when called directly, not through $(...)).
# Also: slurm_dump_logs prints the tail of every log of the cluster.

SLURM_TEST_DIR="${SLURM_TEST_DIR:-}"
SLURM_TEST_NODE="${SLURM_TEST_NODE:-}"
_slurm_munged_pid=""
_slurm_ctld_pid=""
_slurm_slurmd_pid=""

_slurm_log() { printf 'slurm-harness: %s\n' "$*" >&2; }
# Prints only (returns 0, so that callers under `set -e` still reach their clean-up); callers
# return 1 themselves.
_slurm_fail() { printf 'slurm-harness: ERROR: %s\n' "$*" >&2; }

# True when something accepts TCP connections on 127.0.0.1:$1.
_slurm_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when pid $1 runs (a zombie, waiting for its parent to reap it, does not count).
_slurm_alive() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  read -r stat <"/proc/$1/stat" 2>/dev/null || return 0
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# Print the tail of every log of the cluster to stderr.
slurm_dump_logs() {
  local dir="${SLURM_TEST_DIR:-}" f
  [[ -n "$dir" && -d "$dir" ]] || return 0
  for f in "$dir"/log/*; do
    [[ -f "$f" ]] || continue
    printf '\n----- %s (last 60 lines) -----\n' "$f" >&2
    tail -n 60 "$f" >&2 || true
  done
  printf -- '----- end of logs -----\n' >&2
}

# slurm_start DIR: write the config into DIR, start munged, slurmctld and slurmd, wait until the
# node is idle. Returns non-zero (after printing the logs) when anything does not come up.
slurm_start() {
  local dir="${1:-}"
  [[ -n "$dir" ]] || { _slurm_fail "usage: slurm_start DIR"; return 1; }
  if _slurm_alive "$_slurm_munged_pid" || _slurm_alive "$_slurm_ctld_pid" || _slurm_alive "$_slurm_slurmd_pid"; then
    _slurm_fail "a cluster started by this shell is still running (in ${SLURM_TEST_DIR}); call slurm_stop first"
    return 1
  fi
  [[ "$(id -u)" == 0 ]] || { _slurm_fail "must run as root"; return 1; }
  local tool
  for tool in munged munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo scancel setpriv; do
    command -v "$tool" >/dev/null || { _slurm_fail "missing '$tool' (apt-get install -y slurm-wlm munge)"; return 1; }
  done
  id munge >/dev/null 2>&1 || { _slurm_fail "no 'munge' user (apt-get install -y munge)"; return 1; }

  mkdir -p "$dir" || return 1
  dir="$(cd "$dir" && pwd -P)" || return 1
  # The path goes unquoted into slurm.conf/gres.conf and into find/grep patterns.
  [[ "$dir" =~ ^[A-Za-z0-9._/+-]+$ ]] || { _slurm_fail "DIR must not contain blanks or special characters: '$dir'"; return 1; }
  SLURM_TEST_DIR="$dir"
  SLURM_TEST_NODE="$(hostname -s 2>/dev/null || uname -n)"
  SLURM_TEST_NODE="${SLURM_TEST_NODE%%.*}"
  local node="$SLURM_TEST_NODE"
  local ctld_port="${SLURM_TEST_CTLD_PORT:-16817}" slurmd_port="${SLURM_TEST_SLURMD_PORT:-16818}"
  local timeout_s="${SLURM_TEST_START_TIMEOUT:-60}" gpus="${SLURM_TEST_GPUS:-8}"
  local port v
  for v in "$ctld_port" "$slurmd_port" "$timeout_s" "$gpus"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || { _slurm_fail "not a positive number: '$v' (check SLURM_TEST_* variables)"; return 1; }
  done
  for port in "$ctld_port" "$slurmd_port"; do
    if _slurm_port_busy "$port"; then
      _slurm_fail "port $port is already in use (another cluster?); set SLURM_TEST_CTLD_PORT/SLURM_TEST_SLURMD_PORT"
      return 1
    fi
  done

  # The munge user must be able to reach DIR/munge; munged refuses group/world-writable folders.
  chmod 755 "$dir" || return 1
  if ! setpriv --reuid=munge --regid=munge --init-groups -- test -x "$dir"; then
    _slurm_fail "the munge user cannot enter $dir: a parent folder is not searchable (e.g. mktemp -d gives 0700; chmod 755 it)"
    return 1
  fi
  rm -rf "${dir:?}/munge" "${dir:?}/state" "${dir:?}/spool" "${dir:?}/log" "${dir:?}/run" "${dir:?}/dev" || return 1
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool/slurmd" "$dir/log" "$dir/run" "$dir/dev" || return 1
  # DIR/munge must be searchable by all, or only root could reach the socket (munged warns
  # "Socket is inaccessible"); the key itself is 0400.
  chmod 700 "$dir/state" || return 1
  # Jobs of other users run their script from the spool (as /var/spool/slurmd is 0755).
  chmod 755 "$dir/munge" "$dir/spool" "$dir/spool/slurmd" "$dir/log" "$dir/run" "$dir/dev" || return 1

  # ---- munge: own key, socket, pid and seed; its log is DIR/log/munged.out (with --foreground,
  # munged logs to stderr, not to --log-file) ----------------------------------------------------
  local msock="$dir/munge/munge.socket"
  mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none || return 1
  chown -R munge:munge "$dir/munge" || return 1
  chmod 400 "$dir/munge/munge.key" || return 1
  MLENV_SLURM_HARNESS="$dir" setpriv --reuid=munge --regid=munge --init-groups -- \
    munged --foreground \
    --key-file="$dir/munge/munge.key" --socket="$msock" \
    --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
    </dev/null >>"$dir/log/munged.out" 2>&1 &
  _slurm_munged_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -S "$msock" ]] && break
    _slurm_alive "$_slurm_munged_pid" || break
    sleep 0.1
  done
  if ! munge --socket="$msock" --no-input 2>>"$dir/log/munged.out" | unmunge --socket="$msock" >/dev/null 2>>"$dir/log/munged.out"; then
    _slurm_fail "munged did not come up (socket $msock)"
    slurm_dump_logs
    slurm_stop || true
    return 1
  fi

  # ---- Slurm config ----------------------------------------------------------------------------
  local cpus mem_total real_mem margin
  cpus="$(nproc)"
  mem_total="$(free -m | awk '/^Mem:/ {print $2}')"
  [[ "$cpus" =~ ^[0-9]+$ && "$mem_total" =~ ^[0-9]+$ ]] || { _slurm_fail "cannot read CPUs ($cpus) / memory ($mem_total)"; return 1; }
  # Leave 10 % (at least 256 MB) so slurmd never finds less memory than declared (node would drain).
  margin=$((mem_total / 10))
  ((margin < 256)) && margin=256
  real_mem=$((mem_total - margin))
  ((real_mem >= 256)) || { _slurm_fail "too little memory ($mem_total MB)"; return 1; }

  # Fake GPUs. Slurm 22.05's gres/gpu drops GPUs without File= ("Removing file-less GPU" in the
  # slurmd debug log; the node then goes INVAL: "gres/gpu count reported lower than configured
  # (0 < 8)"), and File= must be a character or block device: with regular files slurmd logs
  # "is not a valid character or block device, fix your gres.conf" and jobs get no
  # CUDA_VISIBLE_DEVICES. Symlinks to /dev/null pass (Slurm stat()s through them), need no
  # CAP_MKNOD, and are harmless if a job opens one.
  local gpu_last=$((gpus - 1)) g
  for ((g = 0; g < gpus; g++)); do
    ln -s /dev/null "$dir/dev/nvidia$g" || return 1
  done

  cat >"$dir/slurm.conf" <<EOF || return 1
# Written by Tests/slurm/cluster.sh: one-node test cluster.
ClusterName=mlenvtest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${msock}
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
PropagateResourceLimits=NONE
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool/slurmd
SlurmctldPidFile=${dir}/run/slurmctld.pid
SlurmdPidFile=${dir}/run/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
SlurmctldDebug=${SLURM_TEST_DEBUG:-info}
SlurmdDebug=${SLURM_TEST_DEBUG:-info}
GresTypes=gpu
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${real_mem} Gres=gpu:${gpus} State=UNKNOWN
PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$dir/gres.conf" <<EOF || return 1
# Written by Tests/slurm/cluster.sh: ${gpus} fake GPUs (symlinks to /dev/null; there is no GPU).
NodeName=${node} Name=gpu File=${dir}/dev/nvidia[0-${gpu_last}]
EOF
  export SLURM_CONF="$dir/slurm.conf"

  # ---- slurmctld and slurmd --------------------------------------------------------------------
  MLENV_SLURM_HARNESS="$dir" slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.out" 2>&1 &
  _slurm_ctld_pid=$!
  MLENV_SLURM_HARNESS="$dir" slurmd -D -N "$node" -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmd.out" 2>&1 &
  _slurm_slurmd_pid=$!

  local state="" deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    if ! _slurm_alive "$_slurm_ctld_pid"; then
      _slurm_fail "slurmctld exited during start-up"
      break
    fi
    if ! _slurm_alive "$_slurm_slurmd_pid"; then
      _slurm_fail "slurmd exited during start-up"
      break
    fi
    state="$(sinfo -h -n "$node" -o '%T' 2>/dev/null | head -n 1)" || state=""
    if [[ "$state" == "idle" ]]; then
      _slurm_log "cluster up in $dir (node $node: $cpus CPUs, ${real_mem} MB, gpu:$gpus; ports $ctld_port/$slurmd_port)"
      return 0
    fi
    sleep 0.5
  done
  ((SECONDS < deadline)) || _slurm_fail "node $node not idle after ${timeout_s}s (last state: '${state:-none}')"
  scontrol show node "$node" >&2 2>/dev/null || true
  slurm_dump_logs
  slurm_stop || true
  return 1
}

# slurm_run_job SCRIPT [sbatch args...]: submit, wait for the end (SLURM_TEST_JOB_TIMEOUT s),
# print the output file path on stdout (progress goes to stderr). Returns non-zero unless the job
# COMPLETED with exit code 0:0, after showing the job, its output and the slurmd log.
# shellcheck disable=SC2034 # SLURM_TEST_JOB_* are results for the caller
slurm_run_job() {
  local script="${1:-}"
  [[ -n "$script" ]] || { _slurm_fail "usage: slurm_run_job SCRIPT [sbatch args...]"; return 1; }
  shift
  [[ -n "${SLURM_CONF:-}" && -f "$SLURM_CONF" ]] || { _slurm_fail "no cluster (call slurm_start first)"; return 1; }
  [[ -f "$script" ]] || { _slurm_fail "no such job script: $script"; return 1; }
  local timeout_s="${SLURM_TEST_JOB_TIMEOUT:-120}"
  local submitted id errfile="${SLURM_TEST_DIR:-/tmp}/log/sbatch.err"
  SLURM_TEST_JOB_ID="" SLURM_TEST_JOB_STATE="" SLURM_TEST_JOB_EXIT="" SLURM_TEST_JOB_OUT=""
  if ! submitted="$(sbatch --parsable "$@" "$script" 2>"$errfile")"; then
    _slurm_fail "sbatch $* $script refused: $(cat "$errfile" 2>/dev/null) $submitted"
    return 1
  fi
  if [[ -s "$errfile" ]]; then
    _slurm_log "sbatch said: $(cat "$errfile")"
  fi
  id="$(printf '%s\n' "$submitted" | tail -n 1)"
  id="${id%%;*}"
  [[ "$id" =~ ^[0-9]+$ ]] || { _slurm_fail "sbatch printed no job id: '$submitted'"; return 1; }
  SLURM_TEST_JOB_ID="$id"
  _slurm_log "submitted job $id ($script)"

  local info="" state="" out="" exitcode="" deadline=$((SECONDS + timeout_s)) terminal=0 f
  while ((SECONDS < deadline)); do
    # In $(...), stop polling once the calling script is gone; fail at once if our slurmctld is.
    kill -0 "$$" 2>/dev/null || return 1
    if [[ -n "$_slurm_ctld_pid" ]] && ! _slurm_alive "$_slurm_ctld_pid"; then
      _slurm_fail "slurmctld (pid $_slurm_ctld_pid) is not running any more"
      break
    fi
    info="$(scontrol -o show job "$id" 2>&1)" || true
    state="$(sed -n 's/.* JobState=\([^ ]*\).*/\1/p' <<<"$info")"
    case "$state" in
      PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED | RESIZING | "") ;;
      *)
        terminal=1
        break
        ;;
    esac
    sleep 0.2
  done
  out="$(sed -n 's/.* StdOut=\([^ ]*\).*/\1/p' <<<"$info")"
  exitcode="$(sed -n 's/.* ExitCode=\([^ ]*\).*/\1/p' <<<"$info")"
  SLURM_TEST_JOB_STATE="${state:-UNKNOWN}"
  SLURM_TEST_JOB_EXIT="${exitcode:-}"
  SLURM_TEST_JOB_OUT="$out"

  if ((terminal)) && [[ "$state" == COMPLETED && "$exitcode" == 0:0 ]]; then
    _slurm_log "job $id COMPLETED; output: $out"
    printf '%s\n' "$out"
    return 0
  fi
  if ((terminal)); then
    _slurm_fail "job $id ended $state (exit $exitcode)"
  elif ((SECONDS < deadline)); then
    SLURM_TEST_JOB_STATE="UNKNOWN"
  else
    _slurm_fail "job $id not finished after ${timeout_s}s (state: '${state:-unknown}'); cancelling it"
    scancel "$id" 2>/dev/null || true
    SLURM_TEST_JOB_STATE="TIMEOUT_HARNESS"
  fi
  printf '%s\n' "$info" | tr ' ' '\n' | sed 's/^/  /' >&2
  local err
  err="$(sed -n 's/.* StdErr=\([^ ]*\).*/\1/p' <<<"$info")"
  [[ "$err" == "$out" ]] && err=""
  for f in "$out" "$err"; do
    [[ -n "$f" && -f "$f" ]] || continue
    printf '\n----- job output %s (last 100 lines) -----\n' "$f" >&2
    tail -n 100 "$f" >&2 || true
  done
  slurm_dump_logs
  printf '%s\n' "$out"
  return 1
}

# _slurm_end_pids WHAT PID...: SIGTERM the live ones, wait up to 3 s, SIGKILL what is left, reap
# our own children. Returns 1 (loudly) if one survives SIGKILL.
_slurm_end_pids() {
  local what="$1" p i left=""
  shift
  for p in "$@"; do
    _slurm_alive "$p" && { kill -TERM "$p" 2>/dev/null || true; }
  done
  for ((i = 0; i < 30; i++)); do
    left=""
    for p in "$@"; do _slurm_alive "$p" && left+="$p "; done
    [[ -z "$left" ]] && break
    sleep 0.1
  done
  if [[ -n "$left" ]]; then
    _slurm_log "$what still running 3 s after SIGTERM (pids $left); sending SIGKILL"
    # shellcheck disable=SC2086 # pids, split on purpose
    kill -KILL $left 2>/dev/null || true
    sleep 0.3
  fi
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
  left=""
  for p in "$@"; do _slurm_alive "$p" && left+="$p "; done
  if [[ -n "$left" ]]; then
    _slurm_fail "$what survived SIGKILL (pids $left)"
    return 1
  fi
  return 0
}

# _slurm_end_daemon NAME PID SECONDS: SIGTERM, wait up to SECONDS (daemons save state), then
# SIGKILL. Returns 1 (loudly) if it survives.
_slurm_end_daemon() {
  local name="$1" pid="$2" wait_s="$3" i
  _slurm_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    _slurm_alive "$pid" || break
    sleep 0.1
  done
  if _slurm_alive "$pid"; then
    _slurm_log "$name (pid $pid) still running ${wait_s} s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.3
  fi
  wait "$pid" 2>/dev/null || true
  if _slurm_alive "$pid"; then
    _slurm_fail "$name (pid $pid) survived SIGKILL"
    return 1
  fi
  return 0
}

# Pids of live processes of the cluster in DIR $1, other than the calling shell: those with our
# marker in their environment (the daemons), those holding Slurm's log files in DIR open
# (slurmstepd and slurmscriptd, which overwrite their environment with their process title),
# and job scripts (their command line names DIR/spool).
_slurm_cluster_pids() {
  local dir="$1" me="$BASHPID" p
  [[ -n "$dir" && -d "$dir" ]] || return 0
  {
    grep -lsazxF -- "MLENV_SLURM_HARNESS=$dir" /proc/[0-9]*/environ
    find /proc/[0-9]*/fd -maxdepth 1 \( -lname "$dir/log/slurmd.log" -o -lname "$dir/log/slurmctld.log" \)
    grep -lsaF -- "$dir/spool/" /proc/[0-9]*/cmdline
  } 2>/dev/null | cut -d/ -f3 | sort -un | while read -r p; do
    [[ "$p" == "$$" || "$p" == "$me" ]] && continue
    _slurm_alive "$p" && printf '%s\n' "$p"
  done
  return 0
}

# Pids of live processes of jobs of the cluster in DIR $1: their environment (set by slurmstepd,
# also under --export=NONE) has SLURM_CONF=DIR/slurm.conf, SLURM_CLUSTER_NAME=mlenvtest and a
# SLURM_JOB_ID (the caller's own children may have the first, never all three).
_slurm_job_pids() {
  local dir="$1" me="$BASHPID" f p
  [[ -n "$dir" && -d "$dir" ]] || return 0
  grep -lsazxF -- "SLURM_CONF=$dir/slurm.conf" /proc/[0-9]*/environ 2>/dev/null | while read -r f; do
    grep -qsazxF -- "SLURM_CLUSTER_NAME=mlenvtest" "$f" || continue
    grep -qsaz -- '^SLURM_JOB_ID=' "$f" || continue
    p="$(cut -d/ -f3 <<<"$f")"
    [[ "$p" == "$$" || "$p" == "$me" ]] && continue
    _slurm_alive "$p" && printf '%s\n' "$p"
  done
  return 0
}

# The comm name of pid $1 (empty when gone).
_slurm_comm() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Pids of zombie slurmstepd/slurmscriptd whose parent is init (ended, not reaped yet).
_slurm_zombie_stepds() {
  local f stat rest
  for f in /proc/[0-9]*/stat; do
    read -r stat <"$f" 2>/dev/null || continue
    [[ "$stat" == *"(slurmstepd) "* || "$stat" == *"(slurmscriptd) "* ]] || continue
    rest="${stat##*) }" # "STATE PPID ..."
    [[ "$rest" == "Z 1 "* ]] && printf '%s ' "${stat%% *}"
  done
  return 0
}

# Pid of daemon $1 (slurmctld, slurmd, munged): the one remembered by slurm_start, else the one in
# its pid file if that process carries our marker (slurm_start ran in another shell).
_slurm_daemon_pid() {
  local name="$1" known="$2" dir="${SLURM_TEST_DIR:-}" file pid
  if [[ -n "$known" ]]; then
    printf '%s\n' "$known"
    return 0
  fi
  [[ -n "$dir" ]] || return 0
  case "$name" in
    munged) file="$dir/munge/munged.pid" ;;
    *) file="$dir/run/$name.pid" ;;
  esac
  pid="$(cat "$file" 2>/dev/null)" || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "MLENV_SLURM_HARNESS=$dir"; then
    printf '%s\n' "$pid"
  fi
}

# slurm_stop: cancel what is queued, let job steps finish, stop slurmd, slurmctld and munged (the
# ones slurm_start started, by pid) and any left-over process of this cluster (see
# _slurm_cluster_pids). Safe to call twice, before slurm_start, and from an EXIT trap; returns the
# caller's $? unless a process would not end (then 1, loudly).
slurm_stop() {
  local status=$? rc=0 dir="${SLURM_TEST_DIR:-}" p i jobs steps left ctld slurmd munged
  ctld="$(_slurm_daemon_pid slurmctld "$_slurm_ctld_pid")"
  slurmd="$(_slurm_daemon_pid slurmd "$_slurm_slurmd_pid")"
  munged="$(_slurm_daemon_pid munged "$_slurm_munged_pid")"
  if _slurm_alive "$ctld" && _slurm_alive "$slurmd" && [[ -n "$dir" ]]; then
    # Only this cluster's queue, also from a shell without SLURM_CONF (never the machine's Slurm).
    local SLURM_CONF="$dir/slurm.conf"
    export SLURM_CONF
    jobs="$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')" || jobs=""
    if [[ -n "${jobs// /}" ]]; then
      _slurm_log "cancelling jobs still in the queue: $jobs"
      # shellcheck disable=SC2086 # job ids, split on purpose
      scancel $jobs >/dev/null 2>&1 || true
    fi
    for ((i = 0; i < 50; i++)); do
      jobs="$(squeue -h -o %i 2>/dev/null)" || jobs=""
      [[ -z "$jobs" ]] && break
      sleep 0.2
    done
    # A job step's slurmstepd lingers a moment after its job (it reports to slurmctld).
    for ((i = 0; i < 50; i++)); do
      steps=""
      for p in $(_slurm_cluster_pids "$dir"); do
        [[ "$(_slurm_comm "$p")" == slurmstepd ]] && steps+="$p "
      done
      [[ -z "$steps" ]] && break
      sleep 0.1
    done
  fi
  _slurm_end_daemon slurmd "$slurmd" 15 || rc=1
  _slurm_slurmd_pid=""
  _slurm_end_daemon slurmctld "$ctld" 15 || rc=1
  _slurm_ctld_pid=""
  # Normally nothing is left here. After a crash of slurmd/slurmctld, job processes and their
  # slurmstepd are: end the jobs' processes first, then the rest (never munged yet).
  left="$(_slurm_job_pids "$dir" | tr '\n' ' ')"
  if [[ -n "${left// /}" ]]; then
    _slurm_log "ending left-over job processes: $left"
    # shellcheck disable=SC2086 # pids, split on purpose
    _slurm_end_pids "left-over job processes" $left || rc=1
  fi
  left=""
  for p in $(_slurm_cluster_pids "$dir"); do
    [[ "$p" == "$munged" ]] || left+="$p "
  done
  if [[ -n "$left" ]]; then
    for p in $left; do
      _slurm_log "ending left-over process $p: $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)"
    done
    # shellcheck disable=SC2086 # pids, split on purpose
    _slurm_end_pids "left-over processes" $left || rc=1
  fi
  _slurm_end_daemon munged "$munged" 10 || rc=1
  _slurm_munged_pid=""
  # slurmd double-forks slurmstepd, so an ended one is reaped by init, not by us. Some inits (e.g.
  # in sandboxes) reap late, and `pgrep slurm` would still list "[slurmstepd] <defunct>" for a
  # second or two: wait (up to 10 s; nothing to kill, a zombie runs nothing) for them to go.
  local zombies=""
  for ((i = 0; i < 100; i++)); do
    zombies="$(_slurm_zombie_stepds)"
    [[ -z "$zombies" ]] && break
    sleep 0.1
  done
  if [[ -n "$zombies" ]]; then
    _slurm_log "note: init has not reaped ended slurmstepd yet (zombies, pids: $zombies)"
  fi
  if ((rc != 0)); then
    _slurm_fail "some processes of the test cluster could not be stopped"
    return 1
  fi
  return "$status"
}
