# The two commands of the README: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Reinstall only when the pins change.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
PYTEST_WORKERS ?= 2
# Test-only JavaScript (package.json): axe-core, which the browser test injects into every page.
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test install lint seed bench clean

run: install
	$(VENV)/bin/coopwatch db upgrade
	$(VENV)/bin/coopwatch archive seed
	$(VENV)/bin/coopwatch run

test: install lint $(AXE)
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Without npm the accessibility check skips outside CI; under CI (CI set) setup fails here.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: install Node.js + npm for the accessibility check" >&2; \
	  test -z "$$CI"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy core coopwatch crawler relevance replica storage feeds web scheduler

seed: install
	$(VENV)/bin/coopwatch db upgrade
	$(VENV)/bin/coopwatch archive seed

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data node_modules .pytest_cache .ruff_cache
