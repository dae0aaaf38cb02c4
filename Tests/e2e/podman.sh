# shellcheck shell=bash disable=SC2154  # sourced: run.sh sets work, user, project, mlenv, run_id, base
# End-to-end: the same spec with Podman, rootful and rootless (issue 18). Sourced by
# Tests/e2e/run.sh after the Docker parts, with its work folder ($work), test user ($user), the
# project and its spec (write_spec), the base's root file system ($work/rootfs.tar), mlenv
# ($mlenv) and its step/fail/free_subnet helpers.
#
# Rootful: root runs run.sh as sudo would (SUDO_UID, SUDO_GID and SUDO_USER of the test user), on
# a private storage and a network of its own (its own bridge and subnet). Rootless: the test user,
# with subuid and subgid ranges, their own storage (native overlay) and slirp4netns. Each builds
# the spec, starts Jupyter (200 with the token, 403 without), writes into a volume (the file is
# the user's), runs a command (its exit status is run.sh's), takes one GPU through a CDI
# specification, and `down` leaves no container. Rootless also locks the image it built and
# verifies it against the lock.
#
# Two things of this machine's sandbox are worked around, and only these:
# - it refuses setrlimit to the OCI runtime, and Podman always sets RLIMIT_NOFILE and NPROC, so
#   Podman's runtime is a wrapper that drops the rlimits from the bundle and the exec process
#   before it runs runc (and writes what it dropped to a log, which is how the memlock flag of
#   GPU runs is checked); crun cannot run here at all (cgroups in hybrid mode);
# - /dev/net/tun is 0600 (udev makes it 0666 on a usual machine), which slirp4netns needs as the
#   user: its mode is 0666 while the test runs and restored after.
# On a machine with NVIDIA's CDI specification (nvidia-ctk cdi generate), the test uses it;
# otherwise it writes one for two stand-in devices (character devices in the work folder; no
# GPU is needed to see that the device names reach the engine) and removes it after.

pod="$work/podman"
pod_user_home="$pod/home"
pod_tun_mode=""
pod_cdi_spec=""
pod_network=""

podman_as_root() {
  env CONTAINERS_CONF="$pod/containers.conf" CONTAINERS_STORAGE_CONF="$pod/storage.conf" "$@"
}
podman_as_user() {
  runuser -u "$user" -- env HOME="$pod_user_home" XDG_RUNTIME_DIR="$pod/xdg" "$@"
}

pod_stopped=""
podman_stop() {
  local pidfile
  [[ -z "$pod_stopped" ]] || return 0
  pod_stopped=1
  if [[ -d "$pod_user_home/.config" ]]; then
    podman_as_user podman rm --all --force --time 0 >/dev/null 2>&1 || true
    # The pause process holds the user's namespace (and its overlay mounts) after the last container.
    while read -r pidfile; do
      kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
    done < <(find "$pod/xdg" -name pause.pid 2>/dev/null)
  fi
  if [[ -f "$pod/containers.conf" ]]; then
    podman_as_root podman rm --all --force --time 0 >/dev/null 2>&1 || true
    [[ -z "$pod_network" ]] || podman_as_root podman network rm --force "$pod_network" >/dev/null 2>&1 || true
  fi
  [[ -z "$pod_cdi_spec" ]] || rm -f "$pod_cdi_spec"
  [[ -z "$pod_tun_mode" ]] || chmod "$pod_tun_mode" /dev/net/tun
}

step "Podman: the engine, its runtime, a network, the test user's subuids, a CDI specification"
mkdir -p "$pod/bin" "$pod/xdg" "$pod_user_home/.config/containers"
chmod 755 "$pod"
chown "$user" "$pod/xdg" "$pod_user_home" "$pod_user_home/.config" "$pod_user_home/.config/containers"
chmod 700 "$pod/xdg"
# The runtime wrapper (see above). It runs as root, or as the user's root in their namespace.
pod_rlimits="$pod/rlimits.log"
touch "$pod_rlimits"
chmod 666 "$pod_rlimits"
cat >"$pod/bin/runc-without-rlimits" <<EOF
#!/bin/sh
prev=""
for arg in "\$@"; do
  file=""
  case "\$prev" in
    --bundle | -b) file="\$arg/config.json" path=.process.rlimits ;;
    --process | -p) file="\$arg" path=.rlimits ;;
  esac
  if [ -n "\$file" ] && [ -f "\$file" ]; then
    jq -c "\$path // []" "\$file" >>"$pod_rlimits"
    jq "del(\$path)" "\$file" >"\$file.mlenv" && mv "\$file.mlenv" "\$file"
  fi
  prev="\$arg"
