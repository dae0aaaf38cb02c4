#!/usr/bin/env bash
# End-to-end test on a real container engine: build what `mlenv generate` writes, start it, reach
# Jupyter through the forwarded port, and check the container from inside and outside.
#
# Usage: bash Tests/e2e/run.sh        (as root; installs docker.io, podman, debootstrap, slurm-wlm
#                                      and the rest when missing)
#
# It starts a private Docker daemon (its own socket, data folder, bridge and subnet), builds a
# small Debian base image with debootstrap, declares it to mlenv through a test catalog, and always
# stops the daemon and removes what it made, also when a step fails. Then a one-node Slurm cluster
# runs the spec as a batch job, Tests/e2e/lock.sh rebuilds it from its lock, and
# Tests/e2e/podman.sh builds and runs it with Podman, rootful and rootless. Takes 12-16 minutes
# on 2 cores.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d /tmp/mlenv-e2e.XXXXXX)"
chmod 755 "$work"
run_id="$(basename "$work" | tr -cd 'a-z0-9' | tail -c 8)"
user="mlenv-e2e"
docker_bin=/usr/bin/docker   # Debian's client: BuildKit without the buildx plugin
export DOCKER_HOST="unix://$work/docker.sock"
daemon_pid=""
# The daemon's own bridge (an interface name has at most 15 characters) and subnet, so that no
# container of another daemon on this machine (on docker0, 172.17.0.0/16) can answer the test.
bridge="mlenv-$run_id"
bridge_made=""
prefix=""
started=$SECONDS

step() { printf '\n== [%3ss] %s\n' "$((SECONDS - started))" "$*"; }
fail() {
  printf 'e2e: FAILED: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  local status=$?
  # The Slurm cluster, when the test got that far (its harness stops only what it started).
  if declare -F slurm_stop >/dev/null; then slurm_stop || true; fi
  # The lock test's registry and package index (Tests/e2e/lock.sh), when it got that far.
  if declare -F lock_stop >/dev/null; then lock_stop || true; fi
  # Podman's containers, network and CDI specification (Tests/e2e/podman.sh), when it got that far.
  if declare -F podman_stop >/dev/null; then podman_stop || true; fi
  if ((status != 0)) && [[ -f "$work/dockerd.log" ]]; then
    printf '\n== engine log (last 40 lines)\n' >&2
    tail -n 40 "$work/dockerd.log" >&2 || true
  fi
  if [[ -n "$daemon_pid" ]]; then
    "$docker_bin" ps -aq 2>/dev/null | xargs -r "$docker_bin" rm -f >/dev/null 2>&1 || true
    kill "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$daemon_pid" 2>/dev/null || true
  fi
  if [[ -n "$bridge_made" ]]; then
    # The rules dockerd added for the bridge and its subnet; those of other daemons stay.
    for table in nat filter; do
      iptables -t "$table" -S 2>/dev/null | grep -F -e " $bridge " -e " $prefix." | sed 's/^-A /-D /' \
        | while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done
    done
    ip link delete "$bridge" 2>/dev/null || true
  fi
  # vfs layers can hold mounts; unmount anything left below the work folder before removing it.
  grep -o " ${work}[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  printf '\nend-to-end test took %ss\n' "$((SECONDS - started))"
  if ((status == 0)); then
    echo "e2e: 1 passed, 0 failed"
  else
    echo "e2e: 0 passed, 1 failed"
  fi
}
trap cleanup EXIT
trap 'printf "e2e: FAILED at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

[[ $EUID -eq 0 ]] || fail "run as root: the test starts its own Docker daemon"

step "tools"
missing=()
for tool in dockerd:docker.io debootstrap:debootstrap curl:curl slurmctld:slurm-wlm munged:munge docker-registry:docker-registry \
  podman:podman runc:runc newuidmap:uidmap slirp4netns:slirp4netns catatonit:catatonit jq:jq; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ -x "$docker_bin" ]] || fail "$docker_bin missing (Debian's docker.io client)"
getent group docker >/dev/null || groupadd --system docker
id "$user" >/dev/null 2>&1 || useradd --create-home --groups docker "$user"

