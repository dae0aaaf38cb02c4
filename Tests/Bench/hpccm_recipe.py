# HPC Container Maker recipe for the same image as specs/vision.yaml, the comparator for
# `mlenv generate specs/vision.yaml` in Tests/Bench/run.sh:
#
#     hpccm --recipe Tests/Bench/hpccm_recipe.py --format docker
#
# It asks hpccm for what `mlenv generate` writes into the Dockerfile, layer for layer: the NGC
# PyTorch base, apt packages, pinned pip packages (without reinstalling pip or Python), the
# environment, a home and workdir any user can write, the spec's setup step, the Jupyter port,
# the OCI labels and JupyterLab as the command. hpccm checks none of it and writes no run
# script; mlenv also checks the spec against its catalog and writes run.sh and requirements.txt.
# pylint: disable=undefined-variable  (Stage0 and the building blocks are hpccm's globals)

base = "nvcr.io/nvidia/pytorch:23.10-py3"
Stage0 += baseimage(image=base, _distro="ubuntu22", _arch="x86_64")
Stage0 += comment("packages.apt")
Stage0 += apt_get(ospackages=["git", "htop"])
Stage0 += comment("packages.pip")
Stage0 += pip(packages=["transformers==4.35.2", "numpy==1.26.4", "pycocotools==2.0.7"],
              pip="python3 -m pip", ospackages=[], upgrade=False)
Stage0 += environment(variables={"HF_HOME": "/workspace/.cache/huggingface", "OMP_NUM_THREADS": "8"},
                      _export=False)
Stage0 += shell(commands=["mkdir -p /home/mlenv /workspace", "chmod 1777 /home/mlenv /workspace"])
Stage0 += workdir(directory="/workspace")
Stage0 += comment("setup")
Stage0 += shell(commands=["python -m pip check"])
Stage0 += raw(docker="EXPOSE 8888")
Stage0 += label(metadata={
    "org.opencontainers.image.title": '"vision"',
    "org.opencontainers.image.description": '"Detection models on NVIDIA\'s PyTorch container"',
    "org.opencontainers.image.base.name": '"' + base + '"',
})
Stage0 += runscript(commands=["jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --allow-root"])
