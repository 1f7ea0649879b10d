# havn: `make run` starts everything, `make test` runs the whole suite. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
RASA_VENV := .venv-rasa
# Real interpreters (not pyenv shims, which fail when that version is not selected).
find_python = $(shell for p in python$(1) $$HOME/.pyenv/versions/$(1)*/bin/python$(1) /usr/bin/python$(1); do \
	$$p -c 'import sys; assert sys.version_info[:2] == ($(subst .,$(comma),$(1))); print(sys.executable)' \
	2>/dev/null && break; done)
comma := ,
PYTHON311 ?= $(call find_python,3.11)
PYTHON310 ?= $(call find_python,3.10)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install run run-scaled chaos test test-conversations lint validate train bench bench-gateway bench-load bench-queue bench-relay bench-language bench-danger danger-net bench-first-message nlu-report fuzz clean

help:
	@echo "make run   - install what is missing, train the Rasa model if needed, start Rasa, actions and the app"
	@echo "make test  - install what is missing and run the whole suite (lint, rasa data validate, conversation tests, pytest)"
	@echo "make run-scaled - the scaled stack: PostgreSQL, Redis, 2 Rasa, 2 action servers, 2 apps, HAProxy on 8080"
	@echo "make chaos          - fault tests of whole stacks (processes stopped and killed; minutes: real Rasa)"
	@echo "make test-conversations - Rasa test stories (tests/conversations): NLU, dialogue, custom actions (trains if needed)"
	@echo "make bench          - turn throughput and latency: Rasa alone, web chat, Telegram (bench/turns.py)"
	@echo "make bench-gateway  - the app's own cost per turn against a Rasa that costs nothing; GATEWAY_ARGS=\"--against DIR\" for an A/B (bench/gateway.py)"
	@echo "make bench-load     - LOAD_USERS web chat people for LOAD_MINUTES: errors, limits, stored once, p95, app RSS (bench/load.py)"
	@echo "make bench-queue    - claim latency with 20 caseworkers, double claims, console events across two instances (bench/queue_claims.py)"
	@echo "make bench-language - language detection accuracy, time and memory (bench/language.py)"
	@echo "make bench-danger   - danger lexicon recall, false alarms, µs per message on the blind sets tests/data/danger and danger2 (bench/danger.py)"
	@echo "make danger-net     - train the danger net again on bench/data/danger_* (content/danger_net.json; tools/train_danger_net.py)"
	@echo "make bench-relay    - console event latency app A → WebSocket on app B through Redis (bench/relay.py)"
	@echo "make bench-first-message - share of first messages answered in their own language (bench/first_message.py)"
	@echo "make nlu-report     - 5-fold cross-validation intent F1 per language, training time (docs/nlu-report.md)"
	@echo "make fuzz           - fuzz the console API (Schemathesis), the web chat and the Telegram webhook (Hypothesis): FUZZ_CASES cases"

$(VENV)/.installed: requirements/app.lock pyproject.toml
	@test -n "$(PYTHON311)" || { echo "Python 3.11 is needed for the app: install it (e.g. 'pyenv install 3.11')."; exit 1; }
	@echo "Installing the app environment ($(VENV), $(PYTHON311))…"
	@test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/app.lock
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -n "$(PYTHON310)" || { echo "Rasa 3.6 needs Python 3.10, which was not found."; \
		echo "Install it with 'pyenv install 3.10' (or your system's python3.10 package), then run make again."; \
		echo "You can also point to it: make PYTHON310=/path/to/python3.10 ..."; exit 1; }
	@echo "Installing the Rasa environment ($(RASA_VENV), $(PYTHON310)); the first time takes a few minutes…"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/rasa.lock
	@touch $@

install: $(VENV)/.installed $(RASA_VENV)/.installed

# The browser tests drive Debian's Chromium with Playwright (no browser download from the internet).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "Installing Chromium for the browser tests (Debian package 'chromium')…"
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	|| { echo "Could not install Chromium: install the Debian package 'chromium' and run make test again."; exit 1; }

