# Two commands set everything up on a fresh machine with Python 3.11 and npm:
#   make run   - the hub on http://127.0.0.1:$(PORT) with demo data and one login per role
#   make test  - the whole test suite (but the fault run)
#   make test-faults - the fault run: Redis, Celery workers and PostgreSQL killed (minutes)
#   make backup / make restore BACKUP=FILE - docs/operations.md
# Both use DATABASE_URL when it is set, and an embedded PostgreSQL (in .pgdata/) otherwise.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test test-faults test-faults-long install lint test-browser clean-db bench \
	backup restore restore-rehearsal bench-load

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static_build/.built: node_modules/.installed static/scss/hub.scss scripts/copy_assets.mjs
	npm run --silent build
	touch $@

install: $(VENV)/.installed static_build/.built

# The local demo run, whatever database it uses (the embedded one, or DATABASE_URL):
# HUB_EMBEDDED=1 keeps email on the console unless EMAIL_HOST is set (issue 13).
run: install
	HUB_EMBEDDED=1 $(BIN)/python -m hub.embedded -- $(BIN)/python manage.py runhub --port $(PORT)

# mypy (the files are listed in pyproject.toml) loads hub.settings through the django-stubs
# plugin; settings need a DATABASE_URL, and mypy never connects, so any address will do.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DATABASE_URL="$${DATABASE_URL:-postgres://mypy@127.0.0.1:1/no-database}" $(BIN)/mypy

# In TEST_WORKERS processes (pytest-xdist; `auto`: one per core), each with a test database
# of its own and a Redis database of its own (tests/xdist_worker.py). TEST_WORKERS=0 runs
# the suite in this one process.
TEST_WORKERS ?= auto
test: install lint
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m hub.embedded -- $(BIN)/python -m pytest -m "not faults" \
		-n $(TEST_WORKERS) $(PYTEST_ARGS)

# A few minutes: 1,000+ letters fall due while real Redis and Celery worker processes are
# SIGKILLed at random; every item must run exactly once (tests/faults/test_kills.py). Then a
# private PostgreSQL is SIGKILLed under IVNA intake and case work over HTTP: 503s meanwhile,
# nothing lost, doubled or half-made afterwards (tests/faults/test_postgres.py).
test-faults: install
	$(BIN)/python -m hub.embedded -- $(BIN)/python -m pytest -m faults tests/faults $(PYTEST_ARGS)

# The long fault run (not in CI, not in make test; one to three hours): 10,000 cases, 20 Redis
# kills, 20 worker kills, 5 PostgreSQL kills (the figures are printed at the end).
test-faults-long: install
	HUB_FAULT_CASES=10000 HUB_FAULT_REDIS_KILLS=20 HUB_FAULT_WORKER_KILLS=20 \
	HUB_FAULT_PG_KILLS=5 HUB_FAULT_PG_IVNAS=2000 \
	$(BIN)/python -m hub.embedded -- $(BIN)/python -m pytest -m faults tests/faults $(PYTEST_ARGS)

# Backups (docs/operations.md): a pg_dump of the hub's database into BACKUP_DIR (backups/),
# encrypted when BACKUP_KEY is set. `make restore BACKUP=FILE` (default: the newest) restores
# into an empty database; RESTORE_ARGS="--database NAME" into a new one, "--replace" over the
# hub's own. `make restore-rehearsal` restores the newest into a scratch database and checks it.
BACKUP ?= latest
backup: install
	$(BIN)/python -m hub.embedded -- $(BIN)/python manage.py backup $(BACKUP_ARGS)

restore: install
	$(BIN)/python -m hub.embedded -- $(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

restore-rehearsal: install
	$(BIN)/python -m hub.embedded -- $(BIN)/python manage.py restore $(BACKUP) --rehearse

# Benchmarks at 30,000 and 300,000 cases, printed and written to bench/RESULTS.md. The first
# run generates the data into databases of its own (hub_bench_30k, hub_bench_300k: about a
# quarter of an hour); BENCH_ARGS="--sizes 30000" for the small one only.
bench: install
	$(BIN)/python -m hub.embedded -- $(BIN)/python bench/run.py $(BENCH_ARGS)

# A hub day under load (bench/load.py, about half an hour the first time at 300,000 cases,
# which builds hub_load_300k_base and keeps it): gunicorn, a Celery worker and beat on the
# DATABASE_URL server (or the embedded one) and a private Redis, 40 people in locust for 10
# minutes, then IVNA intake over HTTP; the figures go to bench/RESULTS.md ("Load").
# LOAD_ARGS="--size 30000 --minutes 2" for a quick run.
$(VENV)/.bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q ".[bench]"
	touch $@

bench-load: install $(VENV)/.bench
	$(BIN)/python -m hub.embedded -- $(BIN)/python bench/load.py $(LOAD_ARGS)

clean-db:
	rm -rf .pgdata
