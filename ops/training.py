"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything that shapes it (config, domain, training data,
our spaCy pipeline, our custom NLU components, the Rasa version), so "is the model stale?" is a file
lookup and a second `make test` never retrains.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.paths import ROOT

MODELS = ROOT / "models"
SPACY_PIPELINE = MODELS / "spacy" / "b12_en"
# data/plans holds demo plan files, not training data
TRAINING_DATA = ("data/nlu", "data/rules.yml")


def training_inputs(root: Path = ROOT) -> list[Path]:
    files = [root / "config.yml", root / "domain.yml"]
    files += sorted((root / "data").glob("**/*.yml"))
    files += sorted((root / "rasa_ext" / "nlu").glob("*.py"))
    files += [root / "bot" / "safety" / "text.py"]  # the safety scorer's n-grams read the text it normalises
    files += sorted(p for p in SPACY_PIPELINE.glob("**/*") if p.is_file()) if SPACY_PIPELINE.exists() else []
    files += [root / "models" / "minilm" / ".b12-stamp.json"]  # the encoder the classifier was trained with
    # demo plan files live under data/ but do not shape the model
    return [f for f in files if f.is_file() and "plans" not in f.relative_to(root).parts]


def inputs_hash(root: Path = ROOT) -> str:
    import rasa

    digest = hashlib.sha256(f"rasa=={rasa.__version__}\n".encode())
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"b12-{inputs_hash(root)}.tar.gz"


def latest_model(root: Path = ROOT) -> Path | None:
    """The model for the current inputs if it exists, else the newest b12 model (stale but usable)."""
    current = model_path(root)
    if current.exists():
        return current
    models = sorted((root / "models").glob("b12-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def train(force: bool = False, root: Path = ROOT) -> Path:
    target = model_path(root)
    if target.exists() and not force:
        print(f"Model up to date (inputs unchanged), skipping training: {target.relative_to(root)}")
        return target
    print(f"Training the Rasa model (inputs changed) -> {target.relative_to(root)}", flush=True)
    started = time.monotonic()
    cmd = [
        str(Path(sys.executable).with_name("rasa")), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", *TRAINING_DATA,
        "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "TQDM_DISABLE": "1", "PYTHONPATH": str(root)}
    subprocess.run(cmd, cwd=root, check=True, env=env)
    for old in (root / "models").glob("b12-*.tar.gz"):
        if old != target:
            old.unlink()
    print(f"Trained in {time.monotonic() - started:.0f} s: {target.relative_to(root)}")
    return target
