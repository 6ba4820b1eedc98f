"""The all-MiniLM-L6-v2 sentence encoder, loaded by path and run offline, without torch or transformers.

What sentence-transformers does with this model, and nothing else: the BERT WordPiece tokenizer from
``tokenizer.json`` (the ``tokenizers`` package; truncation at 256 tokens, the model's max_seq_length,
not the 128 written in tokenizer.json), a 6-layer BERT (hidden 384, 12 heads, exact erf GELU), mean
pooling over the real tokens, then L2 normalisation. The pooler and the second token-type row are never
loaded; Q, K and V are fused into one matrix per layer.

Two forward passes share the weights: TensorFlow (a ``tf.function`` traced once for any batch shape;
the default, several times faster) and numpy (the readable reference, also used where TensorFlow is
unavailable). The encoder reads only the files in its directory: the offline flags of the Hugging Face
libraries are set before ``tokenizers`` is imported, and nothing here knows a hub or cache path.

Embeddings of texts seen before come from an LRU cache (short replies and repeated questions are common);
``shared_encoder`` keeps one instance per model directory in a process, so training, every fold of a
cross-validation and the server share one copy of the weights and one cache.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_flag] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no extra Rust thread pool next to TensorFlow's

import numpy as np  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "1_Pooling/config.json")
MAX_TOKENS = 256
DEFAULT_CACHE = 8192
BACKENDS = ("tf", "numpy")


class EncoderError(RuntimeError):
    """The model directory is missing or not the model this encoder implements."""


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))


class MiniLMEncoder:
    """Sentence embeddings (float32, unit length) for texts; ``encode`` batches, ``encode_one`` is one text."""

    def __init__(self, path: str | Path, backend: str = "tf", cache_size: int = DEFAULT_CACHE,
                 max_tokens: int = MAX_TOKENS, batch_size: int = 64) -> None:
        if backend not in BACKENDS:
            raise EncoderError(f"backend must be one of {BACKENDS}, not {backend!r}")
        self.path = Path(path)
        missing = [name for name in MODEL_FILES if not (self.path / name).is_file()]
        if missing:
            raise EncoderError(f"{self.path} lacks {', '.join(missing)}: run `python -m ops.encoder_setup`")
        config = json.loads((self.path / "config.json").read_text())
        pooling = json.loads((self.path / "1_Pooling" / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise EncoderError(f"{self.path}: not a BERT model with GELU ({config.get('model_type')})")
        if not pooling.get("pooling_mode_mean_tokens") or pooling.get("pooling_mode_cls_token"):
            raise EncoderError(f"{self.path}: this encoder implements mean pooling only")
        self.backend = backend
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(max_tokens, int(config["max_position_embeddings"]))
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self._weights: dict[str, np.ndarray] | None = self._load_weights(self.path / "model.safetensors")
        self._tf_forward: Any = None
        if backend == "tf":  # TensorFlow keeps its own copy of the weights: drop the numpy one (~90 MB)
            self._tf_forward = self._build_tf()
            self._weights = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    # --- weights ---------------------------------------------------------------------------------

    def _load_weights(self, file: Path) -> dict[str, np.ndarray]:
        raw = load_file(str(file))
        f32 = {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in raw.items()
               if not name.startswith("pooler.") and name != "embeddings.position_ids"}
        w = {
            "word": f32["embeddings.word_embeddings.weight"],
            # token type is always 0 for one sentence: fold that row into the position table
            "position": (f32["embeddings.position_embeddings.weight"]
                         + f32["embeddings.token_type_embeddings.weight"][0]),
            "emb_ln_g": f32["embeddings.LayerNorm.weight"], "emb_ln_b": f32["embeddings.LayerNorm.bias"],
        }
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            w[f"{i}.qkv_w"] = np.ascontiguousarray(np.concatenate(
                [f32[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")], axis=0).T)
            w[f"{i}.qkv_b"] = np.concatenate([f32[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            w[f"{i}.o_w"] = np.ascontiguousarray(f32[p + "attention.output.dense.weight"].T)
            w[f"{i}.o_b"] = f32[p + "attention.output.dense.bias"]
            w[f"{i}.ln1_g"] = f32[p + "attention.output.LayerNorm.weight"]
            w[f"{i}.ln1_b"] = f32[p + "attention.output.LayerNorm.bias"]
            w[f"{i}.ff1_w"] = np.ascontiguousarray(f32[p + "intermediate.dense.weight"].T)
            w[f"{i}.ff1_b"] = f32[p + "intermediate.dense.bias"]
            w[f"{i}.ff2_w"] = np.ascontiguousarray(f32[p + "output.dense.weight"].T)
            w[f"{i}.ff2_b"] = f32[p + "output.dense.bias"]
            w[f"{i}.ln2_g"] = f32[p + "output.LayerNorm.weight"]
            w[f"{i}.ln2_b"] = f32[p + "output.LayerNorm.bias"]
        if w["word"].shape[1] != self.hidden:
            raise EncoderError(f"{file}: embeddings are {w['word'].shape[1]}-d, config says {self.hidden}")
        return w

    @property
    def dimension(self) -> int:
        return self.hidden

    # --- tokens ----------------------------------------------------------------------------------

    def token_ids(self, text: str) -> list[int]:
        """WordPiece ids with [CLS] … [SEP], truncated at ``max_tokens`` like sentence-transformers."""
        return self.tokenizer.encode(text).ids

    def _batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int32)
        mask = np.zeros((len(texts), width), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1.0
        return ids, mask

    # --- forward passes --------------------------------------------------------------------------

    def forward_numpy(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._weights is None:
            raise EncoderError("this encoder was built for TensorFlow; create one with backend='numpy'")
        w, n, width = self._weights, ids.shape[0], ids.shape[1]
        head = self.hidden // self.heads
        x = _layer_norm(w["word"][ids] + w["position"][:width], w["emb_ln_g"], w["emb_ln_b"], self.eps)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head))
        for i in range(self.layers):
            qkv = x @ w[f"{i}.qkv_w"] + w[f"{i}.qkv_b"]
            qkv = qkv.reshape(n, width, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(n, width, self.hidden)
            x = _layer_norm(x + context @ w[f"{i}.o_w"] + w[f"{i}.o_b"], w[f"{i}.ln1_g"], w[f"{i}.ln1_b"], self.eps)
            inner = _gelu(x @ w[f"{i}.ff1_w"] + w[f"{i}.ff1_b"])
            x = _layer_norm(x + inner @ w[f"{i}.ff2_w"] + w[f"{i}.ff2_b"], w[f"{i}.ln2_g"], w[f"{i}.ln2_b"], self.eps)
        return _pool(x, mask)

    def _build_tf(self) -> Any:
        import tensorflow as tf

        assert self._weights is not None
        w = {name: tf.constant(value) for name, value in self._weights.items()}
        hidden, heads, eps, layers = self.hidden, self.heads, self.eps, self.layers
        head = hidden // heads
        scale = 1.0 / float(np.sqrt(head))

        def norm(x: Any, g: Any, b: Any) -> Any:
            mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
            return (x - mean) * tf.math.rsqrt(var + eps) * g + b

        signature = [tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.float32)]

        @tf.function(input_signature=signature, autograph=False)  # plain Python loop: no autograph temp files
        def forward(ids: Any, mask: Any) -> Any:
            n, width = tf.shape(ids)[0], tf.shape(ids)[1]
            x = norm(tf.gather(w["word"], ids) + w["position"][:width], w["emb_ln_g"], w["emb_ln_b"])
            bias = ((1.0 - mask) * -1e9)[:, None, None, :]
            for i in range(layers):
                qkv = tf.reshape(tf.matmul(tf.reshape(x, [-1, hidden]), w[f"{i}.qkv_w"]) + w[f"{i}.qkv_b"],
                                 [n, width, 3, heads, head])
                qkv = tf.transpose(qkv, [2, 0, 3, 1, 4])
                scores = tf.nn.softmax(tf.matmul(qkv[0], qkv[1], transpose_b=True) * scale + bias, axis=-1)
                context = tf.reshape(tf.transpose(tf.matmul(scores, qkv[2]), [0, 2, 1, 3]), [-1, hidden])
                flat = tf.reshape(x, [-1, hidden])
                attended = tf.matmul(context, w[f"{i}.o_w"]) + w[f"{i}.o_b"]
                flat = norm(flat + attended, w[f"{i}.ln1_g"], w[f"{i}.ln1_b"])
                inner = tf.nn.gelu(tf.matmul(flat, w[f"{i}.ff1_w"]) + w[f"{i}.ff1_b"], approximate=False)
                output = tf.matmul(inner, w[f"{i}.ff2_w"]) + w[f"{i}.ff2_b"]
                flat = norm(flat + output, w[f"{i}.ln2_g"], w[f"{i}.ln2_b"])
                x = tf.reshape(flat, [n, width, hidden])
            summed = tf.reduce_sum(x * mask[:, :, None], axis=1)
            pooled = summed / tf.maximum(tf.reduce_sum(mask, axis=1, keepdims=True), 1e-9)
            return pooled / tf.maximum(tf.norm(pooled, axis=1, keepdims=True), 1e-12)

        return forward

    def forward_tf(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._tf_forward is None:
            raise EncoderError("this encoder was built for numpy; create one with backend='tf'")
        return self._tf_forward(ids, mask).numpy()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.forward_tf(ids, mask) if self.backend == "tf" else self.forward_numpy(ids, mask)

    # --- encoding --------------------------------------------------------------------------------

    def encode_uncached(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings without the cache: texts sorted by length and batched, so padding stays small."""
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            ids, mask = self._batch([texts[k] for k in chunk])
            out[chunk] = self._forward(ids, mask)
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` (n × 384, unit rows); repeated and previously seen texts come from the cache."""
        texts = [t or "" for t in texts]
        with self._lock:
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.encode_uncached(todo)
            with self._lock:
                for text, vector in zip(todo, fresh, strict=True):
                    vector.setflags(write=False)
                    known[text] = vector
                    self._cache[text] = vector
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, self.hidden), np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
        self.hits = self.misses = 0


def _pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    summed = (x * mask[:, :, None]).sum(1)
    pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


_SHARED: dict[tuple[str, str], MiniLMEncoder] = {}
_SHARED_LOCK = threading.Lock()


def shared_encoder(path: str | Path, backend: str = "tf", cache_size: int = DEFAULT_CACHE) -> MiniLMEncoder:
    """One encoder per (model directory, backend) in this process: one copy of the weights, one cache."""
    key = (str(Path(path).resolve()), backend)
    cache_size = int(os.environ.get("B12_ENCODER_CACHE_SIZE") or cache_size)  # the NLU report: every fold's texts
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = MiniLMEncoder(path, backend=backend, cache_size=cache_size)
        return _SHARED[key]


def resolve_model_path(path: str | Path) -> Path:
    """A relative model path is taken from the repository root (Rasa may run from elsewhere)."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    from bot.paths import ROOT

    return ROOT / candidate


def limit_tf_threads(threads: int) -> bool:
    """One TensorFlow thread pool of ``threads`` (1 measures fastest on 2 cores, batch or not).

    Only possible before TensorFlow's runtime starts; False when it had already started (the pools stay).
    Rasa's own TF_INTRA_OP_PARALLELISM_THREADS / TF_INTER_OP_PARALLELISM_THREADS do the same at start-up.
    """
    import tensorflow as tf

    try:
        if tf.config.threading.get_intra_op_parallelism_threads() != threads:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
        if tf.config.threading.get_inter_op_parallelism_threads() != threads:
            tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        return False
    return True
