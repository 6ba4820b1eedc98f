"""B12IntentClassifier: MiniLM sentence embedding ⊕ word and character n-gram TF-IDF → logistic regression.

Self-contained: it needs only the message text (no Rasa featurizer before it). Dense and sparse blocks
are each unit length and weighted (``dense_weight``, ``word_weight``, ``char_weight``), so one C fits
all. Before both, keyboard slips are corrected with symspellpy over common English words plus every
word of the training data (``spell_english_words``; 0 turns it off); references, dates and numbers are
never touched, and the message's own text is left as the patient wrote it. The encoder's weights are not
copied into the Rasa model: they are read from ``encoder_path`` (``models/minilm``, put there by
``python -m ops.encoder_setup``); ``fingerprint_addon`` makes Rasa retrain when they or this code change.

Output, like Rasa's classifiers: ``intent`` and ``intent_ranking`` (top ``ranking_length``). It also does
the low-confidence handling itself (so no FallbackClassifier): when the top confidence is below
``clarify_threshold`` or the top two are closer than ``clarify_margin``, the intent becomes
``nlu_fallback`` (confidence = the threshold, as Rasa's FallbackClassifier does) with the ranking kept
below it. ``report_emergency`` is a label like any other: SafetyOverride, later, decides urgency.

Several questions in one message ("when is my next jab? also can I drink alcohol") are split into parts
(see ``split_parts``) and each part is classified. When at least two parts get different confident
intents, the message carries ``segments``: ``[{"text", "intent", "confidence"}, …]`` in order (a part that
is not confident is listed as ``nlu_fallback``), and its main intent is the first part whose intent is a
question rather than dialogue (thank, affirm, greet …), so the rest of the pipeline sees the question.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rasa_ext.nlu import persistence
from rasa_ext.nlu.encoder import limit_tf_threads, resolve_model_path, shared_encoder

logger = logging.getLogger(__name__)

FALLBACK = "nlu_fallback"
DIALOGUE_INTENTS = ("greet", "goodbye", "thank", "affirm", "deny", "stop", "bot_challenge", "request_human",
                    "out_of_scope", "help", "provide_identity")

# --- text for the sparse features --------------------------------------------------------------------

_REFERENCE = re.compile(r"\b[a-z]{2,6}-\d{2,}\b", re.I)
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?")


def sparse_text(text: str) -> str:
    """Lower case; a patient reference, a date and a number each become one placeholder word."""
    text = _REFERENCE.sub(" xref ", text.lower())
    return _NUMBER.sub(" xnum ", _DATE.sub(" xdate ", text))


# --- several questions in one message -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[?!.;:])\s+")
_QUESTION_WORDS = ("when", "what", "which", "how", "where", "why", "who", "can", "could", "should", "do", "does",
                   "did", "is", "are", "will", "would", "may", "am", "have", "has")
_JOIN = re.compile(r"(?:(?:,\s*|\s+)(?:and\s+also|and|also|plus|oh\s+and)\s+(?=(?:" + "|".join(_QUESTION_WORDS)
                   + r"|the|my|about|what's|whats|whens|wots|i|im|i'm)\b)|,\s+(?=(?:when|what|how|where|why|what's|"
                   r"whats|when's|whens)\b))", re.I)  # "… and when is …", ", also …", "how many, when …"
_LEADING_JOIN = re.compile(r"^(?:and\s+also|and|also|plus|oh\s+and|but)\b[\s,]*", re.I)
_WORD = re.compile(r"[a-z0-9']+", re.I)


# "please tell me the date of …", "I'd like to know which …": a question put as a request
_ASKING = re.compile(r"\b(?:tell me|let me know|i (?:want|would like|'d like) to know|i wonder|explain|remind me)\b",
                     re.I)


def _looks_like_question(part: str) -> bool:
    # "what's", "whats", "when's" count as their question word
    words = [re.sub(r"(?:'s|s)$", "", w.lower()) if w.lower().startswith(("what", "when", "how", "where", "who"))
             else w.lower() for w in _WORD.findall(_LEADING_JOIN.sub("", part.strip()))]
    return part.rstrip().endswith("?") or bool(_ASKING.search(part)) or bool(words) and (
        words[0] in _QUESTION_WORDS or any(w in ("when", "what", "which", "how", "why", "where") for w in words))


def split_parts(text: str, min_words: int = 2, short_words: int = 4, max_parts: int = 8) -> list[str]:
    """The questions of a message, in order: split at sentence ends, then at "and/also/plus" before a question or
    a comma between two questions, kept only when the right-hand part reads as a question and both sides have
    ``min_words`` words ("the tablets and the injections" stays whole). A statement of more than ``short_words``
    words is context: it joins the part after it (or the one before, at the end), so "My husband had his jab
    last week. When is the next one?" is one question and "ok thank you. And the blood test, which day?" two.
    At most ``max_parts``: each is classified, and a wall of text must not cost every patient's time."""
    text = text.strip()
    spans: list[tuple[int, int]] = []
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    for begin, finish in zip(starts, [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)], strict=True):
        sentence, cut_at = text[begin:finish], begin
        for match in _JOIN.finditer(sentence):
            left, right = text[cut_at:begin + match.start()], sentence[match.end():]
            sized = min(len(_WORD.findall(left)), len(_WORD.findall(right))) >= min_words
            joined = _WORD.search(match.group(0)) or _looks_like_question(left)  # a bare comma joins 2 questions
            if sized and joined and _looks_like_question(right):
                spans.append((cut_at, begin + match.start()))
                cut_at = begin + match.start()
        spans.append((cut_at, finish))
    spans = [span for span in spans if _WORD.search(text[span[0]:span[1]])]
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for begin, finish in spans:
        part = text[begin:finish]
        if _looks_like_question(part) or len(_WORD.findall(part)) <= short_words:
            merged.append((begin if pending is None else pending, finish))
            pending = None
        elif pending is None:
            pending = begin
    if pending is not None:
        merged = merged[:-1] + [(merged[-1][0] if merged else pending, len(text))]
    parts = [text[b:f].strip(" ,") for b, f in merged]
    if len(parts) > max_parts:  # a wall of text: its questions (the bot answers three), not every clause
        parts = ([part for part in parts if part.rstrip().endswith("?")] or parts)[:max_parts]
    return parts if len(parts) > 1 else [text]


