# Two commands: `make chat` (set up everything, then chat) and `make test` (set up, run the suite).
# The virtual environment is rebuilt only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: chat test setup doctor bench

chat: setup
	$(VENV)/bin/cadenza chat

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

doctor: setup
	$(VENV)/bin/cadenza doctor

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Cadenza needs Python 3.11+"'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps tinysoundfont==0.3.7
	rm -f $(VENV)/.installed-*
	touch $(STAMP)
