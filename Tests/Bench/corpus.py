#!/usr/bin/env python3
"""Write a synthetic but realistic corpus of mlenv specs, for the benchmarks (Tests/Bench/run.sh).

    python3 corpus.py N OUTDIR [--seed S]

Writes N environment specs, OUTDIR/<name>.yaml, the same bytes for the same N and seed (the
standard library's random.Random only; no clock, no environment, no catalog read at run time).
The specs look like a monorepo's: PyTorch, TensorFlow, JAX and framework-less environments on
NGC framework images, `nvidia/cuda` images, `python:*-slim`, plain Ubuntu and `base: auto`, with
pinned pip and apt packages, GPUs as `all`, `none`, counts or device indices, Jupyter on or off
on distinct ports, env, secrets, volumes, shm_size or ipc, setup steps, descriptions and comments,
in both block and flow style.

Every combination below was taken from mlenv's catalog (Sources/MLEnvCore/Catalog/Data) and is
accepted by `mlenv check` without errors: the only diagnostics expected are a few W303 (apt
packages not pinned) and W302 (a pip range) warnings that real repositories have, and notes
(N101 on plain distribution images, N127 on `base: auto`). Without a host file `check` runs no
GPU or port clash rule, only the unique-name one, so device indices may repeat across specs;
Jupyter ports are distinct anyway (20000 + the spec's index).
"""

import argparse
import os
import random
import sys