done
exec /usr/sbin/runc "\$@"
EOF
chmod 755 "$pod/bin/runc-without-rlimits"
# Rootful: storage, state and networks below the work folder; a bridge and subnet of its own.
pod_network="mlenv-e2e-$run_id"
pod_prefix="$(free_subnet 10.198)"
cat >"$pod/containers.conf" <<EOF
[engine]
runtime = "mlenv-e2e"
static_dir = "$pod/root/libpod"
tmp_dir = "$pod/run/libpod"
volume_path = "$pod/root/volumes"
[engine.runtimes]
mlenv-e2e = ["$pod/bin/runc-without-rlimits"]
[network]
network_config_dir = "$pod/networks"
EOF
cat >"$pod/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$pod/root/storage"
runroot = "$pod/run/storage"
EOF
# The default network is made on the fly as podman0; the test's is made first, given a bridge
# of its own (Podman 4.3 cannot name it), then made the default.
podman_as_root podman network create --subnet "$pod_prefix.0/24" "$pod_network" >/dev/null
jq --arg bridge "pod-$run_id" '.network_interface = $bridge' "$pod/networks/$pod_network.json" >"$pod/network.json"
mv "$pod/network.json" "$pod/networks/$pod_network.json"
echo "default_network = \"$pod_network\"" >>"$pod/containers.conf"
# Rootless: the user's own configuration, as they would write it.
cat >"$pod_user_home/.config/containers/containers.conf" <<EOF
[engine]
runtime = "mlenv-e2e"
[engine.runtimes]
mlenv-e2e = ["$pod/bin/runc-without-rlimits"]
EOF
echo '[storage]
driver = "overlay"' >"$pod_user_home/.config/containers/storage.conf"
chown -R "$user" "$pod_user_home"
if ! grep -q "^$user:" /etc/subuid || ! grep -q "^$user:" /etc/subgid; then
  # The 65536 ids after every range already given out.
  first="$(cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'BEGIN { n = 100000 } $2 + $3 > n { n = $2 + $3 } END { print n }')"
  usermod --add-subuids "$first-$((first + 65535))" --add-subgids "$first-$((first + 65535))" "$user"
fi
if [[ "$(stat -c %a /dev/net/tun)" != 666 ]]; then
  pod_tun_mode="$(stat -c %a /dev/net/tun)"
  chmod 0666 /dev/net/tun
fi
[[ "$(podman_as_user podman info --format '{{.Host.Security.Rootless}}' 2>/dev/null)" == true ]] \
  || { podman_as_user podman info >&2 || true; fail "rootless Podman does not work for $user"; }
