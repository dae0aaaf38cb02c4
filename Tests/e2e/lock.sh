# shellcheck shell=bash disable=SC2154  # sourced: run.sh sets docker_bin, work, base, mlenv, run_id
# End-to-end: exact reproduction from a lock (issue 17). Sourced by Tests/e2e/run.sh at its end,
# with its private engine ($docker_bin, DOCKER_HOST), its work folder ($work), its Debian base
# image ($base), mlenv ($mlenv) and its step/fail helpers.
#
# A registry on loopback (Debian's docker-registry) holds the base, so its digest is real; a
# package index on loopback (a PEP 503 folder served by python3 -m http.server) holds tiny-dep
# 1.0, a wheel built here. The team builds and locks; then tiny-dep 1.1 is published and the
# engine's images and build cache are removed, and:
# - an unlocked rebuild gets 1.1, and run.sh verify fails naming tiny-dep;
# - generate --locked and a build on the clean engine get 1.0 and the same base digest,
#   run.sh verify passes, and pip freeze is the same as in the team's image;
# - a lock whose hash was edited fails the build at pip's hash check.
# Builds use the host's network (run.sh build passes --network host to the engine), so that
# 127.0.0.1 inside the build is this machine's loopback.

lock_pids=()
lock_stop() {
  local pid
  for pid in "${lock_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  lock_pids=()
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until `curl URL` answers.
wait_for() {
  for _ in $(seq 1 30); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  fail "nothing answered at $1"
}

# Removes every image and the build cache from the private engine: the next build starts clean.
clean_engine() {
  "$docker_bin" ps -aq | xargs -r "$docker_bin" rm -f >/dev/null
  "$docker_bin" image ls -q | sort -u | xargs -r "$docker_bin" image rm -f >/dev/null
  "$docker_bin" builder prune -af >/dev/null
  [[ -z "$("$docker_bin" image ls -q)" ]] || fail "images left on the engine"
}

# tiny-dep VERSION as a wheel in the index (PEP 503: /simple/tiny-dep/ links each file with
# its sha256), built by hand: a wheel is a zip with its METADATA, WHEEL and RECORD.
publish() {
  python3 - "$lock_index" "$1" <<'PY'
import base64, hashlib, os, sys, zipfile
index, version = sys.argv[1], sys.argv[2]
files = os.path.join(index, "files")
os.makedirs(files, exist_ok=True)
name = f"tiny_dep-{version}-py3-none-any.whl"
info = f"tiny_dep-{version}.dist-info"
members = {
    "tiny_dep/__init__.py": f'VERSION = "{version}"\n',
    f"{info}/METADATA": f"Metadata-Version: 2.1\nName: tiny-dep\nVersion: {version}\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: mlenv-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
def record(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data.encode()).digest()).rstrip(b"=").decode()
    return f"sha256={digest},{len(data.encode())}"
members[f"{info}/RECORD"] = "".join(f"{path},{record(data)}\n" for path, data in members.items()) + f"{info}/RECORD,,\n"
with zipfile.ZipFile(os.path.join(files, name), "w") as wheel:
    for path, data in members.items():
        wheel.writestr(zipfile.ZipInfo(path, (2024, 1, 1, 0, 0, 0)), data)
links = []
for wheel in sorted(os.listdir(files)):
    digest = hashlib.sha256(open(os.path.join(files, wheel), "rb").read()).hexdigest()
    links.append(f'<a href="../../files/{wheel}#sha256={digest}">{wheel}</a><br>')
project = os.path.join(index, "simple", "tiny-dep")
os.makedirs(project, exist_ok=True)
with open(os.path.join(project, "index.html"), "w") as page:
    page.write("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")
with open(os.path.join(index, "simple", "index.html"), "w") as page:
    page.write('<!DOCTYPE html><html><body><a href="tiny-dep/">tiny-dep</a></body></html>\n')
print(hashlib.sha256(open(os.path.join(files, name), "rb").read()).hexdigest())
PY
}

# tiny-dep's version in an image.
tiny_version() {
  "$docker_bin" run --rm --network none --entrypoint python3 "$1" -c 'import tiny_dep; print(tiny_dep.VERSION)'
}

lock_started=$SECONDS

step "lock: a registry on loopback holds the base; a package index on loopback holds tiny-dep 1.0"
command -v docker-registry >/dev/null || fail "docker-registry missing (Debian's docker-registry package; .ci/run installs it)"
registry_port="$(free_port)"
cat >"$work/registry.yml" <<EOF
version: 0.1
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: "127.0.0.1:$registry_port"}
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
lock_pids+=($!)
wait_for "http://127.0.0.1:$registry_port/v2/"
registry_base="127.0.0.1:$registry_port/mlenv-e2e-base:bookworm"
"$docker_bin" tag "$base" "$registry_base"
"$docker_bin" push "$registry_base" >"$work/push.log" 2>&1 || { cat "$work/push.log" >&2; fail "push the base"; }
base_digest="$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' "$work/push.log" | tail -n 1)"
[[ -n "$base_digest" ]] || { cat "$work/push.log" >&2; fail "the push named no digest"; }

