# Two commands for a newcomer:  `make book`  and  `make test`.
# Each creates .venv (Python 3.11) and installs requirements.txt plus course_lib on first use.
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install book test lab lint clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

## Build the rendered book into _build/html, executing every chapter (strict: warnings are errors).
book: $(STAMP)
	rm -rf _build/html   # Sphinx keeps stale static files; executions stay cached in _build/.jupyter_cache
	@# The execution cache is keyed on the notebooks' code only: drop it when course_lib changed.
	@if [ -f _build/.jupyter_cache/global.db ] && [ -n "$$(find course_lib -name '*.py' -newer _build/.jupyter_cache/global.db)" ]; then \
		echo "course_lib changed: re-executing every chapter"; rm -rf _build/.jupyter_cache; fi
	$(BIN)/jupyter-book build --all . -W -n --keep-going

## Run the whole test suite: library tests, every notebook under nbval, the strict book build.
test: $(STAMP)
	$(BIN)/python -m pytest

## Open the chapters in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab book/

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf _build