# Prints the first three numbers of a /24 in $1.0.0/16 that no route on this machine covers or
# falls into, starting from one derived from the run, so that two runs at once pick different ones.
free_subnet() {
  local start candidate offset
  start=$((0x$(printf '%s' "$run_id" | md5sum | cut -c1-2)))
  for offset in $(seq 0 255); do
    candidate="$1.$(((start + offset) % 256))"
    if ! ip -4 route show match "$candidate.0/24" | grep -qv '^default' \
      && [[ -z "$(ip -4 route show root "$candidate.0/24")" ]] && ! ip -4 -o addr | grep -qF " $candidate."; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  fail "no free /24 in $1.0.0/16 for the test's bridge"
}

step "start a private Docker daemon on its own bridge and subnet"
prefix="$(free_subnet 10.197)"
! ip link show "$bridge" >/dev/null 2>&1 || fail "an interface named $bridge exists already"
ip link add name "$bridge" type bridge
bridge_made=1
ip addr add "$prefix.1/25" dev "$bridge"
ip link set "$bridge" up
# Containers get $prefix.0/25 on the bridge; networks the daemon creates (Compose's) come from
# the other half.
dockerd --host "$DOCKER_HOST" --group docker --data-root "$work/data" --exec-root "$work/exec" \
  --pidfile "$work/dockerd.pid" --storage-driver vfs \
  --bridge "$bridge" --default-address-pool "base=$prefix.128/25,size=28" \
  --default-ulimit nofile=1024:1024 --default-ulimit nproc=1024:1024 >"$work/dockerd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 60); do
  "$docker_bin" info >/dev/null 2>&1 && break
  kill -0 "$daemon_pid" 2>/dev/null || fail "dockerd exited"
  sleep 1
done
"$docker_bin" info >/dev/null 2>&1 || fail "dockerd did not answer within 60 s"

step "a Debian base image with Python (debootstrap)"
base="localhost/mlenv-e2e-base:bookworm-$run_id"
debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates \
  bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
# Podman imports the same root file system later (Tests/e2e/podman.sh).
tar -C "$work/rootfs" -c -f "$work/rootfs.tar" .
"$docker_bin" import "$work/rootfs.tar" "$base" >/dev/null
rm -rf "$work/rootfs"

step "generate"
project="$work/project"
mkdir -p "$project/specs/data" "$project/specs/certs"
chown "$user" "$project/specs/data"
# Downloads inside builds pass through a TLS-inspecting proxy here; its CA is in the host's bundle,
# exactly what build.ca_bundle is for.
cp /etc/ssl/certs/ca-certificates.crt "$project/specs/certs/host-ca.pem"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3_version=3.11   # Debian 12's python3; checked inside the container below
mlenv="$repo/.build/debug/mlenv"
[[ -x "$mlenv" ]] || (cd "$repo" && swift build >/dev/null)
# The base is declared to mlenv by mlenv itself: `catalog probe` asks the engine and the image.
"$mlenv" catalog probe "$base" --engine "$docker_bin" -o "$project/catalog.yaml" 2>"$work/probe.log" \
  || { cat "$work/probe.log" >&2; fail "mlenv catalog probe"; }
grep -q "python: \"$python3_version\"" "$project/catalog.yaml" || { cat "$project/catalog.yaml" >&2; fail "probe: python $python3_version"; }
if ! grep -q 'framework: none' "$project/catalog.yaml" || ! grep -q 'jupyter: false' "$project/catalog.yaml"; then
  cat "$project/catalog.yaml" >&2
  fail "probe: no framework, no Jupyter"