lock_index="$work/index"
hash_v1="$(publish 1.0)"
index_port="$(free_port)"
(cd "$lock_index" && exec python3 -m http.server --bind 127.0.0.1 "$index_port") >"$work/index.log" 2>&1 &
lock_pids+=($!)
wait_for "http://127.0.0.1:$index_port/simple/tiny-dep/"

lock_project="$work/lock-project"
mkdir -p "$lock_project/specs"
"$mlenv" catalog probe "$registry_base" --engine "$docker_bin" -o "$lock_project/catalog.yaml" 2>"$work/lock-probe.log" \
  || { cat "$work/lock-probe.log" >&2; fail "mlenv catalog probe of the registry's base"; }
lock_spec="$lock_project/specs/team.yaml"
cat >"$lock_spec" <<EOF
mlenv: 1
name: team-$run_id
base: $registry_base
python: "$python3_version"
cuda: none
packages:
  pip: ["tiny-dep>=1.0"]
  apt: ["jq"]
gpus: none
command: ["python3", "-c", "import tiny_dep; print(tiny_dep.VERSION)"]
build: {pip_index_url: "http://127.0.0.1:$index_port/simple"}
EOF
team_image="mlenv/team-$run_id:latest"
mlenv_for() { env MLENV="$mlenv" MLENV_ENGINE="$docker_bin" "$@"; }
"$mlenv" generate --catalog "$lock_project/catalog.yaml" "$lock_spec" -o "$lock_project/out" >/dev/null
clean_engine

step "lock: the team builds and locks (run.sh build, run.sh lock)"
mlenv_for "$lock_project/out/run.sh" build --network host --progress=plain >"$work/lock-build1.log" 2>&1 \
  || { tail -n 40 "$work/lock-build1.log" >&2; fail "the team's build"; }
[[ "$(tiny_version "$team_image")" == 1.0 ]] || fail "the team's image lacks tiny-dep 1.0"
team_freeze="$("$docker_bin" run --rm --network none --entrypoint python3 "$team_image" -m pip freeze)"
mlenv_for "$lock_project/out/run.sh" lock --catalog "$lock_project/catalog.yaml" >"$work/lock.log" 2>&1 \
  || { cat "$work/lock.log" >&2; fail "run.sh lock"; }
lock_file="$lock_project/specs/team.mlenv.lock"
grep -qxF "base_digest: \"$base_digest\"" "$lock_file" || { cat "$lock_file" >&2; fail "the lock lacks the registry's digest $base_digest"; }
grep -qF "\"tiny-dep==1.0 --hash=sha256:$hash_v1\"" "$lock_file" || { cat "$lock_file" >&2; fail "the lock lacks tiny-dep 1.0 and its sha256"; }
grep -qE '^    - "jq=[^"]+"$' "$lock_file" || { cat "$lock_file" >&2; fail "the lock lacks jq's version"; }
grep -q '^  image_id: "sha256:' "$lock_file" || { cat "$lock_file" >&2; fail "the lock lacks the image ID"; }
if grep -q '^  missing:' "$lock_file"; then cat "$lock_file" >&2; fail "the lock says it is missing something"; fi
"$mlenv" lock --check --catalog "$lock_project/catalog.yaml" "$lock_spec" >"$work/lock-check.log" 2>&1 \
  || { cat "$work/lock-check.log" >&2; fail "lock --check right after locking"; }

