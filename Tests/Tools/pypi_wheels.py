"""Asks pip which final releases of the big ML frameworks have Linux wheels for which CPython, and
writes two dated tables beside this script. Run from anywhere (PyPI must be reachable):

    python3 Tests/Tools/pypi_wheels.py [--output-dir DIR] [--pip-python PYTHON] [--index-url URL]

pypi_wheels.csv, columns package,version,python,arch: one row per final release (no a/b/rc/dev) of
torch, torchvision, torchaudio, tensorflow, jax and jaxlib, CPython minor 3.8 ... 3.15 and Linux
arch (x86_64, aarch64) for which pip finds a wheel that a glibc Linux of that arch could install:
`pip index versions NAME --python-version X.Y --implementation cp --only-binary=:all:` with one
`--platform` for every manylinux tag (manylinux1/2010/2014 and manylinux_2_5 ... manylinux_2_40),
so 6 x 8 x 2 = 96 pip calls. Requires-Python is honoured, the ABI is the default GIL one (cpXY,
abi3, none: no free-threaded cpXYt) and pure-Python wheels (jax) count for every arch.

pypi_companions.csv, columns package,version,requires: what the wheel's metadata (Requires-Dist)
asks of its partner, read by `pip install --dry-run --report` with --no-deps (pip reads only the
metadata: PEP 658 files where the index has them, otherwise HTTP range requests through
--use-feature=fast-deps; no whole wheel is downloaded, and torch/tensorflow wheels are never
touched). torchvision and torchaudio: their `torch` requirement, for the newest patch of each
minor release. jax: its `jaxlib` requirement for every release since 0.4.0 (jax's third number
is its release counter and the jaxlib floor moves within a minor) and for the newest patch of each
older minor; where jax names jaxlib only under an extra, the `minimum-jaxlib` extra (else `cpu`)
is written with its marker. `(none)` means the metadata names no such requirement.

pip runs with no configuration files and no PIP_* variables but the network ones (certificate,
proxy, trusted hosts, timeouts, which are carried over from the current configuration), so a
local --find-links directory or a mirror set in pip.conf cannot leak into the tables; the index is
--index-url (default https://pypi.org/simple). pip older than 25 still downloads whole wheels on
a --dry-run, so then the script makes a throw-away venv with the newest pip, unless --pip-python
names an interpreter whose pip to use. A network error is retried twice; a combination with no
wheel is simply absent. Progress goes to stderr."""
import argparse
import csv
import datetime
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGES = ["torch", "torchvision", "torchaudio", "tensorflow", "jax", "jaxlib"]
PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
ARCHES = ["x86_64", "aarch64"]
# package -> (the partner its metadata pins, the version from which every release is asked; before
# it, or when None, only the newest patch of each minor).
COMPANIONS = {"torchvision": ("torch", None), "torchaudio": ("torch", None), "jax": ("jaxlib", (0, 4, 0))}
JAX_EXTRAS = ["minimum-jaxlib", "cpu"]
GLIBC_MINORS = range(5, 41)  # manylinux_2_5 ... manylinux_2_40
DEFAULT_INDEX = "https://pypi.org/simple"
MIN_PIP = (25, 0)
RETRIES = 2
FINAL = re.compile(r"^\d+(\.\d+)*(\.post\d+)?$")
# pip settings that only say how to reach the network; everything else is dropped.
NETWORK_KEYS = ["cert", "client-cert", "proxy", "trusted-host", "timeout", "default-timeout", "retries"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def version_key(version):
    release, _, post = version.partition(".post")
    return tuple(int(part) for part in release.split(".")), int(post or -1)


def python_key(python):
    return tuple(int(part) for part in python.split("."))


def platforms(arch):
    """Every manylinux tag a glibc Linux of this arch may satisfy (pip expands none of the
    PEP 600 ones by itself, and only manylinux2014 -> 2010 -> 1 of the legacy ones)."""
    legacy = ["manylinux2014"] + (["manylinux2010", "manylinux1"] if arch == "x86_64" else [])
    first = 5 if arch == "x86_64" else 17
    tags = [f"{name}_{arch}" for name in legacy]
    tags += [f"manylinux_2_{minor}_{arch}" for minor in GLIBC_MINORS if minor >= first]
    return tags


def target_args(python, arch):
    args = ["--python-version", python, "--implementation", "cp", "--only-binary=:all:"]
    for tag in platforms(arch):
        args += ["--platform", tag]
    return args


class NetworkError(Exception):
    pass


class Pip:
    def __init__(self, python, index_url, workdir):
        self.python = python
        self.index_url = index_url
        self.workdir = workdir
        self.env = clean_environment(python)
        self.cache = os.path.join(workdir, "cache")
        self.calls = 0
        self.version = self.run_plain(["--version"]).split()[1]
        # fast-deps reads a wheel's metadata through HTTP range requests where the index serves no
        # PEP 658 metadata file; a pip that no longer knows the feature relies on PEP 658 alone.
        probe = subprocess.run([python, "-m", "pip", "install", "--use-feature=fast-deps", "--help"],
                               env=self.env, capture_output=True, text=True)
        self.lazy_wheels = ["--use-feature=fast-deps"] if probe.returncode == 0 else []

    def run_plain(self, args):
        result = subprocess.run([self.python, "-m", "pip", *args], env=self.env, capture_output=True,
                                text=True, check=True)
        return result.stdout

    def base(self, command):
        return [self.python, "-m", "pip", *command, "--disable-pip-version-check", "--no-input",
                "--index-url", self.index_url, "--cache-dir", self.cache]

    def call(self, command, args, what):
        """Runs pip with a debug log; returns (returncode, stdout, stderr, log text). Retries when
        the log shows that pip could not fetch an index page or the call failed another way."""
        for attempt in range(RETRIES + 1):
            log_path = os.path.join(self.workdir, "pip.log")
            if os.path.exists(log_path):
                os.remove(log_path)
            self.calls += 1
            result = subprocess.run([*self.base(command), "--log", log_path, *args], env=self.env,
                                    capture_output=True, text=True)
            with open(log_path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            fetch_failures = re.findall(r"Could not fetch URL .*", text)
            missing = "No matching distribution found" in result.stderr
            if not fetch_failures and (result.returncode == 0 or missing):
                return result.returncode, result.stdout, result.stderr, text
            lines = result.stderr.strip().splitlines()
            reason = fetch_failures[0] if fetch_failures else (lines[-1] if lines else f"exit {result.returncode}")
            if attempt < RETRIES:
                log(f"  {what}: {reason}; retrying ({attempt + 1}/{RETRIES})")
                time.sleep(5 * (attempt + 1))
        raise NetworkError(f"{what}: pip failed {RETRIES + 1} times: {reason}\n{result.stderr}")

    def versions(self, package, python, arch):
        """Final versions with a wheel for (CPython python, Linux arch), per `pip index versions`."""
        code, out, _, _ = self.call(["index", "versions"], [package, *target_args(python, arch)],
                                    f"{package} {python} {arch}")
        if code != 0:
            return []
        match = re.search(r"^Available versions: (.*)$", out, re.M)
        if not match:
            raise RuntimeError(f"unexpected `pip index versions` output for {package}: {out!r}")
        found = [v.strip() for v in match.group(1).split(",") if v.strip()]
        return sorted((v for v in found if FINAL.match(v)), key=version_key)

    def requires_dist(self, package, version, python, arch):
        """The Requires-Dist list of package==version's wheel for (python, arch), without
        downloading the wheel."""
        report = os.path.join(self.workdir, "report.json")
        args = ["--dry-run", "--no-deps", "--ignore-installed", "--quiet", "--report", report,
                "--target", os.path.join(self.workdir, "target"), *self.lazy_wheels,
                *target_args(python, arch), f"{package}=={version}"]
        code, _, err, text = self.call(["install"], args, f"{package}=={version}")
        if code != 0:
            raise RuntimeError(f"{package}=={version} has no wheel for {python} {arch}: {err}")
        whole = [line for line in re.findall(r"Downloading (\S+\.whl) \(", text)]
        if whole:
            log(f"  warning: pip downloaded whole wheels for {package}=={version}: {whole}")
        with open(report, encoding="utf-8") as handle:
            installs = json.load(handle)["install"]
        return installs[0]["metadata"].get("requires_dist") or []


def clean_environment(python):
    """The environment pip runs in: no configuration files, no PIP_* but network settings, and
    the network settings of the current configuration carried over."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    carried = {}
    try:
        listing = subprocess.run([python, "-m", "pip", "config", "list"], capture_output=True,
                                 text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listing = ""
    for line in listing.splitlines():
        match = re.match(r"^[^=]*\.([a-z-]+)='(.*)'$", line)
        if match and match.group(1) in NETWORK_KEYS:
            carried[match.group(1)] = match.group(2)
    for key in NETWORK_KEYS:
        name = "PIP_" + key.upper().replace("-", "_")
        if name in os.environ:
            carried[key] = os.environ[name]
    for key, value in carried.items():
        env["PIP_" + key.upper().replace("-", "_")] = value.replace("\n", " ")
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def pip_version_of(python):
    try:
        out = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return tuple(int(p) for p in re.findall(r"\d+", out.split()[1])[:2])


def choose_pip_python(requested, index_url, workdir):
    if requested:
        return requested
    version = pip_version_of(sys.executable)
    if version and version >= MIN_PIP:
        return sys.executable
    log(f"pip {version} is older than {'.'.join(map(str, MIN_PIP))}: making a venv with a newer pip")
    venv = os.path.join(workdir, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = os.path.join(venv, "bin", "python")
    for attempt in range(RETRIES + 1):
        result = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                 "--index-url", index_url, "--upgrade", f"pip>={MIN_PIP[0]}"],
                                env=clean_environment(sys.executable), capture_output=True, text=True)
        if result.returncode == 0:
            return python
        log(f"  upgrading pip failed: {result.stderr.strip()[-300:]}")
        time.sleep(5 * (attempt + 1))
    raise NetworkError("could not install a newer pip")


def minor(version):
    return version_key(version)[0][:2]


def companion_versions(package, versions):
    """The releases of package whose metadata to read: the newest patch of each minor, and every
    release from COMPANIONS' start version on."""
    _, every_from = COMPANIONS[package]
    chosen = {}
    for version in versions:
        if every_from is not None and version_key(version)[0] >= every_from:
            chosen[version] = version
        else:
            key = minor(version)
            if key not in chosen or version_key(version) > version_key(chosen[key]):
                chosen[key] = version
    return sorted(chosen.values(), key=version_key)


def normalized_requirement(text):
    """'torch (==2.2.0)' -> 'torch==2.2.0'; "jaxlib ==0.4.14 ; extra == 'cpu'" ->
    'jaxlib==0.4.14; extra == "cpu"'."""
    requirement, _, marker = text.partition(";")
    requirement = re.sub(r"[\s()]", "", requirement)
    marker = re.sub(r"\s+", " ", marker.strip()).replace("'", '"')
    return f"{requirement}; {marker}" if marker else requirement


def requirement_name(text):
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def pick_requirement(package, requires):
    partner = COMPANIONS[package][0]
    named = [r for r in requires if requirement_name(r) == partner]
    plain = [r for r in named if ";" not in r]
    if plain:
        return "; ".join(normalized_requirement(r) for r in plain)
    for extra in JAX_EXTRAS if package == "jax" else []:
        for r in named:
            if re.search(r"extra\s*==\s*['\"]" + re.escape(extra) + r"['\"]", r):
                return normalized_requirement(r)
    if named:
        return normalized_requirement(named[0])
    return "(none)"


def write_table(path, header, columns, rows):
    buffer = io.StringIO()
    for line in header:
        buffer.write(f"# {line}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)
    return len(buffer.getvalue().encode())


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", default=str(here), help="where to write the CSVs (default: beside this script)")
    parser.add_argument("--pip-python", help="interpreter whose pip to use (default: this one, or a venv with a newer pip)")
    parser.add_argument("--index-url", default=DEFAULT_INDEX, help=f"package index (default {DEFAULT_INDEX})")
    options = parser.parse_args()
    output = Path(options.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    today = datetime.date.today().isoformat()
    try:
        repo_root = here.parent.parent
        script = Path(__file__).resolve().relative_to(repo_root)
    except ValueError:
        script = Path(__file__)
    command = shlex.join(["python3", str(script), *sys.argv[1:]])

    with tempfile.TemporaryDirectory(prefix="pypi_wheels.") as workdir:
        pip = Pip(choose_pip_python(options.pip_python, options.index_url, workdir), options.index_url, workdir)
        pip_version = ".".join(pip.version.split(".")[:2])
        log(f"pip {pip.version} ({pip.python}), index {options.index_url}")

        wheels = {}  # (package, version) -> {(python, arch)}
        total = len(PACKAGES) * len(PYTHONS) * len(ARCHES)
        done = 0
        for package in PACKAGES:
            for python in PYTHONS:
                for arch in ARCHES:
                    done += 1
                    found = pip.versions(package, python, arch)
                    for version in found:
                        wheels.setdefault((package, version), set()).add((python, arch))
                    span = f" ({found[0]} ... {found[-1]})" if found else ""
                    log(f"[{done}/{total}] {package} CPython {python} {arch}: {len(found)} releases{span}")

        companions = []
        for package in COMPANIONS:
            versions = sorted({v for (p, v) in wheels if p == package}, key=version_key)
            chosen = companion_versions(package, versions)
            for index, version in enumerate(chosen, 1):
                combos = wheels[(package, version)]
                arch = "x86_64" if any(a == "x86_64" for _, a in combos) else "aarch64"
                python = max((py for py, a in combos if a == arch), key=python_key)
                requirement = pick_requirement(package, pip.requires_dist(package, version, python, arch))
                companions.append((package, version, requirement))
                log(f"[{package} {index}/{len(chosen)}] {version} (CPython {python} {arch}): {requirement}")

    rows = sorted(((p, v, py, a) for (p, v), combos in wheels.items() for py, a in combos),
                  key=lambda r: (r[0], version_key(r[1]), python_key(r[2]), r[3]))
    companions.sort(key=lambda r: (r[0], version_key(r[1])))
    source = "PyPI" if options.index_url == DEFAULT_INDEX else options.index_url
    generated = f"Generated by Tests/Tools/pypi_wheels.py on {today} from {source} via pip {pip_version}"
    query = (f"PIP_CONFIG_FILE={os.devnull} pip index versions NAME --index-url {options.index_url} "
             "--python-version X.Y --implementation cp --only-binary=:all: --platform manylinux1_ARCH "
             "--platform manylinux2010_ARCH --platform manylinux2014_ARCH --platform manylinux_2_5_ARCH ... "
             f"--platform manylinux_2_{GLIBC_MINORS[-1]}_ARCH (aarch64: manylinux2014 and manylinux_2_17 on)")
    size = write_table(output / "pypi_wheels.csv", [
        generated, f"Command: {command}", f"Query per (package, python, arch): {query}",
        "One row per final release (patch level, no a/b/rc/dev) x CPython minor x Linux arch with a "
        "manylinux wheel; a missing row means no such wheel. Pure-Python wheels count for both arches; "
        "sdist-only releases (most jax before 0.4.16) and yanked releases are absent."],
        ["package", "version", "python", "arch"], rows)
    companion_size = write_table(output / "pypi_companions.csv", [
        generated, f"Command: {command}",
        "Requires-Dist of the wheel (pip install --dry-run --no-deps --report): torchvision/torchaudio -> "
        "torch for the newest patch of each minor; jax -> jaxlib for every release since 0.4.0 and the "
        "newest patch of older minors (an extra's requirement, with its marker, where jax names jaxlib "
        "only under an extra); (none) = no such requirement."],
        ["package", "version", "requires"], companions)
    elapsed = time.monotonic() - started
    log(f"wrote {output / 'pypi_wheels.csv'} ({len(rows)} rows, {size} bytes) and "
        f"{output / 'pypi_companions.csv'} ({len(companions)} rows, {companion_size} bytes): "
        f"{pip.calls} pip calls in {elapsed:.0f} s")
    for package in PACKAGES:
        versions = [v for (p, v) in wheels if p == package]
        if versions:
            log(f"  newest {package}: {max(versions, key=version_key)}")


if __name__ == "__main__":
    main()