fi
write_spec() {
  cat >"$project/specs/e2e.yaml" <<EOF
mlenv: 1
name: e2e-$run_id
description: mlenv end-to-end test
base: $base
python: "$python3_version"
cuda: none
packages:
  pip: ["$1", "packaging==24.0"]
  apt: ["jq"]
  requirements: [reqs/locked.txt, reqs/extra.txt]
gpus: none
jupyter: {port: $port}
volumes: ["./data:/workspace/data"]
project: ..
files: ["../assets:/opt/e2e/assets"]
env: {MLENV_E2E: "it's \$\$HOME \"quoted\"", PATH: "/opt/e2e/bin:\${PATH}"}
setup: ["python3 -c 'import six, packaging' && echo \"setup-ran \$MLENV_BUILD_ONLY\" > /opt/mlenv-setup-ran"]
build: {ca_bundle: certs/host-ca.pem, env: {MLENV_BUILD_ONLY: "for the build"}}
installer: ${2:-pip}
EOF
}
# The project's own requirements files: a hash-pinned one that includes another (pip's
# hash-checking mode, in a run of its own), and a plain one installed with packages.pip.
mkdir -p "$project/specs/reqs"
cat >"$project/specs/reqs/locked.txt" <<'REQS'
# hash-pinned, as pip-compile --generate-hashes writes it
-r common.txt
idna==3.6 \
    --hash=sha256:c05567e9c24a6b9faaa835c4821bad0590fbb9d5779e7caa6e1cc4978e7eb24f
REQS
echo 'attrs==23.2.0 --hash=sha256:99b87a485a5820b23b879f04c2305b44b951b502fd64be915879d77a7e8fc6f1' \
  >"$project/specs/reqs/common.txt"
printf -- '--prefer-binary\ntomli==2.0.1  # a plain requirement\n' >"$project/specs/reqs/extra.txt"
# The repository is itself a Python project (project: ..): a console script with a dependency,
# built from the repository's folder, and an asset folder copied in with files:.
mkdir -p "$project/src/e2eapp" "$project/assets"
cat >"$project/pyproject.toml" <<'TOML'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "e2eapp"
version = "1.0"
requires-python = ">=3.9"
dependencies = ["colorama==0.4.6"]  # a dependency of the project, installed before its code

[project.scripts]
e2e-hello = "e2eapp:main"

[tool.setuptools.packages.find]
where = ["src"]
TOML
write_app() {
  cat >"$project/src/e2eapp/__init__.py" <<PY
import sys
import colorama


def main():
    print("$1 from e2eapp, colorama " + colorama.__version__)
    sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
PY
}
write_app "hello"
echo "an asset" >"$project/assets/greeting.txt"
write_spec "six==1.16.0"
"$mlenv" generate --catalog "$project/catalog.yaml" "$project/specs/e2e.yaml" -o "$project/out" >/dev/null
chmod -R a+rX "$project"
script="$project/out/run.sh"
grep -qxF 'specs/data' "$project/out/Dockerfile.dockerignore" || fail "the mounted data folder is not kept out of the build"
as_user() { runuser -u "$user" -- env DOCKER_HOST="$DOCKER_HOST" MLENV_ENGINE="$docker_bin" "$@"; }

step "run.sh build"
build_started=$SECONDS
as_user "$script" build --progress=plain >"$work/build1.log" 2>&1 || { tail -n 40 "$work/build1.log" >&2; fail "first build"; }
pip_build_seconds=$((SECONDS - build_started))

step "run.sh up (MLENV_GPUS=none) and wait for Jupyter"
token="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
as_user env MLENV_GPUS=none JUPYTER_TOKEN="$token" "$script" up >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "up"; }
container_ip="$("$docker_bin" inspect --format '{{.NetworkSettings.IPAddress}}' "mlenv-e2e-$run_id")"
[[ "$container_ip" == "$prefix".* ]] || fail "the container is at '$container_ip', not on the test's bridge ($prefix.0/25)"
status=""
for _ in $(seq 1 90); do
  status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status?token=$token" || true)"
  [[ "$status" == 200 ]] && break
  sleep 1