# zbarimg reads the QR code of an outreach card back in its test (tests/unit/test_outreach_card.py).
ZBARIMG := /usr/bin/zbarimg
$(ZBARIMG):
	@echo "Installing zbar for the outreach card test (Debian package 'zbar-tools')…"
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq zbar-tools >/dev/null \
	|| { echo "Could not install zbar: install the Debian package 'zbar-tools' and run make test again."; exit 1; }

# redis-server: a private one for the tests of several app instances (tests/redis_server.py, docs/scale.md).
REDIS_SERVER := /usr/bin/redis-server
$(REDIS_SERVER):
	@echo "Installing redis-server for the tests of several app instances (Debian package 'redis-server')…"
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null \
	|| { echo "Could not install redis-server: install the Debian package 'redis-server' and run make test again."; exit 1; }

# axe-core (npm) for the browser tests' accessibility checks (tests/browser/accessibility.py), pinned by the lock
# file; `npm ci` installs exactly that, from the npm registry only.
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests: install the Debian package 'npm'."; exit 1; }
	@echo "Installing axe-core for the browser tests (npm ci)…"
	@npm ci --prefix tests/browser/axe --no-audit --no-fund --silent
	@touch $@

run: install
	$(VENV)/bin/havn run

# HAProxy in front of the scaled stack's two apps (Debian's package; docs/scale.md, "The scaled stack").
HAPROXY := /usr/sbin/haproxy
$(HAPROXY):
	@echo "Installing HAProxy for the scaled stack (Debian package 'haproxy')…"
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq haproxy >/dev/null \
	|| { echo "Could not install HAProxy: install the Debian package 'haproxy' and run make run-scaled again."; exit 1; }

# The scaled stack on this machine (bot/scaled_stack.py): PostgreSQL and Redis as configured, else private ones
# under var/scaled/, two Rasa with Redis locks, two action servers, two apps, HAProxy on HAVN_PORT (8080).
run-scaled: install $(HAPROXY)
	$(VENV)/bin/havn run-scaled

# Fault tests of whole stacks on real processes (tests marked `chaos`, and `havn run`'s supervised stack): one
# Rasa stopped, the turns go to the other; one app stopped, HAProxy sends everything to the other; a killed
# process comes back. Minutes: every Rasa loads its model.
CHAOS_TESTS := tests/integration/test_scaled_stack.py tests/integration/test_supervised_stack.py
chaos: install $(HAPROXY) $(MODEL)
	HAVN_CHAOS=1 HAVN_TEST_HANG_SECONDS=1800 $(VENV)/bin/python -m pytest $(CHAOS_TESTS) -q -p no:cacheprovider

train: install
	$(VENV)/bin/havn train

# ruff, then the import contracts of pyproject.toml: bot → handover → core, screening pure (docs/architecture.md).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# The model, retrained when the domain, the training data or the pipeline changed since it was written (Rasa's
# cache then reuses what it can). `make run` and the integration tests ask Rasa itself, which takes minutes.
MODEL := models/havn.tar.gz
$(MODEL): config.yml $(shell find domain nlu_data -name '*.yml') | $(VENV)/.installed $(RASA_VENV)/.installed
	$(VENV)/bin/havn train
	@touch $@

# Conversation tests (tests/conversations/test_*.yml). `rasa test core --e2e` checks each typed line's intent and
# each action Rasa predicts; it runs no action, so tests/conversations/live.py then replays the same stories
# against the real Rasa server and action server (started on free loopback ports, stopped afterwards) and checks
# what the custom actions answered. Rasa's results and log: results/conversations/ (git-ignored).
CONVERSATION_RESULTS := results/conversations
test-conversations: $(VENV)/.installed $(RASA_VENV)/.installed $(MODEL)
	@rm -rf $(CONVERSATION_RESULTS) && mkdir -p $(CONVERSATION_RESULTS)
	@echo "Conversation tests: rasa test core (intents and predicted actions)…"
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore $(RASA_VENV)/bin/rasa test core --e2e --no-plot \
		--model $(MODEL) --stories tests/conversations --out $(CONVERSATION_RESULTS) \
		>$(CONVERSATION_RESULTS)/rasa-test.log 2>&1 || { tail -n 30 $(CONVERSATION_RESULTS)/rasa-test.log; exit 1; }
	@echo "Conversation tests: the same stories against the running Rasa and action server…"
	@$(VENV)/bin/python -m tests.conversations.live --results $(CONVERSATION_RESULTS)

