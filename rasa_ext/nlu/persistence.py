"""What our trainable NLU components share: one object kept in the Rasa model as a joblib file, and a
fingerprint over the files (code, data, encoder stamp) that shape it beyond Rasa's own training data."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


def files_digest(paths: Iterable[Path]) -> str:
    """One hash of the files' bytes (a missing file counts as its missing path, so it too changes the hash)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.is_file() else b"missing " + str(path).encode())
    return digest.hexdigest()


def save(model_storage: ModelStorage, resource: Resource, filename: str, obj: Any) -> None:
    import joblib

    with model_storage.write_to(resource) as directory:
        joblib.dump(obj, Path(directory) / filename)


def load(model_storage: ModelStorage, resource: Resource, filename: str) -> Any | None:
    """The object saved under `filename`, or None when the model holds none."""
    import joblib

    try:
        with model_storage.read_from(resource) as directory:
            return joblib.load(Path(directory) / filename)
    except (ValueError, FileNotFoundError):
        return None