def clean_part(part: str) -> str:
    """A part without its leading "and"/"also", as the classifier is trained on whole questions."""
    return _LEADING_JOIN.sub("", part).strip() or part


# --- typos ---------------------------------------------------------------------------------------------

_LETTER_RUN = re.compile(r"[A-Za-z]+")
_NO_TOUCH = re.compile(r"\S*\d\S*")  # references, dates, doses, numbers: never "corrected"


class Speller:
    """symspellpy over the ``english_words`` commonest English words (symspellpy's own frequency list)
    plus every word of the training data, which outranks them. A word of four or more letters that is
    in neither is replaced by its nearest entry (edit distance 1, or 2 from six letters on); tokens with a
    digit are left alone. Only the classifier's input is corrected, never the message's text."""

    def __init__(self, domain_words: set[str], english_words: int = 30000) -> None:
        self.domain = sorted(w for w in domain_words if len(w) >= 3)
        self.english_words = english_words
        self._symspell: Any = None

    def __getstate__(self) -> dict[str, Any]:  # the SymSpell index is rebuilt on load (~1.5 s), not pickled
        return {**self.__dict__, "_symspell": None}

    def warm(self) -> None:
        self._index()

    def _index(self) -> Any:
        if self._symspell is None:
            from importlib.resources import files

            from symspellpy import SymSpell

            index = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
            with (files("symspellpy") / "frequency_dictionary_en_82_765.txt").open(encoding="utf-8") as handle:
                for _, line in zip(range(self.english_words), handle, strict=False):
                    word, count = line.split()
                    index.create_dictionary_entry(word, int(count))
            for word in self.domain:
                index.create_dictionary_entry(word, 10**9)
            self._symspell = index
        return self._symspell

    def correct(self, text: str) -> str:
        index = self._index()
        from symspellpy import Verbosity

        def word(match: re.Match[str]) -> str:
            lower = match.group(0).lower()
            if len(lower) < 4 or lower in index.words:
                return match.group(0)
            found = index.lookup(lower, Verbosity.TOP, max_edit_distance=2 if len(lower) >= 6 else 1)
            return found[0].term if found else match.group(0)

        pieces, start = [], 0
        for protected in _NO_TOUCH.finditer(text):
            pieces += [_LETTER_RUN.sub(word, text[start:protected.start()]), protected.group(0)]
            start = protected.end()
        return "".join(pieces) + _LETTER_RUN.sub(word, text[start:])


# --- the model ----------------------------------------------------------------------------------------


@dataclass
class Prediction:
    ranking: list[tuple[str, float]]  # every label, best first

    @property
    def intent(self) -> str:
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        return self.ranking[0][1]

    @property
    def margin(self) -> float:
        return self.ranking[0][1] - (self.ranking[1][1] if len(self.ranking) > 1 else 0.0)


