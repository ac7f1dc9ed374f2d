# loanbot — set-up, run, test, benchmark. `.venv` at the repo root is created when missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench check clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q bot  # the first start needs no compiling
	$(PY) -c 'from bot.understanding.tokenizer import Tokenizer; Tokenizer()'  # jieba's dictionary copy (cache dir)
	touch $(STAMP)

## run: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat
run: $(STAMP)
	$(PY) -m bot run

## test: install, then the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## check: house rules (ruff, mypy), then validate the knowledge base (and its provenance when the seeds are present)
check: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m bot kb check
	@if [ -d ../shared/seeds ]; then $(PY) -m bot kb check --docs ../shared/seeds; fi

## bench: speed, memory and accuracy against their floors; writes benchmarks/results.local.json (untracked),
##        and with UPDATE=1 also the committed table benchmarks/results.json
bench: $(STAMP)
	$(PY) benchmarks/run.py $(if $(UPDATE),--update)

clean:
	rm -rf $(VENV) build *.egg-info