done
[[ "$status" == 200 ]] || { "$docker_bin" logs "mlenv-e2e-$run_id" >&2 || true; fail "Jupyter did not answer 200 on 127.0.0.1:$port (last: $status)"; }
without="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status")"
[[ "$without" == 403 ]] || fail "without the token Jupyter answered $without, not 403"
url_output="$(as_user "$script" url)"
url="${url_output%%$'\n'*}"
[[ "$url_output" == *"ssh -N -L $port:127.0.0.1:$port $user@"* ]] || fail "run.sh url printed no ssh line: $url_output"
[[ "$url" == "http://127.0.0.1:$port/lab?token=$token" ]] || fail "run.sh url printed '$url'"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" == 200 ]] || fail "the URL from run.sh url does not open"
image_metadata="$("$docker_bin" image inspect "mlenv/e2e-$run_id:latest")$("$docker_bin" history --no-trunc "mlenv/e2e-$run_id:latest")"
[[ "$image_metadata" != *"$token"* ]] || fail "the Jupyter token is in the image"

step "inside the container"
container="mlenv-e2e-$run_id"
in_container() { "$docker_bin" exec "$container" "$@"; }
[[ "$(in_container python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" == "$python3_version" ]] || fail "Python version"
in_container python3 -c 'import six, packaging, jupyterlab' || fail "pip packages do not import"
in_container python3 -c 'import idna, attrs, tomli' || fail "the requirements files' packages do not import"
grep -q -- '--require-hashes -r /tmp/mlenv/requirements-files/locked.txt' "$work/build1.log" \
  || fail "the hash-pinned file was not installed in hash-checking mode"
[[ "$(in_container printenv MLENV_E2E)" == "it's \$HOME \"quoted\"" ]] || fail "env value: $(in_container printenv MLENV_E2E)"
# `${PATH}` extends the image's own PATH; it is not written literally.
container_path="$(in_container printenv PATH)"
[[ "$container_path" == /opt/e2e/bin:* && ":$container_path:" == *:/usr/bin:* ]] || fail "env PATH: $container_path"
[[ "$(in_container cat /opt/mlenv-setup-ran)" == "setup-ran for the build" ]] || fail "setup step did not run with build.env"
! in_container printenv MLENV_BUILD_ONLY >/dev/null || fail "build.env leaked into the image's environment"
in_container jq --version >/dev/null || fail "apt package jq missing"
# project: the console script is on PATH and its dependency imports; files: the asset is there.
[[ "$(in_container e2e-hello)" == "hello from e2eapp, colorama 0.4.6" ]] || fail "the project's console script: $(in_container e2e-hello 2>&1)"
# run.sh run prints the console script's output and passes its exit status through.
hello_status=0
hello_output="$(as_user "$script" run e2e-hello 3)" || hello_status=$?
((hello_status == 3)) || fail "run.sh run e2e-hello 3: the exit status is $hello_status, not 3"
[[ "$hello_output" == "hello from e2eapp, colorama 0.4.6" ]] || fail "run.sh run e2e-hello printed '$hello_output'"
[[ "$(in_container cat /opt/e2e/assets/greeting.txt)" == "an asset" ]] || fail "files: the asset folder was not copied"
! in_container test -e /opt/project/out/run.sh || fail "the output folder's run.sh is in the image (Dockerfile.dockerignore)"
in_container sh -c 'echo written > /workspace/data/from-container.txt'
owner="$(stat -c %U "$project/specs/data/from-container.txt")"
[[ "$owner" == "$user" ]] || fail "a file written to the volume belongs to $owner, not $user"
label="$("$docker_bin" image inspect "mlenv/e2e-$run_id:latest" --format '{{index .Config.Labels "io.mlenv.spec.sha256"}}')"
[[ "$label" =~ ^[0-9a-f]{64}$ ]] || fail "image label io.mlenv.spec.sha256 missing ($label)"

step "a package installed at run time, as the invoking user"
# The container runs as $user (not root): pip falls back to the user site in /home/mlenv/.local,
# which the image made writable for any user id, and a later command in the container imports it.
in_container python3 -m pip install --no-cache-dir --progress-bar off iniconfig==2.0.0 >"$work/pip-runtime.log" 2>&1 \
  || { cat "$work/pip-runtime.log" >&2; fail "pip install at run time as $user"; }