step "lock: tiny-dep 1.1 is published; an unlocked rebuild on a clean engine gets it, and verify names it"
publish 1.1 >/dev/null
clean_engine
"$mlenv" generate --catalog "$lock_project/catalog.yaml" "$lock_spec" -o "$lock_project/out" >/dev/null
mlenv_for "$lock_project/out/run.sh" build --network host --progress=plain >"$work/lock-build2.log" 2>&1 \
  || { tail -n 40 "$work/lock-build2.log" >&2; fail "the unlocked rebuild"; }
[[ "$(tiny_version "$team_image")" == 1.1 ]] || fail "the unlocked rebuild did not get tiny-dep 1.1: the drift is not real"
if mlenv_for "$lock_project/out/run.sh" verify --catalog "$lock_project/catalog.yaml" >"$work/verify-drift.log" 2>&1; then
  cat "$work/verify-drift.log" >&2
  fail "run.sh verify passed on an image with tiny-dep 1.1"
fi
grep -qF "python: tiny-dep locked 1.0, the image has 1.1" "$work/verify-drift.log" \
  || { cat "$work/verify-drift.log" >&2; fail "run.sh verify did not name tiny-dep"; }

step "lock: generate --locked and a build on a clean engine reproduce the team's image"
clean_engine
"$mlenv" generate --locked --catalog "$lock_project/catalog.yaml" "$lock_spec" -o "$lock_project/out-locked" >/dev/null
grep -qxF "FROM 127.0.0.1:$registry_port/mlenv-e2e-base@$base_digest" "$lock_project/out-locked/Dockerfile" \
  || fail "the locked Dockerfile does not build FROM the base's digest"
mlenv_for "$lock_project/out-locked/run.sh" build --network host --progress=plain >"$work/lock-build3.log" 2>&1 \
  || { tail -n 40 "$work/lock-build3.log" >&2; fail "the locked build"; }
grep -qF -- "--require-hashes --no-deps -r /tmp/mlenv/requirements.lock.txt" "$work/lock-build3.log" \
  || fail "the locked build did not install in pip's hash-checking mode"
[[ "$(tiny_version "$team_image")" == 1.0 ]] || fail "the locked build did not get tiny-dep 1.0"
built_base="$("$docker_bin" image inspect --format '{{index .RepoDigests 0}}' "127.0.0.1:$registry_port/mlenv-e2e-base@$base_digest")"
[[ "$built_base" == *"@$base_digest" ]] || fail "the locked build's base is $built_base, not $base_digest"
mlenv_for "$lock_project/out-locked/run.sh" verify --catalog "$lock_project/catalog.yaml" >"$work/verify-locked.log" 2>&1 \
  || { cat "$work/verify-locked.log" >&2; fail "run.sh verify of the locked build"; }
locked_freeze="$("$docker_bin" run --rm --network none --entrypoint python3 "$team_image" -m pip freeze)"
[[ "$locked_freeze" == "$team_freeze" ]] \
  || fail "pip freeze differs: team's image: $team_freeze; locked rebuild: $locked_freeze"

step "lock: a lock whose hash was edited fails the build at pip's hash check"
sed -i "s/tiny-dep==1.0 --hash=sha256:$hash_v1/tiny-dep==1.0 --hash=sha256:$(printf '0%.0s' $(seq 64))/" "$lock_file"
grep -q "sha256:0000000000" "$lock_file" || fail "the hash was not edited"
"$mlenv" generate --locked --catalog "$lock_project/catalog.yaml" "$lock_spec" -o "$lock_project/out-edited" >/dev/null
if mlenv_for "$lock_project/out-edited/run.sh" build --network host --progress=plain >"$work/lock-build4.log" 2>&1; then
  fail "a build from a lock with an edited hash succeeded"
fi
grep -q "THESE PACKAGES DO NOT MATCH THE HASHES" "$work/lock-build4.log" \
  || { tail -n 30 "$work/lock-build4.log" >&2; fail "the edited lock's build failed, but not at pip's hash check"; }
lock_stop
printf 'lock: the reproduction test took %ss\n' "$((SECONDS - lock_started))"