validate: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/rasa data validate --domain domain --data nlu_data --config config.yml --fail-on-warnings --quiet

# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
test: install lint validate test-conversations $(CHROMIUM) $(ZBARIMG) $(REDIS_SERVER) $(HAPROXY) $(AXE)
	@$(VENV)/bin/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$rc

bench: install
	$(VENV)/bin/python bench/turns.py

# The app's own cost per web chat turn (a fake Rasa); GATEWAY_ARGS="--against ../other-checkout --concurrency 20".
GATEWAY_ARGS ?=
bench-gateway: $(VENV)/.installed
	$(VENV)/bin/python bench/gateway.py $(GATEWAY_ARGS)

# Load, measured (issue 17). bench-load starts its own stack (a fresh PostgreSQL database, real Rasa, one app)
# unless LOAD_ARGS points it at a running one, e.g. LOAD_ARGS="--url http://127.0.0.1:8080 --database-url
# postgresql://… --app-pid 123 --app-pid 456" (the app must trust 127.0.0.1's X-Forwarded-For: bench/load.py);
# LOAD_ARGS="--saturate" ramps the message rate instead. bench-queue needs PostgreSQL and redis-server.
LOAD_USERS ?= 200
LOAD_MINUTES ?= 10
LOAD_ARGS ?=
bench-load: install $(MODEL)
	$(VENV)/bin/python bench/load.py --users $(LOAD_USERS) --minutes $(LOAD_MINUTES) $(LOAD_ARGS)

QUEUE_ARGS ?=
bench-queue: $(VENV)/.installed
	$(VENV)/bin/python bench/queue_claims.py $(QUEUE_ARGS)

bench-language: $(VENV)/.installed
	$(VENV)/bin/python bench/language.py

# Each blind set alone (tests/data/danger, tests/data/danger2, written apart), then both pooled: the target is read
# on the pool, where one miss in a language is 0.986, not 0.97.
bench-danger: $(VENV)/.installed
	@echo "== blind set 1 (tests/data/danger)"; $(VENV)/bin/python bench/danger.py --data tests/data/danger
	@echo "== blind set 2 (tests/data/danger2)"; $(VENV)/bin/python bench/danger.py --data tests/data/danger2
	@echo "== both sets pooled"; $(VENV)/bin/python bench/danger.py --data tests/data/danger --data tests/data/danger2

# The danger net's weights are data in git (content/danger_net.json), so that the app needs no numerical library;
# scikit-learn, which trains them, comes with Rasa's environment. A test fails when the tuning sets changed since.
danger-net: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python tools/train_danger_net.py

bench-relay: $(VENV)/.installed $(REDIS_SERVER)
	$(VENV)/bin/python bench/relay.py

bench-first-message: $(VENV)/.installed
	$(VENV)/bin/python bench/first_message.py

nlu-report: install
	$(VENV)/bin/python bench/nlu_report.py

# Nightly-style fuzzing (tests/fuzz): FUZZ_CASES cases in all, split between the console API (Schemathesis, from
# its OpenAPI document), the web chat and the Telegram webhook (Hypothesis), with random examples; prints the
# figures (cases, statuses seen, server errors). `make test` runs the same tests with a few hundred cases.
# FUZZ_DATABASE=postgresql runs them on a fresh database of the test server (HAVN_TEST_POSTGRES_URL).
FUZZ_CASES ?= 10500
FUZZ_DATABASE ?= sqlite
fuzz: $(VENV)/.installed
	HAVN_FUZZ_CASES=$(FUZZ_CASES) HAVN_FUZZ_DATABASE=$(FUZZ_DATABASE) $(VENV)/bin/python -m pytest tests/fuzz -q -p no:cacheprovider -p no:logging

clean:
	rm -rf $(VENV) $(RASA_VENV) models .pytest_cache .ruff_cache
