"""Build our spaCy pipeline (blank English + entity ruler) into ``models/spacy/b12_en``.

Rasa loads it by path (``SpacyNLP`` ``model: models/spacy/b12_en``). The saved pipeline uses only
spaCy's built-in ``entity_ruler`` factory, whose patterns are saved with it, so loading it needs no
code from this repository.

A stamp file inside the output directory holds the sha256 of the inputs (the patterns, this file and
the spaCy version). When nothing changed, building again does nothing, so ``make`` and the training
cache never see a new pipeline without a reason. ``--force`` rebuilds anyway.

Usage: ``python -m ops.spacy_build [--force] [--out DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from bot.nlp.patterns import LABELS, all_patterns
from bot.paths import ROOT

DEFAULT_OUT = "models/spacy/b12_en"
STAMP_NAME = "b12_build.sha256"
PIPELINE_NAME = "b12_en"
PIPELINE_VERSION = "1.0.0"

RULER_CONFIG = {
    # case-insensitive phrase patterns; token patterns say LOWER themselves
    "phrase_matcher_attr": "LOWER",
    "validate": True,
    "overwrite_ents": True,
}


def _resolve(out_dir: str | Path) -> Path:
    path = Path(out_dir)
    return path if path.is_absolute() else ROOT / path


def inputs_digest() -> str:
    """sha256 of everything that shapes the saved pipeline."""
    import spacy

    digest = hashlib.sha256()
    digest.update(f"spacy=={spacy.__version__}\n".encode())
    digest.update(json.dumps(all_patterns(), sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(RULER_CONFIG, sort_keys=True).encode())
    for source in (Path(__file__), ROOT / "bot" / "nlp" / "patterns.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def is_up_to_date(out_dir: str | Path = DEFAULT_OUT) -> bool:
    path = _resolve(out_dir)
    stamp = path / STAMP_NAME
    return (
        (path / "config.cfg").is_file()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == inputs_digest()
    )


def make_nlp():
    """The in-memory pipeline: a blank English tokenizer and our entity rules."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config=RULER_CONFIG)
    ruler.add_patterns(all_patterns())
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "B12 Guide: blank English tokenizer + entity rules for "
            + ", ".join(LABELS)
            + " (built by bot/nlp/build.py; no statistical components)",
            "author": "B12 Guide",
            "license": "proprietary",
        }
    )
    return nlp


def build_pipeline(out_dir: str | Path = DEFAULT_OUT, force: bool = False) -> Path:
    """Save the pipeline to ``out_dir`` (relative paths are relative to the repository) unless it
    is already up to date. Returns the pipeline directory.

    The new pipeline is written next to the old one and swapped in at the end, so an interrupted
    build never leaves a half-written model for Rasa to load."""
    path = _resolve(out_dir)
    if not force and is_up_to_date(path):
        print(f"spaCy pipeline up to date ({path})")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        nlp = make_nlp()
        nlp.to_disk(staging)
        (staging / STAMP_NAME).write_text(inputs_digest() + "\n", encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; the model directory is not a secret
        if path.exists():
            shutil.rmtree(path)
        staging.rename(path)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    count = len(nlp.get_pipe("entity_ruler"))
    print(f"Built spaCy pipeline {PIPELINE_NAME} with {count} entity patterns at {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.spacy_build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    args = parser.parse_args(argv)
    build_pipeline(args.out, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
