"""`make nlu-report`: 5-fold cross-validation of the NLU pipeline (intent macro-F1), not run in CI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bot.paths import ROOT

OUT = ROOT / "var" / "results" / "nlu-cv"


def main(folds: int = 5) -> float:
    started = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "test", "nlu", "--config", "config.yml", "--nlu", "data/nlu",
         "--cross-validation", "--folds", str(folds), "--out", str(OUT), "--no-plot"],
        cwd=ROOT, check=True,
    )
    report = json.loads((OUT / "intent_report.json").read_text())
    macro = report["macro avg"]
    weakest = sorted(
        ((name, row["f1-score"]) for name, row in report.items() if isinstance(row, dict) and "support" in row
         and name not in ("macro avg", "weighted avg", "micro avg")),
        key=lambda item: item[1],
    )[:5]
    print(f"\nNLU {folds}-fold cross-validation ({time.monotonic() - started:.0f} s)")
    print(f"  intent macro-F1:    {macro['f1-score']:.3f}")
    print(f"  intent accuracy:    {report.get('accuracy', float('nan')):.3f}")
    print("  weakest intents:    " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest))
    return macro["f1-score"]


if __name__ == "__main__":
    main()