[[ "$(in_container id -u)" == "$(id -u "$user")" ]] || fail "the container does not run as $user"
in_container python3 -c 'import iniconfig, site; assert iniconfig.__file__.startswith(site.getusersitepackages()), iniconfig.__file__' \
  || fail "the package installed at run time does not import from the user site"

step "run.sh run: a command's output and exit status, in a fresh container"
# One container (each costs a copy of the image on vfs): it prints hi and exits 3 only if it runs
# as the user, with up's volume and env, and without the package installed in up's container.
run_status=0
run_output="$(as_user "$script" run python3 -c 'import importlib.util, os, sys; print("hi"); sys.exit(3 if os.getuid() == int(sys.argv[1]) and os.access("/workspace/data", os.W_OK) and os.environ.get("MLENV_E2E") and importlib.util.find_spec("iniconfig") is None else 4)' "$(id -u "$user")" 2>"$work/run1.err")" || run_status=$?
[[ "$run_status" != 4 ]] || fail "run.sh run: not as $user, without up's volume or env, or not a fresh container"
[[ "$run_status" == 3 ]] || { cat "$work/run1.err" >&2; fail "run.sh run passed exit status $run_status, not 3"; }
[[ "$run_output" == hi ]] || fail "run.sh run printed '$run_output', not 'hi'"

step "rebuild with nothing changed: every step cached"
as_user "$script" build --progress=plain >"$work/build2.log" 2>&1 || fail "second build"
# Every RUN and COPY step of the build must report CACHED.
uncached="$(awk '/^#[0-9]+ \[[^]]*\] (RUN|COPY) / { step[$1] = $0 } /^#[0-9]+ CACHED$/ { delete step[$1] }
                 END { for (id in step) print step[id] }' "$work/build2.log")"
steps="$(grep -cE '^#[0-9]+ \[[^]]*\] (RUN|COPY) ' "$work/build2.log" || true)"
((steps >= 5)) || { cat "$work/build2.log" >&2; fail "the second build's log lists only $steps steps"; }
[[ -z "$uncached" ]] || fail "steps rebuilt although nothing changed: $uncached"

step "change one pip package: the apt layer stays cached"
write_spec "six==1.17.0"
"$mlenv" generate --catalog "$project/catalog.yaml" "$project/specs/e2e.yaml" -o "$project/out" >/dev/null
chmod -R a+rX "$project"
as_user "$script" build --progress=plain >"$work/build3.log" 2>&1 || { tail -n 30 "$work/build3.log" >&2; fail "third build"; }
apt_step="$(grep -m1 -E '^#[0-9]+ \[[^]]*\] RUN apt-get update' "$work/build3.log" || true)"
apt_step="${apt_step%% *}"
[[ -n "$apt_step" ]] || { cat "$work/build3.log" >&2; fail "no apt step in the third build's log"; }
grep -qE "^$apt_step CACHED" "$work/build3.log" || { grep -E "^$apt_step " "$work/build3.log" >&2; fail "the apt layer was rebuilt after a pip change"; }
grep -qE 'six==1.17.0|six-1.17.0' "$work/build3.log" || fail "the pip layer did not install the changed package"
hashed_step="$(grep -m1 -E '^#[0-9]+ \[[^]]*\] RUN .*--require-hashes' "$work/build3.log" || true)"
hashed_step="${hashed_step%% *}"
if [[ -z "$hashed_step" ]] || ! grep -qE "^$hashed_step CACHED" "$work/build3.log"; then
  grep -E '^#[0-9]+ (\[|CACHED)' "$work/build3.log" >&2
  fail "the hash-pinned requirements were reinstalled after a packages.pip change"
fi

step "edit the project's code: only the project's layer rebuilds"
write_app "edited"
chmod -R a+rX "$project"
as_user "$script" build --progress=plain >"$work/build4.log" 2>&1 || { tail -n 30 "$work/build4.log" >&2; fail "fourth build"; }
deps_step="$(grep -m1 -E '^#[0-9]+ \[[^]]*\] RUN .*project-requirements.txt' "$work/build4.log" || true)"
deps_step="${deps_step%% *}"
if [[ -z "$deps_step" ]] || ! grep -qE "^$deps_step CACHED" "$work/build4.log"; then
  tail -n 40 "$work/build4.log" >&2
  fail "the project's dependencies were reinstalled after a code edit"