# --- environments: (weight, kind, data) ------------------------------------------------------
# NGC PyTorch images: tag, framework major.minor, Python, CUDA major.minor, Ubuntu (catalog rows
# whose Python and CUDA are confirmed).
NGC_PYTORCH = [
    ("21.10", "1.10", "3.8", "11.4", "20.04"), ("22.05", "1.12", "3.8", "11.7", "20.04"),
    ("23.04", "2.1", "3.8", "12.1", "20.04"), ("23.07", "2.1", "3.10", "12.1", "22.04"),
    ("23.08", "2.1", "3.10", "12.2", "22.04"), ("23.09", "2.1", "3.10", "12.2", "22.04"),
    ("23.10", "2.1", "3.10", "12.2", "22.04"), ("24.02", "2.3", "3.10", "12.3", "22.04"),
    ("24.03", "2.3", "3.10", "12.4", "22.04"), ("24.04", "2.3", "3.10", "12.4", "22.04"),
    ("24.05", "2.4", "3.10", "12.4", "22.04"), ("24.06", "2.4", "3.10", "12.5", "22.04"),
    ("24.07", "2.4", "3.10", "12.5", "22.04"), ("24.08", "2.5", "3.10", "12.6", "22.04"),
    ("24.09", "2.5", "3.10", "12.6", "22.04"), ("24.10", "2.5", "3.10", "12.6", "22.04"),
    ("24.11", "2.6", "3.12", "12.6", "24.04"), ("24.12", "2.6", "3.12", "12.6", "24.04"),
    ("25.01", "2.6", "3.12", "12.8", "24.04"), ("25.02", "2.7", "3.12", "12.8", "24.04"),
    ("25.03", "2.7", "3.12", "12.8", "24.04"), ("25.04", "2.7", "3.12", "12.9", "24.04"),
    ("25.06", "2.8", "3.12", "12.9", "24.04"), ("25.08", "2.8", "3.12", "13.0", "24.04"),
    ("25.10", "2.9", "3.12", "13.0", "24.04"), ("25.11", "2.10", "3.12", "13.0", "24.04"),
    ("25.12", "2.10", "3.12", "13.1", "24.04"), ("26.01", "2.10", "3.12", "13.1", "24.04"),
    ("26.02", "2.11", "3.12", "13.1", "24.04"),
]
# NGC TensorFlow images: tag, TensorFlow, Python (None: the catalog does not know), CUDA, Ubuntu.
# (`tensorflow:23.10-tf2-py3`, which specs/nlp.yaml uses, is not in the catalog.)
NGC_TENSORFLOW = [
    ("21.05", "2.4", "3.8", "11.3", "20.04"), ("21.10", "2.6", "3.8", "11.4", "20.04"),
    ("22.10", "2.10", None, "11.8", "20.04"), ("23.03", "2.11", None, "12.1", "20.04"),
    ("24.02", "2.15", "3.10", "12.3", "22.04"),
]
# nvidia/cuda images: full CUDA version, cuDNN part of the tag, Ubuntu.
CUDA_IMAGES = {
    "11.8": ("11.8.0", "cudnn8", "22.04"), "12.1": ("12.1.1", "cudnn8", "22.04"),
    "12.2": ("12.2.2", "cudnn8", "22.04"), "12.3": ("12.3.2", "cudnn9", "22.04"),
    "12.4": ("12.4.1", "cudnn", "22.04"), "12.6": ("12.6.3", "cudnn", "24.04"),
    "12.8": ("12.8.1", "cudnn", "24.04"),
}
# Frameworks mlenv installs on a CUDA image: (name, version, CUDA, Pythons) with a wheel for
# that CUDA (PyTorch's cuXYZ variants, TensorFlow's tested CUDA, JAX's jax[cuda12] extra).
CUDA_FRAMEWORKS = [
    ("pytorch", "2.0.1", "11.8", ["3.10", "3.11"]), ("pytorch", "2.1.2", "11.8", ["3.10", "3.11"]),
    ("pytorch", "2.1", "12.1", ["3.10", "3.11"]), ("pytorch", "2.2.2", "12.1", ["3.10", "3.11"]),
    ("pytorch", "2.3.1", "12.1", ["3.10", "3.11"]), ("pytorch", "2.4", "12.4", ["3.10", "3.11", "3.12"]),
    ("pytorch", "2.5.1", "12.4", ["3.10", "3.11", "3.12"]), ("pytorch", "2.6.0", "12.6", ["3.11", "3.12"]),
    ("pytorch", "2.7.1", "12.8", ["3.11", "3.12"]), ("pytorch", "2.7", "12.6", ["3.11", "3.12"]),
    ("tensorflow", "2.13", "11.8", ["3.10", "3.11"]), ("tensorflow", "2.15", "12.2", ["3.10", "3.11"]),
    ("tensorflow", "2.16.1", "12.3", ["3.11", "3.12"]),
    ("jax", "0.4.23", "12.2", ["3.10", "3.11"]), ("jax", "0.4.26", "12.3", ["3.10", "3.11"]),
    ("jax", "0.4.30", "12.3", ["3.10", "3.11"]), ("jax", "0.4.35", "12.4", ["3.11", "3.12"]),
    ("jax", "0.4.38", "12.6", ["3.11", "3.12"]),
    ("none", None, "12.2", ["3.10", "3.11"]), ("none", None, "12.4", ["3.11"]),
]
# CPU-only environments: (base, Python, Ubuntu or None, framework, version).
CPU_BASES = [
    ("python:3.10-slim", "3.10", None, "none", None), ("python:3.11-slim", "3.11", None, "pytorch", "2.1.2"),
    ("python:3.11-slim", "3.11", None, "none", None), ("python:3.12-slim", "3.12", None, "pytorch", "2.4.1"),
    ("python:3.11-slim-bookworm", "3.11", None, "jax", "0.4.30"), ("python:3.12-slim-bookworm", "3.12", None, "none", None),
    ("ubuntu:22.04", "3.10", "22.04", "none", None), ("ubuntu:24.04", "3.12", "24.04", "pytorch", "2.4"),
]
# `base: auto`: (framework, version, Python or None, CUDA or None).
AUTO = [
    ("pytorch", "2.1", "3.10", "12.1"), ("pytorch", "2.1", "3.10", None), ("pytorch", "2.3", "3.10", None),
    ("pytorch", "2.5", None, None), ("pytorch", None, None, None), ("pytorch", "2.7", "3.12", None),
    ("tensorflow", "2.15", None, None), ("tensorflow", "2.15", "3.10", "12.3"), ("tensorflow", None, None, None),
]

