# Atelier: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export FLASK_APP := wsgi

.PHONY: run test install assets translations lint clean soak

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

assets: install
	@if [ -f package.json ]; then npm ci --no-audit --no-fund --loglevel=error && $(BIN)/python -m atelier.assets; fi

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d atelier/translations -D messages 2>&1 | grep -v '^compiling' || true

run: install assets translations
	$(FLASK) db upgrade
	$(FLASK) seed demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). Each pass runs on
# one pytest-xdist worker per CPU (TEST_WORKERS=N to choose; each worker has its own database),
# handed one test at a time as it gets free: the longest go first (tests/conftest.py), so the
# workers end together.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist load --maxschedchunk 1
test: install assets translations
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check --quiet atelier tests bench
	env -u TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== again on PostgreSQL =="; $(PYTEST); fi

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check atelier tests bench

# Re-extract the strings and merge them into every catalogue (then translate the new ones).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o atelier/translations/messages.pot .
	$(BIN)/pybabel update -i atelier/translations/messages.pot -d atelier/translations --no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) node_modules static/vendor instance/*.sqlite3*

# Benchmarks at three data scales on SQLite and PostgreSQL (BENCH_PG_URL), then a load test of
# the till under gunicorn; writes bench/RESULTS.md. Slow (minutes): not part of `make test`.
.PHONY: bench
bench: install translations
	@start=$$(date +%s); \
	$(BIN)/python -m bench.run && \
	$(BIN)/python -m bench.backup && \
	$(BIN)/python -m bench.load && \
	BENCH_ELAPSED=$$(( $$(date +%s) - $$start )) $(BIN)/python -m bench.report

# The model-based test of the whole chain, longer and from a fresh random seed each time
# (`make test` runs 200 fixed examples). CHAIN_EXAMPLES=N for more or fewer.
soak: install translations
	CHAIN_EXAMPLES=$${CHAIN_EXAMPLES:-2000} CHAIN_SEED=random $(BIN)/pytest -q tests/test_chain_state_machine.py