fi
code_step="$(grep -m1 -E '^#[0-9]+ \[[^]]*\] COPY \. /opt/project' "$work/build4.log" || true)"
code_step="${code_step%% *}"
if [[ -z "$code_step" ]] || grep -qE "^$code_step CACHED" "$work/build4.log"; then
  fail "the project's code was not copied again after an edit"
fi
[[ "$(as_user "$script" run e2e-hello)" == "edited from e2eapp, colorama 0.4.6" ]] \
  || fail "the rebuilt image does not run the edited code"

step "installer: uv builds the same spec"
# The same spec with uv installing the packages, built without the engine's cache so that its
# time compares with the first (pip) build, which started from an empty engine.
write_spec "six==1.17.0" uv
"$mlenv" generate --catalog "$project/catalog.yaml" "$project/specs/e2e.yaml" -o "$project/out-uv" >/dev/null
chmod -R a+rX "$project"
build_started=$SECONDS
as_user "$project/out-uv/run.sh" build --no-cache --progress=plain --tag "mlenv/e2e-uv-$run_id:latest" >"$work/build-uv.log" 2>&1 \
  || { tail -n 40 "$work/build-uv.log" >&2; fail "the uv build"; }
uv_build_seconds=$((SECONDS - build_started))
grep -qE 'uv pip install --system --break-system-packages .*-r /tmp/mlenv/project-requirements.txt' "$work/build-uv.log" \
  || fail "the uv build did not install with uv"
"$docker_bin" run --rm "mlenv/e2e-uv-$run_id:latest" python3 -c 'import six, packaging, idna, attrs, tomli, jupyterlab' \
  || fail "the uv build's packages do not import"
[[ "$("$docker_bin" run --rm "mlenv/e2e-uv-$run_id:latest" e2e-hello)" == "edited from e2eapp, colorama 0.4.6" ]] \
  || fail "the uv build's console script"
echo "build times from an empty cache: pip ${pip_build_seconds}s, uv ${uv_build_seconds}s"

step "run.sh down leaves no container"
as_user "$script" down >/dev/null
[[ -z "$("$docker_bin" ps -aq --filter "name=$container")" ]] || fail "a container is left after down"

step "run.sh run: Ctrl-C stops the container"
# SIGINT to the whole process group, as a terminal's Ctrl-C sends it; the engine's client passes
# it to the container's init, which passes it to the command.
setsid runuser -u "$user" -- env DOCKER_HOST="$DOCKER_HOST" MLENV_ENGINE="$docker_bin" "$script" run sleep 300 \
  >"$work/run-interrupted.log" 2>&1 &
runner=$!
running=""
# Creating a container copies the image on vfs: allow for a loaded machine.
for _ in $(seq 1 120); do
  running="$("$docker_bin" ps -q --filter "ancestor=mlenv/e2e-$run_id:latest")"
  [[ -n "$running" ]] && break
  kill -0 "$runner" 2>/dev/null || { cat "$work/run-interrupted.log" >&2; fail "run.sh run sleep 300 ended by itself"; }
  sleep 1
done
[[ -n "$running" ]] || { cat "$work/run-interrupted.log" >&2; fail "run.sh run sleep 300 started no container in 120 s"; }
kill -INT -- "-$runner"
interrupted=0
for _ in $(seq 1 20); do kill -0 "$runner" 2>/dev/null || { interrupted=1; break; }; sleep 1; done
((interrupted)) || { kill -KILL -- "-$runner" 2>/dev/null || true; fail "run.sh run did not stop on SIGINT within 20 s"; }
interrupted_status=0
wait "$runner" || interrupted_status=$?
((interrupted_status != 0)) || fail "run.sh run exited 0 after SIGINT"
sleep 1
[[ -z "$("$docker_bin" ps -aq --filter "ancestor=mlenv/e2e-$run_id:latest")" ]] || fail "a container is left after Ctrl-C"