# --- packages -------------------------------------------------------------------------------
PIP_COMMON = [
    "numpy==1.26.4", "pandas==2.1.4", "scipy==1.11.4", "scikit-learn==1.3.2", "matplotlib==3.8.2",
    "seaborn==0.13.0", "tqdm==4.66.1", "pyyaml==6.0.1", "requests==2.31.0", "rich==13.7.0",
    "wandb==0.16.1", "mlflow==2.9.2", "hydra-core==1.3.2", "omegaconf==2.3.0", "pyarrow==14.0.2",
    "polars==0.20.2", "opencv-python-headless==4.8.1.78", "pillow==10.1.0", "h5py==3.10.0",
    "jsonlines==4.0.0", "sentencepiece==0.1.99", "tokenizers==0.15.0", "datasets==2.16.1",
    "evaluate==0.4.1", "onnx==1.15.0", "einops==0.7.0", "nltk==3.8.1", "spacy==3.7.2",
    "librosa==0.10.1", "soundfile==0.12.1", "zarr==2.16.1", "xarray==2023.12.0", "dask==2023.12.1",
    "boto3==1.34.11", "s3fs==2023.12.2", "fsspec==2023.12.2", "pydantic==2.5.3", "fastapi==0.108.0",
    "uvicorn==0.25.0", "typer==0.9.0", "loguru==0.7.2", "plotly==5.18.0", "statsmodels==0.14.1",
    "networkx==3.2.1", "sympy==1.12", "pytest==7.4.4", "ipywidgets==8.1.1", "optuna==3.5.0",
]
PIP_FRAMEWORK = {
    "pytorch": ["transformers==4.35.2", "accelerate==0.25.0", "timm==0.9.12", "lightning==2.1.3",
                "torchmetrics==1.2.1", "peft==0.7.1", "pycocotools==2.0.7", "albumentations==1.3.1",
                "deepspeed==0.12.6", "bitsandbytes==0.41.3", "sentence-transformers==2.2.2",
                "torch-geometric==2.4.0", "segmentation-models-pytorch==0.3.3", "kornia==0.7.1",
                "diffusers==0.25.0", "safetensors==0.4.1", "tensorboard==2.15.1", "ultralytics==8.0.231"],
    "tensorflow": ["keras-tuner==1.4.6", "tensorflow-datasets==4.9.4", "tensorflow-hub==0.15.0",
                   "tensorflow-probability==0.23.0", "tf-keras-vis==0.8.6", "sentencepiece==0.1.99"],
    "jax": ["flax==0.7.5", "optax==0.1.7", "orbax-checkpoint==0.4.8", "chex==0.1.85",
            "dm-haiku==0.0.11", "equinox==0.11.2", "jaxtyping==0.2.25", "distrax==0.1.5"],
    "none": ["cupy-cuda12x==13.0.0", "numba==0.58.1", "pycuda==2023.1", "xgboost==2.0.3",
             "lightgbm==4.2.0", "catboost==1.2.2", "cudf-cu12==23.12.1"],
}
PIP_RANGES = ["numpy<2", "pandas>=2,<3", "protobuf<5", "setuptools>=69"]
# apt packages and a pinned version per Ubuntu release (what `apt-cache policy` would say).
APT = {
    "git": {"20.04": "1:2.25.1-1ubuntu3.11", "22.04": "1:2.34.1-1ubuntu1.10", "24.04": "1:2.43.0-1ubuntu7.1"},
    "htop": {"20.04": "2.2.0-2build1", "22.04": "3.0.5-7build2", "24.04": "3.3.0-4build1"},
    "ffmpeg": {"20.04": "7:4.2.7-0ubuntu0.1", "22.04": "7:4.4.2-0ubuntu0.22.04.1", "24.04": "7:6.1.1-3ubuntu5"},
    "libsndfile1": {"20.04": "1.0.28-7ubuntu0.2", "22.04": "1.0.31-2ubuntu0.1", "24.04": "1.2.2-1ubuntu5"},
    "tmux": {"20.04": "3.0a-2ubuntu0.4", "22.04": "3.2a-4ubuntu0.2", "24.04": "3.4-1build1"},
    "vim": {"20.04": "2:8.1.2269-1ubuntu5.21", "22.04": "2:8.2.3995-1ubuntu2.15", "24.04": "2:9.1.0016-1ubuntu7.1"},
    "curl": {"20.04": "7.68.0-1ubuntu2.21", "22.04": "7.81.0-1ubuntu1.15", "24.04": "8.5.0-2ubuntu10.1"},
    "wget": {"20.04": "1.20.3-1ubuntu2", "22.04": "1.21.2-2ubuntu1", "24.04": "1.21.4-1ubuntu4"},
    "rsync": {"20.04": "3.1.3-8ubuntu0.7", "22.04": "3.2.7-0ubuntu0.22.04.2", "24.04": "3.2.7-1ubuntu1"},
    "libgl1": {"20.04": "1.3.2-1~ubuntu0.20.04.2", "22.04": "1.4.0-1", "24.04": "1.7.0-1build1"},
    "libglib2.0-0": {"20.04": "2.64.6-1~ubuntu20.04.6", "22.04": "2.72.4-0ubuntu2.2", "24.04": "2.80.0-6ubuntu3.1"},
    "graphviz": {"20.04": "2.42.2-3build2", "22.04": "2.42.2-6", "24.04": "2.42.2-9build1"},
    "libopenmpi-dev": {"20.04": "4.0.3-0ubuntu1", "22.04": "4.1.2-2ubuntu1", "24.04": "4.1.6-7ubuntu2"},
    "build-essential": {"20.04": "12.8ubuntu1.1", "22.04": "12.9ubuntu3", "24.04": "12.10ubuntu1"},
    "unzip": {"20.04": "6.0-25ubuntu1.1", "22.04": "6.0-26ubuntu3.1", "24.04": "6.0-28ubuntu4"},
    "jq": {"20.04": "1.6-1ubuntu0.20.04.1", "22.04": "1.6-2.1ubuntu3", "24.04": "1.7.1-3build1"},
    "openssh-client": {"20.04": "1:8.2p1-4ubuntu0.9", "22.04": "1:8.9p1-3ubuntu0.6", "24.04": "1:9.6p1-3ubuntu13"},
    "sox": {"20.04": "14.4.2+git20190427-2", "22.04": "14.4.2+git20190427-2build4", "24.04": "14.4.2+git20190427-4build4"},
}

