# B12 Guide — the two commands a newcomer needs: `make run` and `make test`.
# Both set everything up first (idempotently: a second run skips what is up to date).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
TRAINING_DATA := data/nlu data/rules.yml

.PHONY: help setup run test lint validate pytest conversations nlu-report nlu-compare safety-report bench soak bench-scaled run-scaled clean

help:
	@echo "make run      set up if needed, then start the bot (actions :5055, Rasa :5005, demo page :8080, staff console :8081)"
	@echo "make test     set up if needed, then run every check (lint, pytest, data validation, conversations)"
	@echo "make nlu-report  NLU cross-validation and the independent held-out sets; make nlu-compare: the candidates"
	@echo "make safety-report  red-flag and dose-change figures on the independent sets A to G"
	@echo "make bench    benchmark against Rasa's starter bot (not in CI); make soak: 5 minutes at 50 users"
	@echo "make bench-scaled  the embedded configuration against one scale-out replica (PostgreSQL + Redis)"
	@echo "make run-scaled  2 Rasa + 2 action servers on PostgreSQL + Redis"

setup:
	@scripts/setup.sh

run: setup
	@$(PY) -m bot serve

test:
	@scripts/setup.sh --test
	@$(MAKE) --no-print-directory lint validate pytest conversations
	@echo "All checks passed."

lint:
	@echo "==> ruff"
	@$(VENV)/bin/ruff check .

validate:
	@echo "==> rasa data validate"
	@$(RASA) data validate --fail-on-warnings --config config.yml --domain domain.yml --data $(TRAINING_DATA)

pytest:
	@echo "==> pytest (unit, integration, end to end)"
	@$(PY) -m pytest

conversations:
	@echo "==> rasa test: conversation test stories"
	@$(RASA) test core --stories tests/conversations --model $$($(PY) -c 'from ops.training import latest_model; print(latest_model())') \
		--fail-on-prediction-errors --out var/results/conversations --no-plot

nlu-report: setup
	@$(PY) -m ops.nlu_report

nlu-compare: setup
	@$(PY) -m ops.nlu_report --compare

safety-report: setup
	@for set in "" --set-b --set-c --set-d --set-e --set-f --set-g; do \
		$(PY) -m ops.safety_report $$set && $(PY) -m ops.safety_report $$set --pipeline || exit 1; done

bench: setup
	@$(PY) -m bench.run

soak: setup
	@$(PY) -m bench.run --soak 300

bench-scaled: setup
	@$(PY) -m bench.run --scaled-config

run-scaled: setup
	@$(PY) -m ops.scaled

clean:
	rm -rf var/results var/logs var/artifacts