step "Slurm: the generated job.sbatch on a real one-node cluster (docker runtime)"
# The same environment as a batch job: two of the test cluster's GPUs (declared in its
# gres.conf, no hardware behind them), one CPU, 512 MiB, a command instead of Jupyter.
# The Slurm jobs' spec (Tests/e2e/podman.sh writes one too): $1 slurm.runtime, $2 the command, a
# YAML flow sequence.
write_slurm_spec() {
  cat >"$project/specs/e2e-slurm.yaml" <<EOF
mlenv: 1
name: e2e-$run_id
base: $base
python: "$python3_version"
cuda: none
gpus: 2
volumes: ["./data:/workspace/data"]
command: $2
resources: {cpus: 1, memory: 512m}
slurm: {runtime: $1}
EOF
}
write_slurm_spec docker "[\"python3\", \"-c\", \"import os; open('/workspace/data/from-slurm.txt', 'w').write('slurm'); print('job ran in', os.getcwd(), 'as', os.getuid())\"]"
"$mlenv" generate --catalog "$project/catalog.yaml" "$project/specs/e2e-slurm.yaml" -o "$project/out-slurm" --target slurm >/dev/null
chmod -R a+rX "$project"
chmod a+w "$project/out-slurm"
# The engine has no NVIDIA runtime, and this machine lacks CAP_SYS_RESOURCE, so runc cannot
# raise RLIMIT_MEMLOCK: a wrapper records the arguments job.sbatch gives the engine and passes
# them on without --gpus and the memlock ulimit, so that the flags from Slurm's allocation can
# be checked and the container still runs.
cat >"$work/docker-no-gpu" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@" >"${MLENV_E2E_ENGINE_LOG:?}"
args=()
while (($#)); do
  if [[ "$1" == --gpus ]]; then shift 2; continue; fi
  if [[ "$1" == --ulimit && "${2:-}" == memlock=* ]]; then shift 2; continue; fi
  args+=("$1")
  shift
done
exec /usr/bin/docker "${args[@]}"
EOF
chmod 755 "$work/docker-no-gpu"
engine_log="$work/engine-args.txt"
touch "$engine_log"
chown "$user" "$engine_log"
# shellcheck source=Tests/slurm/cluster.sh
source "$repo/Tests/slurm/cluster.sh"
trap 'exit 130' INT
trap 'exit 143' TERM
slurm_start "$work/slurm"
job_output="$(cd "$project/out-slurm" && DOCKER_HOST="$DOCKER_HOST" MLENV_ENGINE="$work/docker-no-gpu" \
  MLENV_E2E_ENGINE_LOG="$engine_log" slurm_run_job job.sbatch --uid="$user" --gid="$(id -g "$user")")" || fail "the Slurm job failed"
grep -q "job ran in /workspace as $(id -u "$user")" "$job_output" || { cat "$job_output" >&2; fail "the job's output lacks the command's line"; }
[[ "$(stat -c %U "$project/specs/data/from-slurm.txt")" == "$user" ]] || fail "the job's file does not belong to $user"
engine_args="$(tr '\n' ' ' <"$engine_log")"
[[ "$engine_args" == *'--gpus "device=0,1"'* ]] || fail "the job did not pass Slurm's two GPUs to the engine: $engine_args"
[[ "$engine_args" == *"--cpus 1 "* && "$engine_args" == *"--memory 512m "* ]] || fail "the job did not pass its resources: $engine_args"
[[ "$engine_args" == *"--ulimit memlock=-1"* ]] || fail "no memlock ulimit with GPUs: $engine_args"
[[ -z "$("$docker_bin" ps -aq --filter "name=mlenv-e2e-$run_id-")" ]] || fail "the job left a container"
slurm_stop

# Exact reproduction from a lock: a registry and a package index on loopback (issue 17).
# shellcheck source=Tests/e2e/lock.sh
source "$repo/Tests/e2e/lock.sh"

# The same spec with Podman, rootful and rootless (issue 18).
# shellcheck source=Tests/e2e/podman.sh
source "$repo/Tests/e2e/podman.sh"