TEAMS = ["vision", "nlp", "speech", "rl", "recsys", "genomics", "robotics", "forecast", "search",
         "ads", "fraud", "medimg", "climate", "chem", "llm", "ocr", "video", "graph", "tabular", "safety"]
PROJECTS = ["detr", "yolo", "seg", "bert", "t5", "asr", "tts", "ppo", "sac", "ranker", "ctr",
            "vae", "unet", "gnn", "lstm", "xgb", "diffusion", "clip", "finetune", "eval", "serve",
            "sweep", "baseline", "pretrain", "distill", "embed", "notebook", "etl", "probe", "ablation"]
PURPOSES = ["Detection models", "Sequence models", "Speech recognition", "Policy training",
            "Ranking experiments", "Variant calling", "Grasp planning", "Demand forecasting",
            "Dense retrieval", "Click-through models", "Anomaly detection", "Segmentation of CT scans",
            "Weather downscaling", "Molecule property prediction", "Instruction tuning",
            "Document OCR", "Video understanding", "Link prediction", "Gradient-boosted baselines",
            "Red-teaming evaluations"]
PEOPLE = ["ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hiro", "ines", "jonas", "kemal",
          "lena", "marek", "nora", "omar", "priya", "quinn", "rosa", "sven", "tariq"]


def q(text):
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow_list(items, quote=True):
    return "[" + ", ".join(q(i) if quote else str(i) for i in items) + "]"


