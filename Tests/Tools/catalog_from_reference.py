"""Builds mlenv's catalog (Sources/MLEnvCore/Catalog/Data/*.yaml) from the reference tables in
../shared/reference. Run from the repository root:

    python3 Tests/Tools/catalog_from_reference.py ../shared/reference Sources/MLEnvCore/Catalog/Data

Conventions carried over from the reference: a value that ends in `?` is likely but unconfirmed
(mlenv never reports an error from it), a missing value is unknown. The test suite runs this
script again and fails when the committed catalog no longer matches the reference."""
import csv
import json
import os
import re
import sys

REFERENCE, OUTPUT = sys.argv[1], sys.argv[2]
TOOLS = os.path.dirname(os.path.abspath(__file__))


def rows(name):
    with open(os.path.join(REFERENCE, name), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


KEY = r"[A-Z]\d+[a-z]?(?:/[A-Z]\d+[a-z]?)*"


def source_descriptions():
    """Key -> its whole description, from the `- KEY text` items of SOURCES.md: an item goes on
    over its indented continuation lines, and one item may describe several keys in turn
    (`P2c ... (2.6.0, 2.5.1). P2d pytorch.org ...`, `G1 ... ; G2 ...`)."""
    items, current = [], None
    with open(os.path.join(REFERENCE, "SOURCES.md"), encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip()
            if re.match(r"^- " + KEY + r"\s", line):
                current = [line[2:].strip()]
                items.append(current)
            elif current is not None and line.startswith("  ") and not line.lstrip().startswith("- "):
                current.append(line.strip())
            else:
                current = None
    found = {}
    for item in items:
        text = " ".join(item)
        starts = [0] + [m.start(1) for m in re.finditer(r"(?:\.|;)\s+(" + KEY + r")\s", text)]
        for begin, end in zip(starts, starts[1:] + [len(text)]):
            segment = text[begin:end].strip()
            match = re.match(r"^(" + KEY + r")\s+(.*)$", segment)
            if not match:
                continue
            description = match.group(2).strip().rstrip(";").strip()
            if description.endswith(".") and end < len(text):
                description = description[:-1]
            for key in match.group(1).split("/"):
                found.setdefault(key, description)
    return found


DESCRIPTIONS = source_descriptions()

# The PyPI wheel table that Tests/Tools/pypi_wheels.py writes beside this script: which CPython
# minors each release of torch, tensorflow and jaxlib has a Linux x86_64 wheel for. It is the
# authority for Python support ("3.12 experimental" in release notes is supported when the wheels
# exist). It covers CPython 3.8-3.15 only, so a release whose lowest wheel is for 3.8 may
# support older Pythons too: the floor then stays the reference's, or unknown.
PYPI_SOURCE = "Y1"
PYPI_FLOOR = (3, 8)
DESCRIPTIONS[PYPI_SOURCE] = ("PyPI's Linux x86_64 wheels per CPython 3.8-3.15 (Tests/Tools/pypi_wheels.csv, "
                             "read with pip on 2026-12-01 by Tests/Tools/pypi_wheels.py)")


PYPI_COMPANIONS = "Y2"
DESCRIPTIONS[PYPI_COMPANIONS] = ("Requires-Dist of torchvision, torchaudio and jax wheels on PyPI (Tests/Tools/pypi_companions.csv, "
                                 "read with pip on 2026-12-01 by Tests/Tools/pypi_wheels.py)")


def minor_key(text):
    return tuple(int(part) for part in text.split("."))


def version_key(text):
    return tuple(int(part) for part in re.findall(r"\d+", text))


def pypi_wheels():
    found = {}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pypi_wheels.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            if row["arch"] == "x86_64":
                found.setdefault((row["package"], row["version"]), set()).add(row["python"])
    return found


PYPI = pypi_wheels()


def pypi_python(package, version, reference_min=None):
    """(python_min, python_max) from PyPI's wheels, or None when PyPI has none for the release.
    At the table's floor (3.8) the minimum is the reference's when lower, else unknown."""
    minors = PYPI.get((package, version))
    if not minors:
        return None
    low, high = min(minors, key=minor_key), max(minors, key=minor_key)
    if minor_key(low) <= PYPI_FLOOR:
        bare = reference_min.rstrip("?") if reference_min else None
        low = reference_min if bare and minor_key(bare) <= PYPI_FLOOR else None
    return low, high


def python_note(written, low, high):
    return f"Python: the release notes say {written.strip()}; PyPI has wheels for {low or 'up to 3.8'}-{high} (Y1), which mlenv follows"


def fact(cell, pattern=r"\d+(?:\.\d+)*"):
    """'3.10 (3.10.12)' -> '3.10'; '12.6 (patch ?)' -> '12.6'; '3.6?' -> '3.6?'; '?' -> None.
    A value the reference derived rather than read is marked likely too."""
    if cell is None:
        return None
    text = cell.strip()
    if text in ("", "?", "n/a", "N/A", "--", "None"):
        return None
    likely = "derived" in text
    head = text.split("(")[0].strip()
    if head.endswith("?"):
        likely = True
        head = head[:-1].strip()
    match = re.match(r"^(" + pattern + r")", head)
    if not match:
        return None
    value = match.group(1)
    if match.end() != len(head):
        likely = True
    return value + ("?" if likely else "")


def split_sources(cell):
    return [key.strip() for key in re.split(r"[;,]", cell or "") if re.match(r"^[A-Z]\d+[a-z]?$", key.strip())]


def q(value):
    return json.dumps(value, ensure_ascii=False)


def flow(value):
    return f"[{', '.join(q(v) for v in value)}]" if isinstance(value, list) else q(value)


def write(name, header, sources, key, entries):
    used = sorted(set(sources), key=lambda k: (k[0], int(re.sub(r"\D", "", k) or 0), k))
    lines = ["# Generated by Tests/Tools/catalog_from_reference.py from shared/reference; do not edit by hand.",
             "mlenv-catalog: 1", f"table: {name}", f"description: {q(header)}", "sources:"]
    for source in used:
        lines.append(f"  {source}: {q(DESCRIPTIONS.get(source, 'see shared/reference/SOURCES.md'))}")
    lines.append(f"{key}:")
    for entry in entries:
        first = True
        for field, value in entry.items():
            if value is None or value == [] or value == "":
                continue
            prefix = "  - " if first else "    "
            first = False
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                lines.append(f"{prefix}{field}:")
                for item in value:
                    lines.append("      - {" + ", ".join(f"{k}: {flow(v)}" for k, v in item.items()) + "}")
            elif isinstance(value, list):
                if field == "sources":
                    value = list(dict.fromkeys(value))
                lines.append(f"{prefix}{field}: [{', '.join(q(v) for v in value)}]")
            else:
                lines.append(f"{prefix}{field}: {q(value)}")
    with open(os.path.join(OUTPUT, f"{name}.yaml"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def tool_table(name, key):
    """The rows of a table beside this script, with its `# KEY text` source lines (keys starting
    with `key`) added to DESCRIPTIONS."""
    with open(os.path.join(TOOLS, name), newline="", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for line in lines:
        match = re.match(r"^# (" + key + r"\d+) (.*)$", line)
        if match:
            DESCRIPTIONS[match.group(1)] = match.group(2).strip()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def container_requirements():
    """Tests/Tools/container_requirements.csv: image -> (NVIDIA_REQUIRE_CUDA, source keys).
    `nvidia/cuda:12.4.1` stands for every nvidia/cuda:12.4.1-* tag."""
    return {row["image"]: (row["nvidia_require_cuda"], split_sources(row["source"]))
            for row in tool_table("container_requirements.csv", "C")}


def cuda_image_tags():
    """Tests/Tools/cuda_image_tags.csv: CUDA version -> (its supported nvidia/cuda tags, source keys)."""
    tags = {}
    for row in tool_table("cuda_image_tags.csv", "C"):
        entry = tags.setdefault(row["version"], ([], []))
        entry[0].extend(f"{row['version']}-{flavor}-{row['os']}" for flavor in row["flavors"].split())
        entry[1].extend(key for key in split_sources(row["source"]) if key not in entry[1])
    return tags


def forward_compat(cell):
    text = (cell or "").strip()
    if text in ("", "?"):
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def ngc_images():
    entries, sources = [], []
    requirements = container_requirements()
    for row in rows("ngc_pytorch.csv"):
        keys = split_sources(row["sources"])
        requirement, requirement_keys = requirements.get(row["container_tag"].strip(), (None, []))
        keys = keys + [key for key in requirement_keys if key not in keys]
        sources += keys
        entries.append({
            "image": row["container_tag"].strip(), "ubuntu": fact(row["ubuntu"]), "python": fact(row["python"]),
            "cuda": fact(row["cuda"]), "cudnn": fact(row["cudnn"]), "framework": "pytorch",
            "framework_version": fact(row["pytorch_version"], r"\d[0-9A-Za-z.+]*"),
            "min_driver": fact(row["min_driver_stated"]), "forward_compat": forward_compat(row["datacenter_forward_compat_drivers"]),
            "nvidia_require_cuda": requirement, "confidence": row["confidence"].strip(), "sources": keys,
        })
    for row in rows("ngc_tensorflow.csv"):
        keys = split_sources(row["sources"])
        sources += keys
        tag = row["container_tag"].split("(")[0].strip()
        common = {"ubuntu": fact(row["ubuntu"]), "python": fact(row["python"]), "cuda": fact(row["cuda"]),
                  "cudnn": fact(row["cudnn"]), "framework": "tensorflow"}
        tail = {"min_driver": fact(row["min_driver_stated"]), "forward_compat": forward_compat(row["datacenter_forward_compat_drivers"]),
                "confidence": row["confidence"].strip(), "sources": keys}
        entries.append({"image": tag, **common, "framework_version": fact(row["tensorflow_tf2_version"]), **tail})
        if "-tf1-py3" in row["container_tag"]:
            entries.append({"image": tag.replace("-tf2-py3", "-tf1-py3"), **common,
                            "framework_version": fact(row["tensorflow_tf1_version"]), **tail})
    write("ngc_images", "NVIDIA NGC framework containers: what each tag ships (shared/reference ngc_pytorch.csv, ngc_tensorflow.csv)",
          sources, "images", entries)


def wheel_archs():
    """Tests/Tools/pytorch_wheel_archs.csv: (release prefix, variant) -> the wheels' cubins and PTX, with its
    `# KEY text` source lines added to DESCRIPTIONS."""
    table = {}
    for row in tool_table("pytorch_wheel_archs.csv", "W"):
        for cell in (row["sm"], row["ptx"]):
            assert re.match(r"^(none|\d+( \d+)*)?\??$", cell), f"pytorch_wheel_archs.csv: `{cell}`"
        table[(row["pytorch"], row["variant"])] = row
    return table


def pytorch():
    entries, sources = [], []
    archs = wheel_archs()
    used = set()
    for row in rows("pytorch_releases.csv"):
        keys = split_sources(row["source"])
        variants = re.findall(r"cu\d+\??", row["linux_cuda_wheel_variants"])
        version = fact(row["pytorch_version"]).rstrip("?")
        code = []
        for variant in variants:
            for (prefix, name), arch in archs.items():
                if name == variant.rstrip("?") and (version == prefix or version.startswith(prefix + ".")):
                    arch_keys = split_sources(arch["source"])
                    sources += arch_keys
                    used.add((prefix, name))
                    code.append({"variant": name, "sm": arch["sm"], "ptx": arch["ptx"], "sources": arch_keys})
        python = re.match(r"\s*(>=\s*[\d.]+)?\s*,?\s*(<=\s*[\d.]+)", row["python_supported"])
        version = fact(row["pytorch_version"])
        low = fact(python.group(1)[2:]) if python and python.group(1) else None
        high = fact(python.group(2)[2:]) if python else None
        notes = None
        wheels = pypi_python("torch", version, low)
        if wheels:
            if wheels != (low, high):
                notes = python_note(row["python_supported"], *wheels)
            low, high = wheels
            keys = keys + [PYPI_SOURCE]
        sources += keys
        entries.append({
            "version": version, "python_min": low, "python_max": high,
            "cuda_wheels": [v.replace("?", "") + ("?" if v.endswith("?") else "") for v in variants],
            "pypi_default": fact(row["pypi_default_cuda_linux_x86_64"], r"cu\d+"),
            "wheel_code": code,
            "confidence": row["confidence"].strip(), "sources": keys, "notes": notes,
        })
    unused = sorted(set(archs) - used)
    assert not unused, f"pytorch_wheel_archs.csv rows that match no release's variants: {unused}"
    known = {entry["version"] for entry in entries}
    for (package, version) in PYPI:
        if package == "torch" and version not in known:
            low, high = pypi_python("torch", version)
            sources.append(PYPI_SOURCE)
            entries.append({"version": version, "python_min": low, "python_max": high, "confidence": "high",
                            "sources": [PYPI_SOURCE], "notes": "on PyPI, not in the reference: Python from its wheels, CUDA variants unknown"})
    entries.sort(key=lambda entry: version_key(entry["version"]))
    write("pytorch", "PyTorch releases: supported Python (from PyPI's wheels), the CUDA variants of the Linux wheels (shared/reference "
          "pytorch_releases.csv) and the GPU code each variant carries (Tests/Tools/pytorch_wheel_archs.csv)",
          sources, "releases", entries)


def tensorflow():
    entries, sources = [], ["TF1"]
    for row in rows("tensorflow_releases.csv"):
        python = re.findall(r"3\.\d+(?:-3\.\d+)?", row["python_versions"])
        low = high = None
        if python:
            low = python[0].split("-")[0]
            high = python[-1].split("-")[-1]
        package, version = row["tf_package"].strip().replace("_", "-"), fact(row["tf_version"])
        entry = {"package": package, "version": version, "python_min": low, "python_max": high,
                 "cuda": fact(row.get("cuda")), "cudnn": fact(row.get("cudnn"))}
        wheels = pypi_python(package, version, low)
        if wheels:
            if wheels != (low, high):
                entry["notes"] = python_note(row["python_versions"], *wheels)
            entry["python_min"], entry["python_max"] = wheels
            entry["sources"] = ["TF1", PYPI_SOURCE]
            sources.append(PYPI_SOURCE)
        entries.append(entry)
    # Before 2.1 the GPU build was its own package, `tensorflow-gpu`; the release is the same,
    # and a spec names it `framework: tensorflow`.
    names = {(entry["package"], entry["version"]) for entry in entries}
    for entry in list(entries):
        if entry["package"] == "tensorflow-gpu" and ("tensorflow", entry["version"]) not in names:
            entries.append({**entry, "package": "tensorflow",
                            "notes": "published for GPUs as tensorflow-gpu; the same release and tested configuration"})
    # Patch releases on PyPI that the tested-configuration table (one row per minor) leaves out:
    # Python from their wheels, CUDA and cuDNN those of their minor's row, as likely.
    names = {(entry["package"], entry["version"]) for entry in entries}
    for (package, version) in PYPI:
        if package != "tensorflow" or ("tensorflow", version) in names:
            continue
        minor = version_key(version)[:2]
        line = [entry for entry in entries if entry["package"] == "tensorflow" and version_key(entry["version"])[:2] == minor]
        base = max(line, key=lambda entry: version_key(entry["version"])) if line else {}
        likely = lambda value: value if value is None or value.endswith("?") else value + "?"
        low, high = pypi_python("tensorflow", version, base.get("python_min"))
        sources.append(PYPI_SOURCE)
        entries.append({"package": "tensorflow", "version": version, "python_min": low, "python_max": high,
                        "cuda": likely(base.get("cuda")), "cudnn": likely(base.get("cudnn")), "sources": ["TF1", PYPI_SOURCE],
                        "notes": "a patch release on PyPI: Python from its wheels, CUDA and cuDNN as its minor's tested configuration"})
    entries.sort(key=lambda entry: (entry["package"] != "tensorflow", [-part for part in version_key(entry["version"])]))
    write("tensorflow", "TensorFlow's tested build configurations for Linux GPU (tensorflow.org/install/source#gpu, via shared/reference tensorflow_releases.csv), Python from PyPI's wheels",
          sources, "releases", entries)


def cuda_minimum(cell):
    """The lowest CUDA a jax_releases.csv wheel cell accepts: `requires CUDA>=12.1` (the wheels'
    own floor, which beats the CUDA they were built with), `CUDA>=11.4`, or the one CUDA a
    variant of that time was published for (`built CUDA 11.8 + cuDNN 8.6`, `CUDA 12.3 + cuDNN
    8.9`: 0.4.8 dropped CUDA 11.4, 0.4.24 CUDA 12.2); None for `?` or an empty cell."""
    text = (cell or "").strip()
    match = (re.search(r"requires CUDA\s*>=\s*(\d+\.\d+)", text) or re.search(r"CUDA\s*>=\s*(\d+\.\d+)", text)
             or re.match(r"^(?:built\s+)?CUDA\s+(\d+\.\d+)", text))
    return match.group(1) if match else None


def jax():
    entries, sources = [], ["J1"]
    for row in rows("jax_releases.csv"):
        variants = row["cuda_wheel_variants"]
        majors = sorted(set(re.findall(r"cuda(\d+)", variants)))
        minimums = [m for m in (cuda_minimum(row.get(f"cuda{major}_wheel_reqs")) for major in majors) if m]
        extras = []
        for match in re.finditer(r"cuda\d+(?:_pip|_local)?(\?)?", variants):
            name = match.group(0)
            if name.rstrip("?").endswith("_local") or name.rstrip("?") in [e.rstrip("?") for e in extras]:
                continue
            extras.append(name)
        version = fact(row["jax_version"])
        low, high, keys, notes = fact(row["python_requires"].replace(">=", "")), None, ["J1"], None
        # jax is pure Python; the wheels that bound its Python are jaxlib's of the same version
        # (released together since 0.4).
        wheels = pypi_python("jaxlib", version, low)
        if wheels:
            if wheels[0] != low:
                notes = f"Python: jax requires {row['python_requires'].strip()}; jaxlib {version} has wheels for {wheels[0] or 'up to 3.8'}-{wheels[1]} (Y1)"
            low, high = wheels
            keys.append(PYPI_SOURCE)
            sources.append(PYPI_SOURCE)
        entries.append({"version": version, "python_min": low, "python_max": high,
                        "cuda_majors": majors, "cuda_min": minimums, "cuda_extras": extras, "min_compute_capability": fact(row["min_compute_capability"]),
                        "sources": keys, "notes": notes})
    known = {entry["version"] for entry in entries}
    for (package, version) in PYPI:
        if package == "jax" and version not in known:
            low, high = pypi_python("jaxlib", version) or (None, None)
            sources.append(PYPI_SOURCE)
            entries.append({"version": version, "python_min": low, "python_max": high, "sources": [PYPI_SOURCE],
                            "notes": "on PyPI, not in the reference: CUDA support unknown"})
    entries.sort(key=lambda entry: version_key(entry["version"]))
    write("jax", "JAX releases: Python (from jaxlib's wheels on PyPI where released together) and the CUDA majors of the jax[cudaN] wheels (shared/reference jax_releases.csv)",
          sources, "releases", entries)


def companions():
    """What torchvision and torchaudio require of torch, per minor line, and what jax requires of
    jaxlib, per release, from their wheels' Requires-Dist (Tests/Tools/pypi_companions.csv).
    torchvision and torchaudio pin one torch patch (`torch==2.1.2` for torchvision 0.16.2); the
    table holds each line's newest patch, and the pairing holds for the whole line, so the pin is
    widened to the torch minor (`==2.1.*`). Requirements under an extra (`extra == ...`) do not
    apply to a plain install and are left out."""
    entries = []
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pypi_companions.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in table:
        package, version, requires = row["package"], row["version"], row["requires"].strip()
        if requires == "(none)" or "extra ==" in requires:
            continue
        requirement = requires.split(";")[0].strip()
        match = re.match(r"^(torch|jaxlib)\s*(.+)$", requirement)
        if not match:
            continue
        partner, specifier = match.group(1), match.group(2).replace(" ", "")
        if package in ("torchvision", "torchaudio"):
            version = ".".join(version.split(".")[:2])
            exact = re.match(r"^==(\d+)\.(\d+)\.\d+$", specifier)
            if exact:
                specifier = f"=={exact.group(1)}.{exact.group(2)}.*"
        entries.append({"package": package, "version": version, "partner": partner, "requires": specifier, "sources": [PYPI_COMPANIONS]})
    write("companions", "What torchvision and torchaudio require of torch (per minor line) and jax of jaxlib (per release), from the wheels' own metadata on PyPI",
          [PYPI_COMPANIONS], "companions", entries)


def cuda():
    requirements = container_requirements()
    tags = cuda_image_tags()
    arch = {}
    for row in rows("cuda_arch.csv"):
        arch[row["cuda_toolkit"].strip()] = (row["min_sm_offline"].strip(), row["max_sm_offline"].strip(), split_sources(row["source"]))
    entries, sources = [], []
    for row in rows("cuda_driver.csv"):
        version = fact(row["cuda_toolkit"])
        keys = split_sources(row["source"])
        minor_compat = fact((row["minor_version_compat_min_linux"] or "").replace(">=", ""))
        short = ".".join(version.rstrip("?").split(".")[:2])
        low_sm, high_sm, arch_keys = arch.get(short, ("?", "?", []))
        # What NVIDIA's nvidia/cuda:VERSION-* images ask of the container toolkit.
        requirement, requirement_keys = requirements.get(f"nvidia/cuda:{version}", (None, []))
        # The nvidia/cuda tags of that version NVIDIA lists as supported (what `base: auto` may choose).
        image_tags, tag_keys = tags.get(version, ([], []))
        requirement_keys = requirement_keys + [key for key in tag_keys if key not in requirement_keys]
        sources += keys + arch_keys + requirement_keys
        entries.append({
            "version": version, "min_driver": fact(row["linux_x86_64_min_driver_toolkit"]),
            "branch": (row["driver_branch"] or "").strip() or None,
            "minor_compat_min_driver": minor_compat,
            "min_sm": fact(low_sm.replace("sm_", "").rstrip("a"), r"\d+"), "max_sm": fact(high_sm.replace("sm_", "").rstrip("a"), r"\d+"),
            "nvidia_require_cuda": requirement, "image_tags": image_tags, "sources": keys + arch_keys + requirement_keys,
        })
    known = {entry["version"] for entry in entries}
    assert not set(tags) - known, f"cuda_image_tags.csv rows for CUDA versions cuda_driver.csv lacks: {sorted(set(tags) - known)}"
    unused = sorted(image for image in requirements if image.startswith("nvidia/cuda:") and image[12:] not in known)
    assert not unused, f"container_requirements.csv rows for CUDA versions cuda_driver.csv lacks: {unused}"
    write("cuda", "CUDA toolkits: minimum Linux driver, minor-version compatibility, the GPU architectures nvcc targets (shared/reference cuda_driver.csv, cuda_arch.csv) and the nvidia/cuda tags NVIDIA supports (Tests/Tools/cuda_image_tags.csv)",
          sources, "toolkits", entries)


def gpus():
    entries, sources = [], []
    for row in rows("gpu_arch.csv"):
        keys = split_sources(row["source"])
        sources += keys
        entries.append({"name": row["gpu"].strip(), "compute_capability": fact(row["compute_capability"]),
                        "architecture": row["architecture"].strip(), "min_cuda": fact(row["min_cuda_toolkit_for_native_cubin"]),
                        "sources": keys})
    lifecycle = []
    for row in rows("arch_lifecycle.csv"):
        keys = split_sources(row["source"])
        sources += keys
        last = row["last_cuda_toolkit"].strip()
        lifecycle.append({"architecture": row["architecture"].strip(),
                          "compute_capabilities": re.findall(r"\d+\.\d+", re.sub(r"\([^)]*\)", "", row["compute_capabilities"])),
                          "last_cuda": None if last == "ongoing" else fact(re.sub(r"^CUDA\s*", "", re.sub(r"\s*\((.*)\)", r" \1", last)).split()[-1]),
                          "last_driver_branch": None if row["last_driver_branch"].strip() == "ongoing" else row["last_driver_branch"].strip(),
                          "sources": keys})
    write("gpus", "GPU models and their compute capability, and when each architecture left the CUDA toolkit (shared/reference gpu_arch.csv, arch_lifecycle.csv)",
          sources, "gpus", entries)
    with open(os.path.join(OUTPUT, "gpus.yaml"), "a", encoding="utf-8") as handle:
        handle.write("architectures:\n")
        for entry in lifecycle:
            handle.write(f"  - architecture: {q(entry['architecture'])}\n")
            handle.write(f"    compute_capabilities: [{', '.join(q(c) for c in entry['compute_capabilities'])}]\n")
            if entry["last_cuda"]:
                handle.write(f"    last_cuda: {q(entry['last_cuda'])}\n")
            if entry["last_driver_branch"]:
                handle.write(f"    last_driver_branch: {q(entry['last_driver_branch'])}\n")
            handle.write(f"    sources: [{', '.join(q(s) for s in entry['sources'])}]\n")


DESCRIPTIONS.setdefault("TF1", "tensorflow/docs site/en/install/source.md, https://www.tensorflow.org/install/source#gpu")
DESCRIPTIONS.setdefault("J1", "jax-ml/jax tags: setup.py, docs/installation.md and CHANGELOG.md of each release")
os.makedirs(OUTPUT, exist_ok=True)
ngc_images()
companions()
pytorch()
tensorflow()
jax()
cuda()
gpus()