# The CDI specification: NVIDIA's when the machine has one, else two stand-in devices.
if grep -qs 'nvidia\.com/gpu' /etc/cdi/*.yaml /etc/cdi/*.json /var/run/cdi/*.yaml /var/run/cdi/*.json; then
  pod_gpu_device=/dev/nvidia1
else
  mkdir -p "$pod/dev"
  mknod -m 666 "$pod/dev/gpu0" c 195 0
  mknod -m 666 "$pod/dev/gpu1" c 195 1
  mkdir -p /var/run/cdi
  pod_cdi_spec="/var/run/cdi/nvidia-mlenv-e2e-$run_id.yaml"
  # Rootless Podman bind-mounts device nodes from the same path on the host, so the stand-ins
  # keep their path in the container.
  cat >"$pod_cdi_spec" <<EOF
# mlenv's end-to-end test (Tests/e2e/podman.sh): stand-in devices, removed when the test ends
cdiVersion: "0.5.0"
kind: nvidia.com/gpu
devices:
  - name: "0"
    containerEdits:
      deviceNodes: [{path: $pod/dev/gpu0}]
      env: [MLENV_E2E_GPU=0]
  - name: "1"
    containerEdits:
      deviceNodes: [{path: $pod/dev/gpu1}]
      env: [MLENV_E2E_GPU=1]
EOF
  pod_gpu_device="$pod/dev/gpu1"
fi

# The project again, for Podman: its spec generated beside a catalog Podman probed, a fresh
# data folder, and a Jupyter port of its own.
pod_project="$pod/project"
cp -a "$project" "$pod_project"
rm -rf "$pod_project"/out* "$pod_project/specs/data" "$pod_project/catalog.yaml"
mkdir -p "$pod_project/specs/data"
chown "$user" "$pod_project/specs" "$pod_project/specs/data"
podman_as_root podman import --quiet "$work/rootfs.tar" "$base" >/dev/null
podman_as_user podman import --quiet "$work/rootfs.tar" "$base" >/dev/null
podman_as_root "$mlenv" catalog probe "$base" --engine podman -o "$pod_project/catalog.yaml" 2>"$pod/probe.log" \
  || { cat "$pod/probe.log" >&2; fail "mlenv catalog probe --engine podman"; }
grep -q "python: \"$python3_version\"" "$pod_project/catalog.yaml" \
  || { cat "$pod_project/catalog.yaml" >&2; fail "probe with Podman: python $python3_version"; }
port="$(free_port)"
project="$pod_project" write_spec "six==1.16.0"
project="$pod_project" write_app "hello"
"$mlenv" generate --catalog "$pod_project/catalog.yaml" "$pod_project/specs/e2e.yaml" -o "$pod_project/out" >/dev/null
chmod -R a+rX "$pod_project"
pod_script="$pod_project/out/run.sh"
pod_container="mlenv-e2e-$run_id"

# One mode's checks. $1 is rootful or rootless; the rest runs a command in that mode.
podman_e2e() {
  local mode="$1" status without owner output memlock build_started
  shift
  local -a as=("$@")
  step "Podman $mode: run.sh build"
  build_started=$SECONDS
  "${as[@]}" env MLENV_ENGINE=podman "$pod_script" build >"$pod/build-$mode.log" 2>&1 \
    || { tail -n 40 "$pod/build-$mode.log" >&2; fail "Podman $mode: build"; }
  printf 'built in %ss\n' "$((SECONDS - build_started))"
  # An OCI image would drop the Dockerfile's SHELL, and every RUN would run without pipefail.
  ! grep -q 'SHELL is not supported' "$pod/build-$mode.log" || fail "Podman $mode: the build ignored SHELL"
  [[ "$("${as[@]}" podman image inspect --format '{{.ManifestType}}' "mlenv/e2e-$run_id:latest")" == *docker* ]] \
    || fail "Podman $mode: the image is not in Docker's format"
  [[ "$("${as[@]}" podman image inspect --format '{{.Config.Labels}}' "mlenv/e2e-$run_id:latest")" == *io.mlenv.inputs.sha256* ]] \
    || fail "Podman $mode: the image has no mlenv labels"

  step "Podman $mode: run.sh up, Jupyter with and without the token"
  token="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  "${as[@]}" env MLENV_ENGINE=podman MLENV_GPUS=none JUPYTER_TOKEN="$token" "$pod_script" up >"$pod/up-$mode.log" 2>&1 \
    || { cat "$pod/up-$mode.log" >&2; fail "Podman $mode: up"; }
  status=""
  for _ in $(seq 1 90); do
    status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status?token=$token" || true)"
    [[ "$status" == 200 ]] && break
    sleep 1
  done
  [[ "$status" == 200 ]] || { "${as[@]}" podman logs "$pod_container" >&2 || true; fail "Podman $mode: Jupyter answered $status, not 200"; }
  without="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status")"
  [[ "$without" == 403 ]] || fail "Podman $mode: without the token Jupyter answered $without, not 403"
  [[ "$("${as[@]}" env MLENV_ENGINE=podman "$pod_script" url)" == "http://127.0.0.1:$port/lab?token=$token"*"ssh -N -L $port:127.0.0.1:$port $user@"* ]] \
    || fail "Podman $mode: run.sh url"

  step "Podman $mode: the container runs as $user, and what it writes into a volume is theirs"
  [[ "$("${as[@]}" podman exec "$pod_container" id -u)" == "$(id -u "$user")" ]] || fail "Podman $mode: not $user in the container"
  "${as[@]}" podman exec "$pod_container" sh -c "echo $mode > /workspace/data/$mode.txt"
  owner="$(stat -c %U "$pod_project/specs/data/$mode.txt")"
  [[ "$owner" == "$user" ]] || fail "Podman $mode: a file written to the volume belongs to $owner, not $user"
  [[ "$("${as[@]}" podman exec "$pod_container" printenv MLENV_E2E)" == "it's \$HOME \"quoted\"" ]] || fail "Podman $mode: env"
  # Podman reads Dockerfile.dockerignore only when run.sh names it (--ignorefile).
  "${as[@]}" podman exec "$pod_container" test -f /opt/e2e/assets/greeting.txt || fail "Podman $mode: files: the asset is missing"
  "${as[@]}" podman exec "$pod_container" test ! -e /opt/project/out/run.sh \
    || fail "Podman $mode: the output folder's run.sh is in the image (Dockerfile.dockerignore)"

  step "Podman $mode: run.sh run passes the exit status; a GPU through CDI"
  status=0
  output="$("${as[@]}" env MLENV_ENGINE=podman "$pod_script" run e2e-hello 3 2>"$pod/run-$mode.err")" || status=$?
  ((status == 3)) || { cat "$pod/run-$mode.err" >&2; fail "Podman $mode: run.sh run e2e-hello 3 exited $status, not 3"; }
  [[ "$output" == "hello from e2eapp, colorama 0.4.6" ]] || fail "Podman $mode: run.sh run printed '$output'"
  : >"$pod_rlimits"
  output="$("${as[@]}" env MLENV_ENGINE=podman MLENV_GPUS=1 "$pod_script" run sh -c "test -c $pod_gpu_device && ls /dev ${pod_gpu_device%/*} && printenv MLENV_E2E_GPU || true" 2>"$pod/gpu-$mode.err")" \
    || { cat "$pod/gpu-$mode.err" >&2; fail "Podman $mode: run.sh run with MLENV_GPUS=1"; }
  [[ "$output" == *"${pod_gpu_device##*/}"* ]] || fail "Podman $mode: GPU 1 is not in the container: $output"
  if [[ -n "$pod_cdi_spec" ]]; then
    [[ "$output" != *gpu0* && "${output##*$'\n'}" == 1 ]] || fail "Podman $mode: GPU 1 only, through CDI; the container has: $output"
  fi
  # Rootful runs GPU jobs with memlock unlimited (NVIDIA's advice); rootless Podman cannot.
  memlock="$(jq -s 'map(.[] | select(.type == "RLIMIT_MEMLOCK")) | length' "$pod_rlimits")"
  if [[ "$mode" == rootful ]]; then
    ((memlock > 0)) || fail "Podman rootful: no memlock limit for the GPU run: $(cat "$pod_rlimits")"
  else
    ((memlock == 0)) || fail "Podman rootless: a memlock limit, which it cannot raise: $(cat "$pod_rlimits")"
  fi
}

