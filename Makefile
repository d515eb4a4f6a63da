# cpqa: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := DJANGO_SETTINGS_MODULE=cpqa.config.settings.demo

.PHONY: install run test lint format fuzz bench clean code

install: $(VENV)/.installed cpqa/core/static/build/cpqa.css

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("cpqa needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

cpqa/core/static/build/cpqa.css: node_modules/.package-lock.json cpqa/frontend/cpqa.scss scripts/build-assets.mjs
	npm run --silent build

run: install
	$(DEMO) $(BIN)/cpqa migrate --noinput
	$(DEMO) $(BIN)/cpqa demo
	$(DEMO) $(BIN)/cpqa serve

test: install
	$(BIN)/pytest

# The property-based tests (marked fuzz) with CPQA_FUZZ_EXAMPLES=10,000 (docs/security.md),
# from a fixed seed so that CI is repeatable: CPQA_FUZZ_SEED=N make fuzz explores others.
fuzz: install
	CPQA_FUZZ_EXAMPLES=$${CPQA_FUZZ_EXAMPLES:-10000} $(BIN)/pytest -m fuzz --durations=20 \
		--hypothesis-seed=$${CPQA_FUZZ_SEED:-2026}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules cpqa/core/static/build

# The demo's two-factor code for a demo user: make code who=team.manager
code: install
	@$(DEMO) $(BIN)/cpqa demo --code $(who)
