# Set-up is one stamp file per extra: rebuilt only when pyproject.toml changes. `make run`
# installs the runtime only; `make test` adds the test extra; `make bundle` the bundle extra.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
BUNDLE_STAMP := $(VENV)/.bundle
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

.PHONY: run test bench lint format clean bundle bundle-test

# Python 3.11 or newer; a .venv made with another Python is rebuilt.
define make_venv
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found $(PYVER)): make PYTHON=python3.11")'
	@if test -x $(BIN)/python && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then echo "Rebuilding $(VENV): it was made with another Python"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
endef

$(RUNTIME): pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(BUNDLE_STAMP): pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet -e ".[test,bundle]"
	touch $(BUNDLE_STAMP)

run: $(RUNTIME)
	$(BIN)/python main.py $(ARGS)

# Desktop bundle (onedir) in dist/gluteal-assess/: see docs/install.md.
bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller packaging/gluteal-assess.spec

bundle-test: bundle
	GLUTEAL_ASSESS_BUNDLE=dist/gluteal-assess QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/packaging/test_bundle.py

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist

# Clinical validation (issue 10): every case in validation/cases/ through the engine; writes
# validation/results.md. Owned by the validation harness.
.PHONY: validate
validate: $(STAMP)
	$(BIN)/python main.py validate --write
