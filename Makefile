# Two commands for newcomers: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export TRACING_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/tracing.sqlite3
export FLASK_APP := tracing

.PHONY: run test lint typecheck pytest install translations translations-update clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d tracing/translations --statistics 2>&1 | grep -v '^compiling' || true

# Merge the strings of today's code into the uk/en/ru catalogs (then translate the new ones).
translations-update: $(STAMP)
	$(BIN)/python tools/update_catalogs.py

# Local http on 127.0.0.1: cookies cannot be marked Secure there.
run: export TRACING_COOKIE_SECURE ?= false
run: install
	mkdir -p instance
	$(BIN)/alembic upgrade head
	$(BIN)/flask demo seed --if-empty
	@$(BIN)/flask demo logins
	@# the periodic jobs (queued imports, retention) every minute, for as long as the app runs
	@(while sleep 60; do $(BIN)/flask jobs run >/dev/null 2>&1; done) & jobs=$$!; \
	trap 'kill $$jobs' EXIT; $(BIN)/flask run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

# The whole suite on SQLite, then the database tests again on a throwaway PostgreSQL cluster.
test: install lint typecheck
	$(BIN)/pytest
	@if scripts/with-postgres --available; then \
		scripts/with-postgres $(BIN)/pytest tests/tracing -m 'not browser'; \
	else \
		echo "PostgreSQL binaries not found: the PostgreSQL run was skipped (install postgresql)"; \
		test -z "$$TRACING_REQUIRE_POSTGRES"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache instance
