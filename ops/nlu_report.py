"""`make nlu-report`: how well the trained NLU pipeline reads patients' messages (not run in CI).

Everything is measured on what the bot does: the pipeline of a config file is trained with Rasa, the
model loaded, and each message parsed through the whole NLU graph (classifier, clarification, safety
override). Printed and written to ``var/results/nlu_report.md``:

- 5-fold stratified, seeded cross-validation on ``data/nlu`` (the only data any choice is tuned on);
- the held-out sets ``tests/nlu/heldout.yml`` and ``heldout_real_world.yml`` and a typo'd copy of
  heldout.yml (``ops/typos.py``, seeded), with a model trained on all of data/nlu;
- per set: per-intent F1, macro-F1, accuracy, the top confusions, the fallback (clarification) rate and
  the confidently-wrong rate (answered with an intent that is wrong);
- on the CV predictions: the clarification threshold and margin that keep confidently-wrong ≤ 3 % and
  clarifications ≤ 8 %, for config.yml's B12IntentClassifier.

The "guess" of a message is its intent, or the best ranked intent when the intent is nlu_fallback;
macro-F1 and accuracy score the guess, the two rates say what the bot did with it.

``--compare`` runs each ``ops/nlu_configs/*.yml`` in its own process (cold: no shared cache, its own
threads) and prints CV macro-F1, held-out macro-F1, real-world accuracy, typo'd macro-F1, training time,
p50 parse latency per message with the embedding cache cleared, and the process's RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bot.paths import ROOT

RESULTS = ROOT / "var" / "results"
CONFIGS = ROOT / "ops" / "nlu_configs"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
REAL_WORLD = ROOT / "tests" / "nlu" / "heldout_real_world.yml"
FALLBACK = "nlu_fallback"
MAX_CONFIDENTLY_WRONG, MAX_CLARIFY = 0.03, 0.08
TYPO_SEED = 7
LATENCY_MESSAGES = 200

Example = tuple[str, str]  # text, intent


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"  # folds must not fill or read Rasa's training cache
    os.environ.setdefault("B12_ENCODER_CACHE_SIZE", "200000")  # every fold's texts stay embedded once
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)


def load_training(path: Path) -> Any:
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


def examples_of(data: Any) -> list[Example]:
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples if m.get("text")]


# --- training and parsing -----------------------------------------------------------------------------


def train(config: Path, data: Any, out: Path, name: str) -> Path:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    out.mkdir(parents=True, exist_ok=True)
    data_file = out / f"{name}.yml"
    RasaYAMLWriter().dump(data_file, data)
    model = train_nlu(config=str(config), nlu_data=str(data_file), output=str(out), fixed_model_name=name)
    if not model:
        raise RuntimeError(f"training {config} failed")
    return Path(model)


def _subset(data: Any, examples: list[Any]) -> Any:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData(training_examples=examples, entity_synonyms=data.entity_synonyms,
                        regex_features=data.regex_features, lookup_tables=data.lookup_tables)


def clear_encoder_caches() -> None:
    from rasa_ext.nlu import encoder

    for shared in encoder._SHARED.values():
        shared.clear_cache()


class Parser:
    """A trained model, parsing one message at a time through the whole NLU graph."""

    def __init__(self, model: Path) -> None:
        from rasa.core.agent import Agent

        self.agent = Agent.load(str(model))
        _quiet()  # training sets Rasa's log level again; debug logging would be timed too
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        return self.loop.run_until_complete(self.agent.parse_message(text))

    def outcomes(self, examples: list[Example]) -> list[dict[str, Any]]:
        return [outcome(gold, self.parse(text)) for text, gold in examples]

    def latency_ms(self, texts: list[str], cached: bool = False) -> float:
        times = []
        for text in texts:
            if not cached:
                clear_encoder_caches()
            started = time.perf_counter()
            self.parse(text)
            times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2] * 1000


def outcome(gold: str, parsed: dict[str, Any]) -> dict[str, Any]:
    """What the bot did with one message: intent, its guess, the classifier's confidence and margin."""
    intent = (parsed.get("intent") or {}).get("name") or FALLBACK
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    if intent != FALLBACK:
        confidence = float((parsed.get("intent") or {}).get("confidence") or 0.0)
        second = next((float(r["confidence"]) for r in ranking if r["name"] != intent), 0.0)
        guess = intent
    else:
        guess = ranking[0]["name"] if ranking else FALLBACK
        confidence = float(ranking[0]["confidence"]) if ranking else 0.0
        second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
    return {"gold": gold, "intent": intent, "guess": guess, "confidence": confidence,
            "margin": confidence - second, "segments": len(parsed.get("segments") or [])}


# --- metrics ----------------------------------------------------------------------------------------------


def metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from sklearn.metrics import precision_recall_fscore_support

    gold = [r["gold"] for r in rows]
    guess = [r["guess"] for r in rows]
    labels = sorted(set(gold))
    _, _, f1, support = precision_recall_fscore_support(gold, guess, labels=labels, zero_division=0)
    n = max(len(rows), 1)
    confusions = Counter((r["gold"], r["guess"]) for r in rows if r["gold"] != r["guess"])
    return {
        "n": len(rows),
        "macro_f1": float(sum(f1) / max(len(f1), 1)),
        "accuracy": sum(g == p for g, p in zip(gold, guess, strict=True)) / n,
        "fallback_rate": sum(r["intent"] == FALLBACK for r in rows) / n,
        "confidently_wrong": sum(r["intent"] not in (FALLBACK, r["gold"]) for r in rows) / n,
        "segmented": sum(r["segments"] > 0 for r in rows) / n,
        "per_intent": {label: (float(score), int(s)) for label, score, s in zip(labels, f1, support, strict=True)},
        "confusions": [(g, p, c) for (g, p), c in confusions.most_common(8)],
    }


def choose_thresholds(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Clarification threshold and margin on CV predictions: within both limits, the fewest
    2 × confidently-wrong + clarifications (a wrong answer is worse than one more question). When no pair
    meets both, the best pair within the clarification limit, marked ``met: False``."""
    feasible: tuple[float, dict[str, Any]] | None = None
    fallback: tuple[float, dict[str, Any]] | None = None
    n = max(len(rows), 1)
    for t in [x / 100 for x in range(10, 91, 2)]:
        for m in [x / 100 for x in range(0, 31, 2)]:
            clarify = [r["confidence"] < t or r["margin"] < m for r in rows]
            rate = sum(clarify) / n
            wrong = sum(not c and r["guess"] != r["gold"] for c, r in zip(clarify, rows, strict=True)) / n
            cost = 2 * wrong + rate
            point = {"clarify_threshold": t, "clarify_margin": m, "clarify_rate": rate, "confidently_wrong": wrong}
            if rate <= MAX_CLARIFY and (fallback is None or cost < fallback[0] - 1e-12):
                fallback = (cost, {**point, "met": wrong <= MAX_CONFIDENTLY_WRONG})
            within = wrong <= MAX_CONFIDENTLY_WRONG and rate <= MAX_CLARIFY
            if within and (feasible is None or cost < feasible[0] - 1e-12):
                feasible = (cost, {**point, "met": True})
    chosen = feasible or fallback
    return chosen[1] if chosen else None


# --- one configuration --------------------------------------------------------------------------------


def cross_validate(config: Path, data: Any, folds: int, seed: int, work: Path) -> list[dict[str, Any]]:
    from sklearn.model_selection import StratifiedKFold

    messages = [m for m in data.intent_examples if m.get("text")]
    labels = [m.get("intent") for m in messages]
    rows: list[dict[str, Any]] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (train_idx, test_idx) in enumerate(splitter.split(messages, labels)):
        started = time.monotonic()
        model = train(config, _subset(data, [messages[i] for i in train_idx]), work, f"fold{k}")
        parser = Parser(model)
        rows += parser.outcomes([(messages[i].get("text"), labels[i]) for i in test_idx])
        print(f"  fold {k + 1}/{folds}: {time.monotonic() - started:.0f} s", flush=True)
    return rows


def evaluate(config: Path, folds: int, seed: int, heldout: bool, work: Path) -> dict[str, Any]:
    _quiet()
    from ops.typos import typo_copy

    data = load_training(ROOT / "data" / "nlu")
    result: dict[str, Any] = {"config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
                              "examples": len(examples_of(data)), "folds": folds}
    started = time.monotonic()
    model = train(config, data, work, "full")  # first, so the encoder's cache is cold as in `rasa train`
    result["train_s"] = time.monotonic() - started
    if folds > 1:
        rows = cross_validate(config, data, folds, seed, work)
        result["cv"] = metrics(rows)
        result["thresholds"] = choose_thresholds(rows)
    parser = Parser(model)
    if heldout:
        held = examples_of(load_training(HELDOUT))
        result["heldout"] = metrics(parser.outcomes(held))
        result["real_world"] = metrics(parser.outcomes(examples_of(load_training(REAL_WORLD))))
        typo_texts = typo_copy([t for t, _ in held], seed=TYPO_SEED)
        result["typos"] = metrics(parser.outcomes(list(zip(typo_texts, [g for _, g in held], strict=True))))
        latency_texts = [t for t, _ in held][:LATENCY_MESSAGES]
    else:
        latency_texts = [t for t, _ in examples_of(data)][:LATENCY_MESSAGES]
    result["p50_ms_uncached"] = parser.latency_ms(latency_texts)
    result["p50_ms_cached"] = parser.latency_ms(latency_texts, cached=True)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# --- printing -------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def section(title: str, m: dict[str, Any]) -> list[str]:
    lines = [f"### {title} ({m['n']} messages)", "",
             f"macro-F1 **{m['macro_f1']:.3f}**, accuracy {m['accuracy']:.3f}, fallback (clarification) "
             f"{_pct(m['fallback_rate'])}, confidently wrong {_pct(m['confidently_wrong'])}, "
             f"split into segments {_pct(m['segmented'])}", "", "| intent | F1 | n |", "|---|---:|---:|"]
    ordered = sorted(m["per_intent"].items(), key=lambda item: item[1][0])
    lines += [f"| {name} | {f1:.2f} | {n} |" for name, (f1, n) in ordered]
    confusions = "; ".join(f"{g} → {p} ×{c}" for g, p, c in m["confusions"]) or "none"
    lines += ["", f"Top confusions (expected → guessed): {confusions}", ""]
    return lines


def report(result: dict[str, Any]) -> str:
    lines = [f"## NLU report: {result['config']} ({result['examples']} training examples)", "",
             f"Training (all of data/nlu, NLU only): {result['train_s']:.0f} s; parse p50 per message "
             f"{result['p50_ms_uncached']:.1f} ms uncached, {result['p50_ms_cached']:.1f} ms cached; "
             f"peak RSS {result['peak_rss_mb']:.0f} MB", ""]
    if "cv" in result:
        lines += section(f"{result['folds']}-fold cross-validation on data/nlu", result["cv"])
        t = result.get("thresholds")
        chosen = (f"threshold {t['clarify_threshold']:.2f}, margin {t['clarify_margin']:.2f} → clarify "
                  f"{_pct(t['clarify_rate'])}, confidently wrong {_pct(t['confidently_wrong'])}"
                  + ("" if t["met"] else " (the confidently-wrong limit is NOT met within the clarification limit)")
                  if t else "none")
        lines += [f"Clarification limits chosen on CV (confidently wrong ≤ {_pct(MAX_CONFIDENTLY_WRONG)}, clarify ≤ "
                  f"{_pct(MAX_CLARIFY)}): {chosen}", ""]
    for key, title in (("heldout", "Held-out (tests/nlu/heldout.yml)"),
                       ("real_world", "Held-out real world (tests/nlu/heldout_real_world.yml)"),
                       ("typos", f"Typo'd copy of heldout.yml (ops/typos.py, seed {TYPO_SEED})")):
        if key in result:
            lines += section(title, result[key])
    return "\n".join(lines)


def compare_table(results: list[dict[str, Any]]) -> str:
    def get(r: dict[str, Any], key: str, field: str) -> str:
        return f"{r[key][field]:.3f}" if key in r else "—"

    lines = ["| config | CV macro-F1 | held-out macro-F1 | real-world acc. | typo'd macro-F1 | CV clarify / conf. "
             "wrong | train (s) | p50 parse uncached (ms) | cached (ms) | peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        cv = r.get("cv")
        rates = f"{_pct(cv['fallback_rate'])} / {_pct(cv['confidently_wrong'])}" if cv else "—"
        lines.append(f"| {Path(r['config']).stem} | {get(r, 'cv', 'macro_f1')} | {get(r, 'heldout', 'macro_f1')} | "
                     f"{get(r, 'real_world', 'accuracy')} | {get(r, 'typos', 'macro_f1')} | {rates} | "
                     f"{r['train_s']:.0f} | {r['p50_ms_uncached']:.1f} | {r['p50_ms_cached']:.1f} | "
                     f"{r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def compare(configs: list[Path], folds: int, seed: int, heldout: bool) -> list[dict[str, Any]]:
    results = []
    for config in configs:
        print(f"\n==> {config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}", flush=True)
        with tempfile.TemporaryDirectory(prefix="nlu-compare-") as work:
            out = Path(work) / "result.json"
            cmd = [sys.executable, "-m", "ops.nlu_report", "--config", str(config), "--folds", str(folds),
                   "--seed", str(seed), "--json", str(out), "--out", str(Path(work) / "report.md")]
            cmd += [] if heldout else ["--no-heldout"]
            subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            results.append(json.loads(out.read_text()))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-heldout", action="store_true", help="cross-validation only (for tuning)")
    parser.add_argument("--compare", nargs="*", type=Path, metavar="CONFIG",
                        help="compare these configs (default: ops/nlu_configs/*.yml)")
    parser.add_argument("--json", type=Path, help="also write the raw result as JSON here")
    parser.add_argument("--out", type=Path, default=RESULTS / "nlu_report.md")
    args = parser.parse_args(argv)
    if args.compare is not None:
        configs = [c.resolve() for c in args.compare] or sorted(CONFIGS.glob("*.yml"))
        results = compare(configs, args.folds, args.seed, not args.no_heldout)
        text = "# NLU comparison\n\n" + compare_table(results) + "\n\n" + "\n\n".join(report(r) for r in results)
        printed = compare_table(results)
    else:
        with tempfile.TemporaryDirectory(prefix="nlu-report-") as work:
            result = evaluate(args.config.resolve(), args.folds, args.seed, not args.no_heldout, Path(work))
        results = [result]
        text = printed = "# NLU report\n\n" + report(result)
    if args.json:
        args.json.write_text(json.dumps(results[0] if len(results) == 1 and args.compare is None else results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    where = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"\n{printed}\n\nWritten to {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