def block_list(key, items, indent, quote=True):
    lines = [f"{indent}{key}:"]
    lines += [f"{indent}  - {q(i) if quote else i}" for i in items]
    return lines


def pick_environment(rng):
    """base, framework (name, version or None), python or None, cuda or None, ubuntu, cpu_only, notes."""
    roll = rng.random()
    if roll < 0.38:
        tag, fw, py, cuda, ubuntu = rng.choice(NGC_PYTORCH)
        return dict(base=f"nvcr.io/nvidia/pytorch:{tag}-py3", fw="pytorch", ver=fw, py=py, cuda=cuda,
                    ubuntu=ubuntu, cpu=False, ngc=True)
    if roll < 0.50:
        tag, fw, py, cuda, ubuntu = rng.choice(NGC_TENSORFLOW)
        return dict(base=f"nvcr.io/nvidia/tensorflow:{tag}-tf2-py3", fw="tensorflow", ver=fw, py=py,
                    cuda=cuda, ubuntu=ubuntu, cpu=False, ngc=True)
    if roll < 0.78:
        fw, ver, cuda, pythons = rng.choice(CUDA_FRAMEWORKS)
        full, cudnn, ubuntu = CUDA_IMAGES[cuda]
        flavour = rng.choice(["runtime", "runtime", "devel"])
        return dict(base=f"nvidia/cuda:{full}-{cudnn}-{flavour}-ubuntu{ubuntu}", fw=fw, ver=ver,
                    py=rng.choice(pythons), cuda=cuda, ubuntu=ubuntu, cpu=False, ngc=False)
    if roll < 0.90:
        base, py, ubuntu, fw, ver = rng.choice(CPU_BASES)
        return dict(base=base, fw=fw, ver=ver, py=py, cuda="none", ubuntu=ubuntu or "22.04", cpu=True,
                    ngc=False)
    fw, ver, py, cuda = rng.choice(AUTO)
    return dict(base="auto", fw=fw, ver=ver, py=py, cuda=cuda, ubuntu="22.04", cpu=False, ngc=True)