rootful_as=(podman_as_root env SUDO_UID="$(id -u "$user")" SUDO_GID="$(id -g "$user")" SUDO_USER="$user")
podman_e2e rootful "${rootful_as[@]}"
step "Podman rootful: run.sh down leaves nothing"
"${rootful_as[@]}" env MLENV_ENGINE=podman "$pod_script" down >/dev/null
[[ -z "$(podman_as_root podman ps -aq)" ]] || fail "Podman rootful: a container is left after down"

podman_e2e rootless podman_as_user
step "Podman rootless: run.sh lock, then run.sh verify"
podman_as_user env MLENV_ENGINE=podman MLENV="$mlenv" "$pod_script" lock --catalog "$pod_project/catalog.yaml" >"$pod/lock.log" 2>&1 \
  || { cat "$pod/lock.log" >&2; fail "Podman rootless: run.sh lock"; }
grep -q '"six==1.16.0 --hash=sha256:' "$pod_project/specs/e2e.mlenv.lock" || fail "Podman rootless: the lock records no installed six"
podman_as_user env MLENV_ENGINE=podman MLENV="$mlenv" "$pod_script" verify --catalog "$pod_project/catalog.yaml" >"$pod/verify.log" 2>&1 \
  || { cat "$pod/verify.log" >&2; fail "Podman rootless: run.sh verify"; }
step "Podman rootless: run.sh down leaves nothing"
podman_as_user env MLENV_ENGINE=podman "$pod_script" down >/dev/null
[[ -z "$(podman_as_user podman ps -aq)" ]] || fail "Podman rootless: a container is left after down"

step "Slurm: job.sbatch with rootless Podman, given the GPUs of Slurm's allocation through CDI"
# The Docker job's spec with runtime podman, run as the user on the test cluster: the devices of
# SLURM_JOB_GPUS reach the container, and what the job writes is the user's.
project="$pod_project" write_slurm_spec podman "[\"python3\", \"-c\", \"import os, sys; open('/workspace/data/from-slurm.txt', 'w').write('slurm'); print('job ran as', os.getuid(), 'with', sorted(os.path.basename(d) for d in sys.argv[1:] if os.path.exists(d)))\", \"${pod_gpu_device%1}0\", \"$pod_gpu_device\"]"
"$mlenv" generate --catalog "$pod_project/catalog.yaml" "$pod_project/specs/e2e-slurm.yaml" -o "$pod_project/out-slurm" --target slurm >/dev/null
chmod -R a+rX "$pod_project/out-slurm"
chmod a+w "$pod_project/out-slurm"
slurm_start "$work/slurm-podman"
job_output="$(cd "$pod_project/out-slurm" && HOME="$pod_user_home" XDG_RUNTIME_DIR="$pod/xdg" slurm_run_job job.sbatch --uid="$user" --gid="$(id -g "$user")")" \
  || fail "the Slurm job with Podman failed"
pod_gpu_name="${pod_gpu_device##*/}"
grep -qF "job ran as $(id -u "$user") with ['${pod_gpu_name%1}0', '$pod_gpu_name']" "$job_output" \
  || { cat "$job_output" >&2; fail "the Podman job did not run as $user with Slurm's two GPUs"; }
[[ "$(stat -c %U "$pod_project/specs/data/from-slurm.txt")" == "$user" ]] || fail "the Podman job's file does not belong to $user"
[[ -z "$(podman_as_user podman ps -aq)" ]] || fail "the Podman job left a container"
slurm_stop
podman_stop