class IntentModel:
    """The features and the logistic regression, apart from Rasa (the report and the tests use it too)."""

    def __init__(self, encoder: Any, dense_weight: float = 1.0, word_weight: float = 1.0, char_weight: float = 1.0,
                 C: float = 10.0, class_weight: str | None = None, max_iter: int = 2000, seed: int = 42,
                 spell_english_words: int = 0) -> None:
        self.encoder = encoder
        self.spell_english_words = spell_english_words  # 0: no spelling correction
        self.speller: Speller | None = None
        self.weights = (dense_weight, word_weight, char_weight)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                    token_pattern=r"(?u)\b\w+\b", dtype=np.float32)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                    dtype=np.float32)
        self.lr = LogisticRegression(C=C, max_iter=max_iter, class_weight=class_weight, random_state=seed)
        self.labels: list[str] = []

    def features(self, texts: list[str], dense: np.ndarray | None = None, fit: bool = False) -> sp.csr_matrix:
        if self.speller is not None:
            texts = [self.speller.correct(t) for t in texts]
        dense = self.encoder.encode(texts) if dense is None else dense
        sparse_texts = [sparse_text(t) for t in texts]
        if not fit:
            return self._rows(dense, sparse_texts)
        blocks = [sp.csr_matrix(dense * self.weights[0])] if self.weights[0] else []
        for vectorizer, weight in ((self.word, self.weights[1]), (self.char, self.weights[2])):
            if weight:
                blocks.append(vectorizer.fit_transform(sparse_texts) * weight)
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def _rows(self, dense: np.ndarray, sparse_texts: list[str]) -> sp.csr_matrix:
        """The same matrix as at training (TF-IDF with sublinear tf, L2 rows), built directly: sklearn's
        transform and hstack cost ~2 ms a message in checks and conversions, this ~0.2 ms."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for row, text in enumerate(sparse_texts):
            offset, cols, vals = 0, [], []
            if self.weights[0]:
                cols.append(np.arange(dense.shape[1]))
                vals.append(dense[row].astype(np.float64) * self.weights[0])
                offset = dense.shape[1]
            for vectorizer, weight in ((self.word, self.weights[1]), (self.char, self.weights[2])):
                if not weight:
                    continue
                vocabulary = vectorizer.vocabulary_
                counts = Counter(j for j in map(vocabulary.get, vectorizer.build_analyzer()(text)) if j is not None)
                if counts:
                    ids = np.fromiter(counts.keys(), np.int64, len(counts))
                    tfidf = (np.log(np.fromiter(counts.values(), np.float64, len(counts))) + 1.0) * vectorizer.idf_[ids]
                    cols.append(ids + offset)
                    vals.append(tfidf / np.sqrt(tfidf @ tfidf) * weight)
                offset += len(vocabulary)
            columns.append(np.concatenate(cols) if cols else np.zeros(0, np.int64))
            values.append(np.concatenate(vals) if vals else np.zeros(0))
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in columns])])
        width = (dense.shape[1] if self.weights[0] else 0) + sum(
            len(v.vocabulary_) for v, w in ((self.word, self.weights[1]), (self.char, self.weights[2])) if w)
        return sp.csr_matrix((np.concatenate(values).astype(np.float32), np.concatenate(columns), indptr),
                             shape=(len(sparse_texts), width))

    def fit(self, texts: list[str], labels: list[str], dense: np.ndarray | None = None) -> IntentModel:
        if self.spell_english_words:
            self.speller = Speller({w.lower() for t in texts for w in _LETTER_RUN.findall(t)}, self.spell_english_words)
        self.lr.fit(self.features(texts, dense, fit=True), labels)
        self._coef_t: np.ndarray | None = None
        self.labels = [str(label) for label in self.lr.classes_]
        return self

    def probabilities(self, features: sp.csr_matrix) -> np.ndarray:
        """LogisticRegression.predict_proba (multinomial), without its per-call copy of the transposed
        coefficients (27k × 43: ~2.5 ms a message); the scores are a sparse row times a C-ordered matrix."""
        if getattr(self, "_coef_t", None) is None:
            self._coef_t = np.ascontiguousarray(self.lr.coef_.T)
        scores = np.asarray(features @ self._coef_t) + self.lr.intercept_
        if scores.shape[1] == 1:  # two labels: sklearn's binary model
            scores = np.hstack([np.zeros_like(scores), scores])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str], dense: np.ndarray | None = None) -> list[Prediction]:
        if not texts:
            return []
        probabilities = self.probabilities(self.features(texts, dense))
        out = []
        for row in probabilities:
            order = np.argsort(-row, kind="stable")
            out.append(Prediction([(self.labels[k], float(row[k])) for k in order]))
        return out


def is_confident(prediction: Prediction, threshold: float, margin: float) -> bool:
    return prediction.confidence >= threshold and prediction.margin >= margin


def encoder_for(config: dict[str, Any]) -> Any:
    if config.get("tf_threads"):
        limit_tf_threads(int(config["tf_threads"]))
    return shared_encoder(resolve_model_path(config["encoder_path"]), backend=config["encoder_backend"],
                          cache_size=int(config["cache_size"]))


def model_path_exists(config: dict[str, Any]) -> bool:
    return Path(resolve_model_path(config["encoder_path"]), "model.safetensors").is_file()


# --- the Rasa component -------------------------------------------------------------------------------

SEGMENTS_KEY = "segments"
MODEL_FILE = "b12_intent_model.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class B12IntentClassifier(GraphComponent, IntentClassifier):
    """MiniLM ⊕ n-gram TF-IDF → logistic regression; clarification and multi-question segments."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "encoder_path": "models/minilm", "encoder_backend": "tf", "tf_threads": 1, "cache_size": 8192,
            "dense_weight": 1.0, "word_weight": 1.0, "char_weight": 1.0, "C": 10.0, "class_weight": None,
            "spell_english_words": 30000,
            "max_iter": 2000, "random_seed": 42, "ranking_length": 10,
            "clarify_threshold": 0.3, "clarify_margin": 0.05, "segments": True, "segment_min_words": 2,
            "dialogue_intents": list(DIALOGUE_INTENTS),
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the feature code or the encoder files change, not only this class's source."""
        stamp = Path(resolve_model_path(config.get("encoder_path", "models/minilm")), ".b12-stamp.json")
        return persistence.files_digest([Path(__file__), Path(__file__).with_name("encoder.py"), stamp])

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: IntentModel | None = None) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage, self._resource, self.model = model_storage, resource, model
        self._dialogue = frozenset(self.component_config["dialogue_intents"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> B12IntentClassifier:
        return cls(config, model_storage, resource)

    def _new_model(self) -> IntentModel:
        c = self.component_config
        return IntentModel(encoder_for(c), dense_weight=c["dense_weight"], word_weight=c["word_weight"],
                           char_weight=c["char_weight"], C=c["C"], class_weight=c["class_weight"],
                           max_iter=c["max_iter"], seed=c["random_seed"], spell_english_words=c["spell_english_words"])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            logger.warning("B12IntentClassifier needs at least two intents with examples; not trained.")
            return self._resource
        self.model = self._new_model().fit([m.get(TEXT) for m in examples], labels)
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.model is None:
            return
        encoder, self.model.encoder = self.model.encoder, None  # the weights stay in models/minilm
        try:
            persistence.save(self._model_storage, self._resource, MODEL_FILE, self.model)
        finally:
            self.model.encoder = encoder

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> B12IntentClassifier:
        component = cls(config, model_storage, resource)
        model = persistence.load(model_storage, resource, MODEL_FILE)
        if model is None:
            logger.warning("B12IntentClassifier: no trained model in the resource; it will predict nothing.")
            return component
        model.encoder = encoder_for(component.component_config)
        if model.speller is not None:
            model.speller.warm()  # build the spelling index now, not on the first message
        component.model = model
        return component

    # --- prediction ----------------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self.model is None or not text.strip() or text.startswith("/"):
                continue  # "/intent{...}" payloads are Rasa's RegexMessageHandler's
            main, segments = self.classify(text)
            self._set(message, main, segments)
        return messages

    def classify(self, text: str) -> tuple[Prediction, list[dict[str, Any]] | None]:
        """The prediction for the message (or its first question part) and its segments, if any."""
        assert self.model is not None
        c = self.component_config
        parts = split_parts(text, c["segment_min_words"]) if c["segments"] else [text]
        predictions = self.model.predict([text] + ([clean_part(p) for p in parts] if len(parts) > 1 else []))
        whole, part_predictions = predictions[0], predictions[1:]
        confident = [p.intent for p in part_predictions if self._confident(p)]
        if not confident:
            return whole, None
        # every part, sure or not: the bot reads an unsure part against its words and the conversation
        # ("what's intrinsic factor and when's my next injection")
        segments = [{"text": clean_part(part), "intent": p.intent if self._confident(p) else FALLBACK,
                     "confidence": round(p.confidence, 4)} for part, p in zip(parts, part_predictions, strict=True)]
        if len(confident) < 2 or len(set(confident)) < 2:
            return whole, segments
        content = next((p for p in part_predictions if self._confident(p) and p.intent not in self._dialogue), None)
        return (content or whole), segments

    def _confident(self, prediction: Prediction) -> bool:
        return is_confident(prediction, self.component_config["clarify_threshold"],
                            self.component_config["clarify_margin"])

    def _set(self, message: Message, prediction: Prediction, segments: list[dict[str, Any]] | None) -> None:
        ranking = [{"name": name, "confidence": confidence}
                   for name, confidence in prediction.ranking[: self.component_config["ranking_length"]]]
        if self._confident(prediction):
            intent = dict(ranking[0])
        else:  # ask instead of guessing, the way Rasa's FallbackClassifier marks it
            intent = {"name": FALLBACK, "confidence": float(self.component_config["clarify_threshold"])}
            ranking.insert(0, dict(intent))
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        if segments:
            message.set(SEGMENTS_KEY, segments, add_to_output=True)