def spec_text(i, rng):
    team = rng.choice(TEAMS)
    project = rng.choice(PROJECTS)
    name = f"{team}-{project}-{i:05d}"
    purpose = PURPOSES[TEAMS.index(team)]
    env = pick_environment(rng)
    fw, ver = env["fw"], env["ver"]
    out = []

    # Header comments.
    if rng.random() < 0.4:
        out.append("# yaml-language-server: $schema=../Sources/MLEnvCore/Schema/mlenv.schema.json")
    out.append(f"# {team}: {purpose.lower()} ({project}). Owner: {rng.choice(PEOPLE)}@example.org")
    if rng.random() < 0.3:
        out.append(f"# Reviewed {2023 + rng.randrange(3)}-{1 + rng.randrange(12):02d}; ask #{team}-infra before changing the base.")
    out.append("mlenv: 1")
    if rng.random() < 0.1:
        out.append("kind: environment")
    out.append(f"name: {name}")

    # Description: plain, quoted, or folded over two lines.
    what = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX", "none": "plain Python"}[fw]
    where = "on NVIDIA's container" if env["ngc"] and env["base"] != "auto" else (
        "CPU only" if env["cpu"] else "on a CUDA base")
    style = rng.random()
    if style < 0.5:
        out.append(f"description: {purpose} with {what} {where}")
    elif style < 0.8:
        out.append(f"description: {q(f'{purpose} ({project}): {what}, {where}')}")
    elif style < 0.9:
        out.append("description: >")
        out.append(f"  {purpose} for the {project} project,")
        out.append(f"  {what} {where}.")
    # else: no description

    out.append(f"base: {env['base']}")

    # Framework: block, flow, shorthand, or left out on an NGC image (the image implies it).
    if fw == "none":
        form = rng.random()
        if form < 0.5:
            out.append("framework: none")
        elif form < 0.8:
            out.append("framework: {name: none}")
    elif env["ngc"] and env["base"] != "auto" and rng.random() < 0.15:
        pass
    elif ver is None:
        out.append(f"framework: {fw}")
    else:
        # The shorthand (no version) only where the image fixes the version: elsewhere it is a
        # W302 (pip installs the newest release).
        form = rng.random()
        if form < 0.6:
            out.append(f"framework: {{name: {fw}, version: {q(ver)}}}")
        elif form < 0.85 or not (env["ngc"] and env["base"] != "auto"):
            out += ["framework:", f"  name: {fw}", f"  version: {q(ver)}"]
        else:
            out.append(f"framework: {fw}")

    # Python and CUDA: always on bases that need them, often on NGC images (documenting).
    needs = not env["ngc"]
    if env["py"] and (needs or rng.random() < 0.7):
        out.append(f"python: {q(env['py'])}")
    if env["cuda"] and (needs or rng.random() < 0.7):
        out.append(f"cuda: {env['cuda'] if env['cuda'] == 'none' else q(env['cuda'])}")

    # Packages.
    pip = []
    if rng.random() < 0.85:
        pool = PIP_FRAMEWORK[fw]
        if fw == "none" and env["cpu"]:
            pool = [p for p in pool if "cu12" not in p and "cuda" not in p]
        pip = rng.sample(pool, rng.randint(0, min(4, len(pool)))) + rng.sample(PIP_COMMON, rng.randint(1, 7))
        if rng.random() < 0.03:
            pip.append(rng.choice(PIP_RANGES))
        seen = set()  # one requirement per project (two pins of one project may contradict: E204)
        pip = [p for p in pip if not (p.split("=")[0].split("<")[0].split(">")[0] in seen
                                      or seen.add(p.split("=")[0].split("<")[0].split(">")[0]))]
    apt = []
    if rng.random() < 0.6:
        names = rng.sample(sorted(APT), rng.randint(1, 5))
        pinned = rng.random() < 0.8
        apt = [f"{n}={APT[n][env['ubuntu']]}" if pinned else n for n in names]
    if pip or apt:
        out.append("packages:")
        if pip:
            if rng.random() < 0.5:
                out.append(f"  pip: {flow_list(pip)}")
            else:
                out += block_list("pip", pip, "  ", quote=rng.random() < 0.5)
        if apt:
            if rng.random() < 0.6:
                out.append(f"  apt: {flow_list(apt)}")
            else:
                out += block_list("apt", apt, "  ", quote=True)

    # GPUs.
    if env["cpu"]:
        if rng.random() < 0.6:
            out.append("gpus: none")
    else:
        form = rng.random()
        if form < 0.2:
            out.append("gpus: all")
        elif form < 0.55:
            out.append(f"gpus: {rng.choice([1, 1, 2, 2, 4, 8])}")
        elif form < 0.9:
            start = rng.randrange(8)
            count = rng.choice([1, 1, 2, 2, 4])
            devices = sorted({(start + k) % 8 for k in range(count)})
            if rng.random() < 0.7:
                out.append(f"gpus: {flow_list(devices, quote=False)}")
            else:
                out += block_list("gpus", devices, "", quote=False)
            if rng.random() < 0.1:
                out.append("gpus_shared: true")
        # else: left out (means all)

    # Jupyter: off, true, or a mapping with this spec's own port.
    form = rng.random()
    port = 20000 + i
    if form < 0.25:
        out.append("jupyter: false")
    elif form < 0.45:
        out.append("jupyter: true")
    elif form < 0.85:
        parts = [f"port: {port}"]
        if rng.random() < 0.4:
            parts.append("bind: 127.0.0.1")
        if rng.random() < 0.2:
            parts.append("lab: false")
        out.append("jupyter: {" + ", ".join(parts) + "}")
    elif form < 0.95:
        out += ["jupyter:", f"  port: {port}", "  bind: 127.0.0.1", "  lab: true"]
    # else: no Jupyter key

    # Shared memory.
    form = rng.random()
    if form < 0.55:
        out.append(f"shm_size: {rng.choice(['2g', '8g', '16g', '16g', '32g', '64g', '512m'])}")
    elif form < 0.75:
        out.append("ipc: host")

    # Volumes.
    vols = []
    if rng.random() < 0.75:
        vols.append(f"/data/{team}:/workspace/data:ro")
    if rng.random() < 0.4:
        vols.append(f"./checkpoints:/workspace/checkpoints{rng.choice(['', ':rw'])}")
    if rng.random() < 0.35:
        vols.append(f"{name}-cache:/workspace/.cache")
    if rng.random() < 0.2:
        vols.append("/scratch/shared:/scratch")
    if vols:
        if rng.random() < 0.6:
            out.append(f"volumes: {flow_list(vols)}")
        else:
            out += block_list("volumes", vols, "", quote=True)

    # Environment variables (never secret-looking values: those go to `secrets`).
    envs = {}
    if fw == "pytorch" or rng.random() < 0.3:
        envs["HF_HOME"] = "/workspace/.cache/huggingface"
    if rng.random() < 0.5:
        envs["OMP_NUM_THREADS"] = q(str(rng.choice([4, 8, 16])))
    if fw == "tensorflow" and rng.random() < 0.7:
        envs["TF_FORCE_GPU_ALLOW_GROWTH"] = q("true")
    if fw == "jax" and rng.random() < 0.7:
        envs["XLA_PYTHON_CLIENT_MEM_FRACTION"] = q(".80")
    if rng.random() < 0.3:
        envs["WANDB_PROJECT"] = name
    if rng.random() < 0.2:
        envs["NCCL_DEBUG"] = "WARN"
    if rng.random() < 0.2:
        envs["TOKENIZERS_PARALLELISM"] = q("false")
    if envs:
        if rng.random() < 0.5:
            out.append("env: {" + ", ".join(f"{k}: {v}" for k, v in envs.items()) + "}")
        else:
            out.append("env:")
            out += [f"  {k}: {v}" for k, v in envs.items()]
    if rng.random() < 0.3:
        secrets = rng.sample(["HF_TOKEN", "WANDB_API_KEY", "AWS_SECRET_ACCESS_KEY", "MLFLOW_TRACKING_TOKEN"], rng.randint(1, 2))
        out.append(f"secrets: [{', '.join(secrets)}]                # from the environment at run time")

    if rng.random() < 0.4:
        out.append(f"workdir: {rng.choice(['/workspace', '/workspace', f'/srv/{team}', '/home/work'])}")

    # Setup steps.
    form = rng.random()
    if form < 0.3:
        out.append('setup: ["python -m pip check"]')
    elif form < 0.5:
        out += ["setup:", "  - python -m pip check", f"  - mkdir -p /workspace/outputs/{project}"]
    elif form < 0.6:
        out += ["setup:", "  - |", "    set -e", f"    mkdir -p /workspace/{project}",
                "    python -c \"import sys; print(sys.version)\""]

    if rng.random() < 0.08:
        out.append('build: {pip_index_url: "https://pypi.example.org/simple"}')
    return name, "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    if args.count < 0:
        parser.error("N must be at least 0")
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    for i in range(args.count):
        name, text = spec_text(i, rng)
        with open(os.path.join(args.outdir, name + ".yaml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
