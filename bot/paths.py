"""Where things are in a checkout. One place, so no module works out the repository root itself."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"  # local databases, secrets and logs (ignored by git)
MODELS = ROOT / "models"
DATA = ROOT / "data"
DEMO_PLANS = DATA / "plans" / "demo"
