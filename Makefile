# Two entry points for a new user: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean venv

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/perfeval score examples/seed-corrected.yaml
	$(BIN)/perfeval validate examples/seed-as-published.yaml || true
	$(BIN)/perfeval render examples/seed-corrected.yaml --format html --out out/demo/ --overwrite
	$(BIN)/perfeval render examples/seed-corrected.yaml --format xlsx --out out/demo/ --overwrite
	$(BIN)/perfeval report examples/seed-corrected.yaml --format md --out out/demo/ --overwrite
	$(BIN)/perfeval report examples/seed-corrected.yaml --format docx --out out/demo/ --overwrite

# everything: ruff (pyflakes, import order, zip(strict=); config in pyproject.toml), then every test
test: lint
	$(BIN)/python -m pytest

# the quick loop: tests marked `slow` (interrupted batches, large corpora) left out
test-fast: lint
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out build dist

.PHONY: screenshots
screenshots: $(STAMP)  # the screenshots in docs/serve.md, taken by the browser tests (needs /usr/bin/chromium)
	PERFEVAL_SCREENSHOTS=docs/img $(BIN)/python -m pytest tests/test_serve_browser.py -q
